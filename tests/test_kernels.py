"""The quick figures do not depend on the BLAS kernel: their data under the OpenBLAS kernels of
other CPUs pass the figure-diff check against the baselines (made with this CPU's own kernels).

The Prescott kernels run the whole check end to end (tests/test_workflow.py); here the data of
every quick figure are solved in-process (``python -m dissent.build --data-only``, one BLAS thread
as in a solve job) under Sandybridge and Haswell kernels and compared as the check compares them:
the same data, a fraction of the cost (no Snakemake, no drawing).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from quickdata import BASELINES, PAPERS

from dissent import check, io
from dissent import config as cfg

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow
SETTINGS = yaml.safe_load((ROOT / "config/config.yaml").read_text())
KERNELS = ["Sandybridge", "Haswell"]


def kernel_env(kernel: str) -> dict[str, str]:
    return {
        **os.environ,
        "OPENBLAS_CORETYPE": kernel,
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }


def test_the_kernels_are_really_switched():
    code = "import numpy, threadpoolctl; print(threadpoolctl.threadpool_info()[0]['architecture'])"
    for kernel in KERNELS:
        run = subprocess.run(
            [sys.executable, "-c", code],
            env=kernel_env(kernel),
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.strip() == kernel


@pytest.mark.parametrize("kernel", KERNELS)
def test_quick_figures_pass_the_check_under_other_kernels(kernel, tmp_path):
    for paper in SETTINGS["papers"]:
        subprocess.run(
            [sys.executable, "-m", "dissent.build", paper, "--quick", "--data-only"]
            + ["--out", str(tmp_path)],
            cwd=ROOT,
            env=kernel_env(kernel),
            capture_output=True,
            check=True,
        )
    tolerances = SETTINGS["check"]
    failed = {}
    for paper in SETTINGS["papers"]:
        for figure in PAPERS[paper]:
            declared = cfg.figure_spec(PAPERS, paper, figure, "quick").get("check", {})
            problems = check.compare_data(
                io.read_netcdf(tmp_path / paper / f"{figure}.nc"),
                check.read_baseline(BASELINES / paper / f"{figure}.nc"),
                tolerances["rtol"],
                tolerances["atol"],
                declared.get("variables"),
            )
            if problems:
                failed[f"{paper}.{figure}"] = problems
    assert not failed, failed
