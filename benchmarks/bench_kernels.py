"""Do the figures depend on the BLAS kernel? Every figure's data under two OpenBLAS core types.

Solves every figure of the selected papers in-process (``python -m dissent.build --data-only``,
one BLAS thread, as a solve job) once per kernel, then compares the two datasets of each figure:
per variable the number of values that differ at all, the largest difference, and the verdict of
the figure-diff check (config ``check`` tolerances and the figure's ``check:`` declaration).
Heavy on the full grids (the whole reproduction once per kernel): run it with ``nice``.

    nice python benchmarks/bench_kernels.py [--quick] [--kernels default Prescott]
        [--papers zou2022 hou2025] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kernel_env(kernel: str) -> dict[str, str]:
    """The environment of a run with OpenBLAS core type ``kernel`` ('default': the CPU's own)."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env.update(OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT / "src"))
    if kernel != "default":
        env["OPENBLAS_CORETYPE"] = kernel
    return env


def solve_all(kernel: str, papers: list[str], quick: bool, out: Path) -> float:
    """Every figure's NetCDF of ``papers`` under ``kernel`` into ``out``; the CPU seconds."""
    before = cpu_of_children()
    for paper in papers:
        args = [sys.executable, "-m", "dissent.build", paper, "--data-only", "--out", str(out)]
        subprocess.run(
            args + (["--quick"] if quick else []), cwd=ROOT, env=kernel_env(kernel), check=True
        )
    return cpu_of_children() - before


def differences(a, b) -> list[tuple[str, int, int, float]]:
    """(variable, values that differ, values, max |difference|) of every variable that differs."""
    rows = []
    for name in sorted(set(a.variables) & set(b.variables)):
        x, y = a[name].values, b[name].values
        if x.shape != y.shape:
            rows.append((name, -1, x.size, float("nan")))
            continue
        if x.dtype.kind not in "fiub":
            if not np.array_equal(x, y):
                rows.append((name, int(np.sum(x != y)), x.size, float("nan")))
            continue
        x, y = x.astype(float), y.astype(float)
        same = (x == y) | (np.isnan(x) & np.isnan(y))
        if not same.all():
            diff = np.abs(x - y)[~same]
            rows.append((name, int((~same).sum()), x.size, float(np.nanmax(diff, initial=0))))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernels", nargs=2, default=["default", "Prescott"])
    parser.add_argument("--papers", nargs="+", default=None, help="default: config/config.yaml")
    parser.add_argument("--quick", action="store_true", help="the quick variant")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="compare the data already in --out")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from dissent import check, io
    from dissent import config as cfg

    settings = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    papers = args.papers or settings["papers"]
    out = args.out or Path(tempfile.mkdtemp(prefix="dissent-kernels-"))
    variant = "quick" if args.quick else "full"
    cpu = {
        k: 0.0 if args.reuse else solve_all(k, papers, args.quick, out / k) for k in args.kernels
    }
    all_papers = cfg.load_papers(cfg.paper_files(ROOT / settings["paper_configs"]))
    tol = settings["check"]
    print(f"# {variant} grids, kernels {' vs '.join(args.kernels)} (data in {out})\n")
    print(", ".join(f"{k}: {s:.0f} CPU-s" for k, s in cpu.items()) + "\n")
    print(
        "| figure | variables differing | values differing | largest abs diff (variable) | check |"
    )
    print("|---|---|---|---|---|")
    for paper in papers:
        for figure in all_papers[paper]:
            first, second = (io.read_netcdf(out / k / paper / f"{figure}.nc") for k in args.kernels)
            declared = cfg.figure_spec(all_papers, paper, figure, "quick").get("check", {})
            failed = check.compare_data(
                first, second, tol["rtol"], tol["atol"], declared.get("variables")
            )
            verdict = "FAIL: " + "; ".join(failed) if failed else "pass"
            rows = differences(first, second)
            n_vars = f"{len(rows)} of {len(set(first.variables) & set(second.variables))}"
            n_values = sum(max(n, 0) for _, n, _, _ in rows)
            size = sum(first[name].size for name in first.variables)
            largest = max(rows, key=lambda r: -1 if np.isnan(r[3]) else r[3], default=None)
            text = f"{largest[3]:.2g} ({largest[0]})" if largest else "0"
            print(f"| {paper}.{figure} | {n_vars} | {n_values} of {size} | {text} | {verdict} |")


if __name__ == "__main__":
    main()
