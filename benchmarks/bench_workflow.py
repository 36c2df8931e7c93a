"""Benchmark of the whole reproduction: `snakemake --cores N` from scratch, then a no-op rerun.

Runs in a scratch copy of the repository (nothing of yours is touched) and prints the wall times
and, per figure, its solve jobs (from their Snakemake benchmark files): their number, summed wall
time, the longest one and the balance (longest / shortest job of the figure), and its panels
solved in-process.

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
    # Python's default: modules are compiled once and their bytecode cached in __pycache__. Some
    # sandboxes set PYTHONDONTWRITEBYTECODE, which recompiles dissent in every job (~0.3 s each).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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


def chunk_table(logs: Path) -> str:
    """Per figure: its solve jobs' summed wall time, the longest one, and the balance (longest /
    shortest job of the figure, all its panels), from the jobs' Snakemake benchmark files;
    and its panels solved in-process (``in_process: true``): their number and solver seconds."""
    jobs: dict[tuple[str, str], dict[str, list[float]]] = {}
    local: dict[tuple[str, str], list[float]] = {}
    for log in sorted(logs.glob("*/*/*/solve-*")):
        panel, figure, paper = (p.name for p in log.parents[:3])
        if log.name.endswith(".benchmark.tsv"):
            header, values = (line.split("\t") for line in log.read_text().splitlines()[:2])
            seconds = float(dict(zip(header, values, strict=True))["s"])
            jobs.setdefault((paper, figure), {}).setdefault(panel, []).append(seconds)
        elif log.name == "solve-in-process.log":
            seconds = float(log.read_text().split(" in ")[-1].split()[0])
            local.setdefault((paper, figure), []).append(seconds)
    lines = [
        f"{'figure':24s} {'jobs':>5s} {'sum s':>7s} {'longest s':>9s} {'balance':>7s} "
        f"{'in-process':>10s} {'solver s':>8s}",
    ]
    longest = 0.0
    for key in sorted(jobs.keys() | local.keys()):
        chunks, inproc = jobs.get(key, {}), local.get(key, [])
        times = [t for ts in chunks.values() for t in ts]
        balance = max(times, default=1.0) / max(min(times, default=1.0), 1e-3)
        longest = max([longest, *times])
        lines.append(
            f"{'/'.join(key):24s} {len(times):5d} {sum(times):7.1f} {max(times, default=0):9.1f} "
            f"{balance:7.2f} {len(inproc):10d} {sum(inproc):8.2f}"
        )
    lines.append(f"longest single job: {longest:.1f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the quick variant (check target)")
    parser.add_argument("--papers", nargs="*", help="papers to build (default: config.yaml)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy and its results")
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
    print(chunk_table(repo / "logs" / ("quick" if args.quick else "")))
    print(
        f"\nfrom scratch: {first:.1f} s wall ({args.cores} cores, {cpu:.0f} CPU-s); "
        f"no-op rerun: {again:.1f} s"
    )
    if args.keep:
        print(f"results kept in {repo}")
    else:
        shutil.rmtree(repo)


if __name__ == "__main__":
    main()
