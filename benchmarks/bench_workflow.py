"""Benchmark of the whole reproduction: `snakemake --cores N` from scratch, then a no-op rerun.

Runs in a scratch copy of the repository (nothing of yours is touched) and prints the wall times
and, per figure, the summed solver time of its chunks (from the NetCDF provenance).

    python benchmarks/bench_workflow.py [--cores 2] [--quick] [--papers zou2022 hou2025]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from scratch import copy_repository  # noqa: E402


def scratch_copy() -> Path:
    """A scratch copy of the repository (the same copy the end-to-end tests use)."""
    return copy_repository(Path(tempfile.mkdtemp(prefix="dissent-bench-")))


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def snakemake(cwd: Path, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(cwd / "src")}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the quick variant (check target)")
    parser.add_argument("--papers", nargs="*", help="papers to build (default: config.yaml)")
    args = parser.parse_args()
    repo = scratch_copy()
    extra = []
    if args.papers:
        extra = ["--config", f"papers={json.dumps(args.papers)}"]
    target = ["results/checks/summary.md"] if args.quick else []
    cpu = cpu_of_children()
    first = snakemake(repo, *target, "--cores", str(args.cores), *extra)
    cpu = cpu_of_children() - cpu
    again = snakemake(repo, *target, "--cores", str(args.cores), *extra)
    import xarray as xr

    results = repo / "results" / ("quick" if args.quick else "")
    print(f"{'figure':32s} {'solve s (sum of chunks)':>24s}")
    for nc in sorted(results.glob("*/*.nc")):
        with xr.open_dataset(nc) as ds:
            seconds = sum(float(v) for k, v in ds.attrs.items() if k.endswith("_solve_seconds"))
        print(f"{nc.parent.name + '/' + nc.stem:32s} {seconds:24.1f}")
    print(
        f"\nfrom scratch: {first:.1f} s wall ({args.cores} cores, {cpu:.0f} CPU-s); "
        f"no-op rerun: {again:.1f} s"
    )
    shutil.rmtree(repo)


if __name__ == "__main__":
    main()
