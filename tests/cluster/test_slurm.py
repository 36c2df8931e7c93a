"""SLURM drill: the quick workflow through `--profile profiles/slurm` on a real one-node cluster.

tests/cluster/run-slurm.sh does the work (install SLURM from the Debian packages, start munge,
slurmctld and slurmd on 127.0.0.1, run `snakemake --profile profiles/slurm check` in a scratch copy,
then make one SLURM job fail on purpose, and stop every daemon). About 5 minutes on 2 cores.
Deselect with `-m "not slurm"`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("run-slurm.sh")
LIMIT = 1200  # seconds for the whole drill, install included; the script has its own limits

pytestmark = pytest.mark.slurm


def _can_run() -> str | None:
    if os.geteuid() != 0:
        return "the SLURM drill needs root (it installs packages and starts daemons)"
    if not (shutil.which("slurmctld") and shutil.which("sbatch")) and not shutil.which("apt-get"):
        return "SLURM is not installed and apt-get is unavailable to install it"
    if not shutil.which("timeout") or not shutil.which("flock"):
        return "coreutils timeout / util-linux flock missing"
    return None


@pytest.mark.skipif(_can_run() is not None, reason=str(_can_run()))
def test_quick_workflow_on_real_slurm():
    env = {**os.environ, "PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)  # the script points PYTHONPATH at its scratch copy
    # `timeout -s INT`: Snakemake ignores SIGTERM while jobs run; the script's trap stops daemons.
    run = subprocess.run(
        ["timeout", "-s", "INT", "-k", "60", str(LIMIT), "bash", str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 124, (
        f"the SLURM drill hit the time limit of {LIMIT}s:\n{output[-6000:]}"
    )
    assert run.returncode == 0, output[-8000:]
    assert "Figure check:" in run.stdout and " 0 failed" in run.stdout, output[-4000:]
    assert "phase 2 passed" in output
    print(output[-1500:])
