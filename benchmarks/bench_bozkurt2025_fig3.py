"""Time the fig3 solver of bozkurt2025 on its full grid against a per-point QuTiP loop.

The batched solver (dissent.models.bozkurt2025.symmetric_steady_state) runs on the full grid of
config/papers/bozkurt2025.yaml (201 x 201 points). The reference is a straightforward loop: for
each (T, phi) build the Kraus operators U <sigma|S|down> as QuTiP objects, the superoperator with
qutip.kraus_to_super, its eigenvector of eigenvalue 1 with numpy.linalg.eig, and qutip.concurrence.
The loop runs on a subsample of the same points (every k-th point) and its time is extrapolated
linearly to the full grid; the script says so in its output. Results are compared on the subsample.
Times are CPU seconds of this process (time.process_time; the batched solver: best of --repeats),
not wall time, which is meaningless on a shared machine.

Usage: .venv/bin/python benchmarks/bench_bozkurt2025_fig3.py [--stride 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import qutip as qt

from dissent.models import bozkurt2025 as m


def qutip_point(T: float, phi: float) -> float:
    S = m.three_particle_s(T, T)
    A = m.electron_blocks(S)
    U = np.kron(m.larmor_unitary(np.pi / 2, 0.0, np.pi), m.larmor_unitary(np.pi / 2, phi, np.pi))
    kraus = [qt.Qobj(U @ A[s, 1], dims=[[2, 2], [2, 2]]) for s in (0, 1)]
    sup = qt.kraus_to_super(kraus)
    w, v = np.linalg.eig(sup.full())
    x = v[:, np.argmin(np.abs(w - 1))].reshape(4, 4, order="F")  # QuTiP vectorises column-major
    rho = qt.Qobj(x / np.trace(x), dims=[[2, 2], [2, 2]])
    rho = (rho + rho.dag()) / 2
    return qt.concurrence(rho)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stride", type=int, default=20, help="loop over every stride-th grid point")
    ap.add_argument("--repeats", type=int, default=3, help="best of N runs of the batched solver")
    args = ap.parse_args()
    T = np.linspace(0.0025, 0.9975, 201)
    phi = np.linspace(-np.pi / 2, np.pi / 2, 201)
    TT, PP = (a.ravel() for a in np.meshgrid(T, phi, indexing="ij"))
    t_batched = np.inf
    for _ in range(args.repeats):
        t0 = time.process_time()
        ds = m.symmetric_steady_state(T=TT, phi=PP)
        t_batched = min(t_batched, time.process_time() - t0)
    sub = np.arange(0, TT.size, args.stride)
    t0 = time.process_time()
    c_loop = np.array([qutip_point(TT[i], PP[i]) for i in sub])
    t_sub = time.process_time() - t0
    t_loop = t_sub * TT.size / sub.size
    err = np.abs(c_loop - ds.concurrence.values[sub]).max()
    print(
        f"grid: {TT.size} points (201 x 201); batched solver (concurrence, spin current, purity, "
        f"uniqueness check): {t_batched:.2f} s CPU ({1e6 * t_batched / TT.size:.1f} us per point)"
    )
    print(
        f"QuTiP per-point loop: {t_sub:.2f} s CPU on {sub.size} points (every {args.stride}th), "
        f"extrapolated to the full grid: {t_loop:.1f} s"
    )
    print(
        f"ratio loop / batched: {t_loop / t_batched:.1f}x; max |C_loop - C_batched| on the "
        f"subsample: {err:.2e}"
    )


if __name__ == "__main__":
    main()
