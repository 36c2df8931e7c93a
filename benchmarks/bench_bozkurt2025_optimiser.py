"""Robustness and cost of the bozkurt2025 Figs. 7/8 optimiser (dissent.models.bozkurt2025).

1. Solves the fig7 grid (41 x 41 by default) with the configured optimiser settings in separate
   processes under OPENBLAS_CORETYPE = default, Prescott, Sandybridge, Haswell (1 thread each)
   and prints, per kernel, the CPU time of the solve (user + sys, time.process_time) per point
   and the largest difference from the default kernel: concurrence everywhere, fields where the
   optimum is flagged unique in both (phi2 - phi1 modulo 2 pi), and the number of points whose
   uniqueness flag differs.
2. With ``--save``/``--reference``: stores the default kernel's result, or compares with a stored
   one (e.g. of the previous version of the optimiser): the largest decrease and increase of C,
   and the fields where both flag the optimum unique.

The independent global search is bench_bozkurt2025_global.py (it reads ``--save``'s file).

Usage: python benchmarks/bench_bozkurt2025_optimiser.py [--n 41] [--kernels default,Prescott]
       [--save F.npz] [--reference F.npz]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def fig7_params() -> dict:
    cfg = yaml.safe_load((ROOT / "config/papers/bozkurt2025.yaml").read_text())
    params = dict(cfg["bozkurt2025"]["fig7"]["panels"]["main"]["params"])
    return params


def grid(n: int):
    T = np.linspace(0.0, 1.0, n)
    return [a.ravel() for a in np.meshgrid(T, T, indexing="ij")]


def worker(out: str, n: int) -> None:
    from dissent.models import bozkurt2025 as m

    T1, T2 = grid(n)
    t0 = time.process_time()
    c, x, d = m.optimise_fields(T1, T2, **fig7_params())
    cpu = time.process_time() - t0
    np.savez(
        out,
        c=c,
        x=x,
        u=d["unique"],
        cpu=cpu,
        n=T1.size,
        rounds=d["rounds"],
        multistart=d["multistart_best"],
        canonical_loss=d["canonical_loss"],
    )


def field_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Largest |difference| of the five fields per point, phi2 - phi1 modulo 2 pi."""
    d = a - b
    d[:, 2] = np.angle(np.exp(1j * d[:, 2]))
    return np.abs(d).max(axis=1)


def run_kernels(n: int, kernels) -> dict:
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for core in kernels:
            env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
            env.pop("OPENBLAS_CORETYPE", None)
            if core:
                env["OPENBLAS_CORETYPE"] = core
            f = str(Path(tmp) / f"{core}.npz")
            subprocess.run(
                [sys.executable, __file__, "--worker", f, "--n", str(n)], env=env, check=True
            )
            res[core or "default"] = dict(np.load(f))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=41, help="grid points per axis (fig7 full: 41)")
    ap.add_argument("--kernels", default="default,Prescott,Sandybridge,Haswell")
    ap.add_argument("--save", help="store the default kernel's result (npz)")
    ap.add_argument("--reference", help="compare the default kernel's result with a stored one")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.n)
        return
    print(f"optimiser settings (config fig7): {fig7_params()}")
    kernels = [None if k == "default" else k for k in a.kernels.split(",")]
    res = run_kernels(a.n, kernels)
    ref = res["default"]
    print(f"\nfig7 grid {a.n} x {a.n}, one process per OpenBLAS core type, 1 thread")
    print(
        f"{'kernel':<12}{'CPU s':>8}{'ms/pt':>8}{'max|dC|':>11}{'max|dx| unique':>16}"
        f"{'flag diff':>10}{'unique':>8}"
    )
    for k, r in res.items():
        both = r["u"] & ref["u"]
        dx = field_diff(r["x"][both], ref["x"][both]).max() if both.any() else 0.0
        print(
            f"{k:<12}{float(r['cpu']):8.1f}{1e3 * float(r['cpu']) / int(r['n']):8.2f}"
            f"{np.abs(r['c'] - ref['c']).max():11.1e}{dx:16.1e}"
            f"{int((r['u'] != ref['u']).sum()):10d}{int(r['u'].sum()):8d}"
        )
    T1, T2 = grid(a.n)
    for k, r in res.items():
        both = r["u"] & ref["u"]
        dx = np.where(both, field_diff(r["x"], ref["x"]), 0.0)
        for i in np.flatnonzero(dx > 1e-4):
            print(
                f"   {k}: fields differ by {dx[i]:.1e} rad at (T1, T2) = ({T1[i]:.3f}, {T2[i]:.3f})"
            )
    if a.save:
        np.savez(a.save, **ref)
    if a.reference:
        old = np.load(a.reference)
        dc = ref["c"] - old["c"]
        both = ref["u"] & old["u"]
        dx = field_diff(ref["x"][both], old["x"][both]).max() if both.any() else 0.0
        print(
            f"\nagainst {a.reference}: max decrease of C {-dc.min():.1e} "
            f"({int((dc < -1e-8).sum())} points below by > 1e-8), max increase {dc.max():.1e} "
            f"({int((dc > 1e-8).sum())} points above by > 1e-8); fields where unique in both: "
            f"{dx:.1e}; unique flags differ at {int((ref['u'] != old['u']).sum())} points"
        )


if __name__ == "__main__":
    main()
