"""Cost of the exact and 2nd-order steady states of bello2022 vs N (N1 = N2 = N, maximal J).

    python benchmarks/bench_bello2022_scaling.py [--n 10 20 30 40 50 60] [--no-exact] [--double]

Prints, per N: the size of the M-conserving sector, wall times of building the superoperators,
of the 2nd-order ME steady state (one real nested-dissection LU of its transpose-symmetric,
swap-even quarter), and of the exact cycle-map steady state (ME-preconditioned GMRES, the LUs
of the three other symmetry blocks included), the LU fill of all blocks and the peak resident
memory so far (run one N per process for per-N memory); then power-law fits t ~ N^a and
their extrapolation to N = 100. One core (set OMP/MKL threads to 1 for a fair number).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from dissent.models.bello2022 import dicke, observables, sparse
from dissent.models.bello2022.protocol import Protocol, coupling_constant


def run(N: int, exact: bool, single: bool = True, mu_sqrt_n=0.5, nu_over_mu=0.8, k=1) -> dict:
    J = N / 2
    c = float(coupling_constant(N))
    mu = mu_sqrt_n / np.sqrt(N)
    protocol = Protocol.ideal(mu, nu_over_mu * mu, k)
    t0 = time.perf_counter()
    sector = dicke.Sector(J, J)
    L = dicke.me_generator(sector, protocol, c, c)
    factors = dicke.cycle_factors(sector, protocol, c, c) if exact else None
    t1 = time.perf_counter()
    me = sparse.MESolver(sector, L, single=single)
    y = me.steady_state()
    t2 = time.perf_counter()
    out = {
        "N": N,
        "size": sector.size,
        "build": t1 - t0,
        "me": t2 - t1,
        "lu_nnz": me.lu_nnz,
        "epr_me": observables.delta_epr(dicke.moments(sector, y)),
    }
    if exact:
        x, it, res = sparse.exact_steady_state_iterative(sector, factors, me)
        out.update(
            exact=time.perf_counter() - t2,
            iterations=it,
            residual=res,
            epr_exact=observables.delta_epr(dicke.moments(sector, x)),
        )
    out["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[10, 20, 30, 40, 50, 60])
    parser.add_argument("--no-exact", action="store_true")
    parser.add_argument(
        "--double", action="store_true", help="float64 LU factors (as fig2(b)), not float32"
    )
    args = parser.parse_args()
    rows = []
    print(
        f"{'N':>4} {'sector':>8} {'build s':>8} {'ME s':>7} {'exact s':>8} {'GMRES':>5} "
        f"{'LU nnz':>10} {'peak GB':>7} {'D_EPR ME':>9} {'D_EPR ex':>9}",
        flush=True,
    )
    for N in args.n:
        r = run(N, not args.no_exact, not args.double)
        rows.append(r)
        print(
            f"{N:4d} {r['size']:8d} {r['build']:8.2f} {r['me']:7.2f} "
            f"{r.get('exact', np.nan):8.2f} {r.get('iterations', 0):5d} {r['lu_nnz']:10d} "
            f"{r['peak_gb']:7.2f} {r['epr_me']:9.5f} {r.get('epr_exact', np.nan):9.5f}",
            flush=True,
        )
    big = [r for r in rows if r["N"] >= 20]
    if len(big) >= 2:
        n = np.log([r["N"] for r in big])
        for key in ("me", "exact", "lu_nnz"):
            if key not in big[0]:
                continue
            a, b = np.polyfit(n, np.log([r[key] for r in big]), 1)
            print(f"fit {key}: ~ N^{a:.2f}; extrapolated to N = 100: {np.exp(b) * 100**a:.3g}")


if __name__ == "__main__":
    main()
