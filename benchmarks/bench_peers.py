"""Peer table: every solver family of dissent against the straightforward QuTiP 5 implementation.

    python benchmarks/bench_peers.py                 # default run, about 1 min of CPU
    python benchmarks/bench_peers.py --quick         # smaller subsets, about 20 s of CPU
    python benchmarks/bench_peers.py --only bozkurt2025 hou2025 --markdown

For each family our public solver runs on the points of a figure (the same function the workflow
calls) and a per-point QuTiP loop, written from the papers' equations with QuTiP operators only
(none of our code), runs on the same points or on an evenly spaced subsample of them. The script
checks that the plotted observable agrees (max |difference| below a tolerance, else exit status 1)
and prints one table: time per point of ours and of QuTiP, their ratio, the max difference, and how
far our time is from the arithmetic limit: the real flops of the matrix work our algorithm does
per point divided by the machine's measured complex matmul rate (stacked 16 x 16 matrices for the
small-matrix families, one 1024 x 1024 product for the others).

Times are CPU seconds of this process (``time.process_time``, best of ``--repeats`` runs), with
OpenBLAS/OpenMP/MKL limited to one thread before numpy is imported: wall time is meaningless on a
shared machine. Flop conventions (real flops): complex n x n matmul 8 n^3, matvec 8 n^2, complex LU
8/3 n^3, real LU 2/3 n^3, Hermitian eigh with vectors 36 n^3 and without 16/3 n^3, SVD values of
a real matrix 8/3 n^3 (x4 complex), expm of n x n ~ 10 matmuls; sparse LU: counted from the fill of
our factors. Limits are lower bounds on the time; ``ours/limit`` is how many times slower we are.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import numpy as np  # noqa: E402
import qutip as qt  # noqa: E402

from dissent import registry  # noqa: E402

# internals, only for counting the flops of the sparse LU of the bello2022 ME
from dissent.models.bello2022 import dicke, protocol, sparse  # noqa: E402


# ---------------------------------------------------------------------------------------------
# timing, flops, machine rates (flop counts: real flops, complex n x n matrices unless stated)
# ---------------------------------------------------------------------------------------------
def flops_matmul(n):
    """Complex n x n matrix product."""
    return 8.0 * n**3


def flops_matvec(n):
    return 8.0 * n**2


def flops_lu_complex(n):
    return 8.0 / 3.0 * n**3


def flops_lu_real(n):
    return 2.0 / 3.0 * n**3


def flops_eigh(n):
    """Complex Hermitian eigen-decomposition: 4 x 9 n^3 (tridiagonal QR with vectors)."""
    return 36.0 * n**3


def flops_eigvalsh(n):
    return 16.0 / 3.0 * n**3


def flops_svdvals_real(n):
    """Singular values of a real n x n matrix (bidiagonalisation)."""
    return 8.0 / 3.0 * n**3


def flops_expm(n):
    """Pade 13 with a few squarings: about ten products."""
    return 10 * flops_matmul(n)


# Wootters concurrence of one 4x4 state: spin flip (2 matmuls), sqrt(rho) (eigh + 2 matmuls),
# sqrt(rho) rho~ sqrt(rho) (2 matmuls), its eigenvalues
FLOPS_CONCURRENCE = 6 * flops_matmul(4) + flops_eigh(4) + flops_eigvalsh(4)


def cpu_best(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """(best CPU seconds of ``repeats`` calls, result of the last call)."""
    best, out = np.inf, None
    for _ in range(max(repeats, 1)):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


def machine_rates(repeats: int = 3) -> dict[str, float]:
    """Measured complex matmul rates (real flop/s): one large product, stacked 16 x 16 products."""
    rng = np.random.default_rng(0)
    n = 1024
    a = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    t_large, _ = cpu_best(lambda: a @ a, repeats)
    s = rng.standard_normal((4096, 16, 16)) + 1j * rng.standard_normal((4096, 16, 16))
    t_small, _ = cpu_best(lambda: s @ s, repeats)
    return {"large": flops_matmul(n) / t_large, "small": 4096 * flops_matmul(16) / t_small}


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (Linux), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def resolve_solver(*names: str) -> Callable:
    """The first of ``names`` ("<module>.<function>" in dissent.models) that exists.

    bello2022 is being restructured; the fallbacks keep this script working across the rename.
    """
    for name in names:
        try:
            return registry.solver(name)
        except (ImportError, ValueError, LookupError, AttributeError):
            continue
    raise LookupError(f"none of the solvers {names} exists")


@dataclass
class Row:
    family: str
    unit: str  # what one point is
    points_ours: int
    points_qutip: int
    t_ours: float  # CPU seconds per point
    t_qutip: float
    max_diff: float
    tolerance: float
    observable: str
    flops: float | None  # real flops of our matrix work per point
    rate_key: str  # "small" or "large"
    notes: list[str] = field(default_factory=list)

    def limit(self, rates) -> float | None:
        return None if self.flops is None else self.flops / rates[self.rate_key]


def subsample(n: int, target: int) -> np.ndarray:
    """About ``target`` evenly spaced indices of range(n)."""
    return np.arange(0, n, max(1, n // max(target, 1)))


I2 = qt.qeye(2)
UP, DOWN = qt.basis(2, 0), qt.basis(2, 1)  # sigma_z UP = +UP in every paper


# ---------------------------------------------------------------------------------------------
# 1. zou2022: Lindblad dynamics, Fig. 2 (C(t) from |ud>, zero temperature, a = |A| = 1)
# ---------------------------------------------------------------------------------------------
def qutip_zou2022(delta: float, a: float, A: float, times: np.ndarray) -> np.ndarray:
    """Eq. (7) with D_J = 2 x standard dissipator, i.e. collapse operators sqrt(2 rate) J."""
    sp_ = UP * DOWN.dag()  # sigma^+

    def pair(op, sign):
        return qt.tensor(op, I2) + sign * qt.tensor(I2, op)

    H = -0.5 * delta * pair(qt.sigmaz(), -1)
    c_ops = [
        np.sqrt(2 * r) * op
        for r, op in (((a + A) / 2, pair(sp_, 1)), ((a - A) / 2, pair(sp_, -1)))
        if r > 0
    ]
    result = qt.mesolve(H, qt.ket2dm(qt.tensor(UP, DOWN)), times, c_ops)
    return np.array([qt.concurrence(rho) for rho in result.states])


def family_zou2022(args) -> Row:
    solve = resolve_solver("zou2022.concurrence_dynamics")
    delta = np.array([3.0, 1.0, 0.3, 0.0])  # config/papers/zou2022.yaml fig2
    times = np.linspace(0.0, 30.0, 601 if args.quick else 3001)
    t_ours, ds = cpu_best(
        lambda: solve(delta=delta, A=1.0, a=1.0, boltzmann=0.0, time=times), args.repeats
    )
    t_q, c_q = cpu_best(
        lambda: np.array([qutip_zou2022(d, 1.0, 1.0, times) for d in delta]), args.qutip_repeats
    )
    nt = times.size
    flops = 2 * flops_expm(16) + (nt - 1) * flops_matvec(16) + nt * FLOPS_CONCURRENCE
    return Row(
        "zou2022 Lindblad dynamics (fig2)",
        f"trajectory of {nt} times",
        delta.size,
        delta.size,
        t_ours / delta.size,
        t_q / delta.size,
        float(np.abs(c_q - ds["concurrence"].values).max()),
        1e-4,
        "concurrence C(t)",
        flops,
        "small",
        ["QuTiP: mesolve (default atol 1e-8, rtol 1e-6) + qutip.concurrence per state"],
    )


# ---------------------------------------------------------------------------------------------
# 2. bozkurt2025: collision-map steady states, Fig. 3 grid
# ---------------------------------------------------------------------------------------------
_SINGLET = qt.ket2dm((qt.tensor(UP, DOWN) - qt.tensor(DOWN, UP)).unit())
_TRIPLET = qt.qeye([2, 2]) - _SINGLET
_U1 = (1j * np.pi / 2 * qt.sigmax()).expm()  # Eqs. (16)-(18): B1 = x, Omega = pi


def qutip_bozkurt2025(T: float, phi: float) -> float:
    """Eqs. (1)-(4), (9), (10) (ferromagnetic, chi = |down><down|), fixed point by eig."""
    t, r = np.sqrt(T), -1j * np.sqrt(1 - T)
    s = (t + r) * _TRIPLET + (t - r) * _SINGLET  # electron x qubit, t + r = e^{i varphi}
    S = qt.tensor(s, I2).permute([0, 2, 1]) * qt.tensor(s, I2)  # s_2 s_1 on e x q1 x q2
    kraus = [qt.tensor(b.dag(), I2, I2) * S * qt.tensor(DOWN, I2, I2) for b in (UP, DOWN)]
    kraus = [qt.Qobj(k.full(), dims=[[2, 2], [2, 2]]) for k in kraus]
    U2 = (1j * np.pi / 2 * (np.cos(phi) * qt.sigmax() + np.sin(phi) * qt.sigmay())).expm()
    M = qt.to_super(qt.tensor(_U1, U2)) * qt.kraus_to_super(kraus)
    w, v = np.linalg.eig(M.full())
    x = qt.vector_to_operator(qt.Qobj(v[:, np.argmin(np.abs(w - 1))], dims=[M.dims[0], [1]]))
    rho = x / x.tr()
    return qt.concurrence((rho + rho.dag()) / 2)


def family_bozkurt2025(args) -> Row:
    solve = resolve_solver("bozkurt2025.symmetric_steady_state")
    T = np.linspace(0.0025, 0.9975, 201)  # config/papers/bozkurt2025.yaml fig3
    phi = np.linspace(-np.pi / 2, np.pi / 2, 201)
    TT, PP = (x.ravel() for x in np.meshgrid(T, phi, indexing="ij"))
    t_ours, ds = cpu_best(lambda: solve(T=TT, phi=PP), args.repeats)
    sub = subsample(TT.size, 100 if args.quick else 400)
    t_q, c_q = cpu_best(
        lambda: np.array([qutip_bozkurt2025(TT[i], PP[i]) for i in sub]), args.qutip_repeats
    )
    flops = (  # the collision and free maps are built once per distinct T and phi: not counted
        flops_matmul(16) / 4  # real Pauli transfer product R_free R_collision
        + flops_lu_real(15)  # fixed point and uniqueness screen: LU of the real 1 - R' ...
        + 16 * 2 * 15**2  # ... and its triangular solves for b and the 15 columns of the inverse
        + flops_matvec(16)  # rho from Pauli coefficients
        + FLOPS_CONCURRENCE  # concurrence (the tangle is its square)
    )
    return Row(
        "bozkurt2025 collision-map steady state (fig3)",
        "(T, phi) grid point",
        TT.size,
        sub.size,
        t_ours / TT.size,
        t_q / sub.size,
        float(np.abs(c_q - ds["concurrence"].values[sub]).max()),
        1e-8,
        "concurrence",
        flops,
        "small",
        [
            "ours: full 201 x 201 grid (concurrence, tangle, purity, spin current, kernel check); "
            "QuTiP: kraus_to_super, numpy eig, qutip.concurrence on a subsample"
        ],
    )


# ---------------------------------------------------------------------------------------------
# 3. hou2025: steady states over the temperature map, Fig. 1(b)
# ---------------------------------------------------------------------------------------------
_SM = qt.Qobj([[0, 0], [1, 0]])  # sigma^- = |d><u|, u = excited = (1, 0)
_SIGMA_MINUS = (qt.tensor(_SM, I2), qt.tensor(I2, _SM))
_H_HOU = 0.5 * (qt.tensor(qt.sigmaz(), I2) + qt.tensor(I2, qt.sigmaz()))


def _boltzmann(T: float) -> float:
    return 0.0 if T == 0 else float(np.exp(-1.0 / T))


def qutip_hou2025(t_local: float, t_nonlocal: float, ratio: float, method: str = "direct") -> float:
    """Eqs. (6)-(8) term by term: sum_ij Gamma(r_ij) D[s_i, s_j] with qutip's two-operator
    lindblad_dissipator, Gamma_e(0) = 1, Delta = 1, then qutip.steadystate."""
    rates = {
        "e": np.array([[1.0, ratio], [ratio, 1.0]]),
        "a": _boltzmann(t_local) * np.eye(2) + _boltzmann(t_nonlocal) * ratio * (1 - np.eye(2)),
    }
    L = qt.liouvillian(_H_HOU)
    for kind, ops in (("e", _SIGMA_MINUS), ("a", tuple(s.dag() for s in _SIGMA_MINUS))):
        for i in range(2):
            for j in range(2):
                if rates[kind][i, j] != 0:
                    L += rates[kind][i, j] * qt.lindblad_dissipator(ops[i], ops[j])
    return qt.concurrence(qt.steadystate(L, method=method))


def family_hou2025(args) -> Row:
    solve = resolve_solver("hou2025.temperature_map")
    T = np.linspace(0.0, 1.0, 201)  # config/papers/hou2025.yaml fig1
    T0, Tr = (x.ravel() for x in np.meshgrid(T, T, indexing="ij"))
    t_ours, ds = cpu_best(lambda: solve(T_local=T0, T_nonlocal=Tr, ratio=0.99), args.repeats)
    conc = ds["concurrence"].values
    sub = subsample(T0.size, 60 if args.quick else 200)
    sub = sub[np.isfinite(conc[sub])]  # the masked (unphysical) points are not solved
    t_q, c_q = cpu_best(
        lambda: np.array([qutip_hou2025(T0[i], Tr[i], 0.99) for i in sub]), args.qutip_repeats
    )
    t_svd, c_svd = cpu_best(
        lambda: np.array([qutip_hou2025(T0[i], Tr[i], 0.99, "svd") for i in sub]),
        args.qutip_repeats,
    )
    flops = (
        4 * 256 * 4  # rate x four constant 16 x 16 pieces, added
        + 4 * flops_svdvals_real(6)  # kernel dimension of the complex 6 x 6 neutral block
        + flops_lu_complex(6)
        + 200  # X-state concurrence, singlet fraction, populations
    )
    return Row(
        "hou2025 steady state (fig1 map)",
        "(T(0), T(r)) grid point",
        T0.size,
        sub.size,
        t_ours / T0.size,
        t_q / sub.size,
        float(max(np.abs(c_q - conc[sub]).max(), np.abs(c_svd - conc[sub]).max())),
        1e-7,
        "concurrence",
        flops,
        "small",
        [
            f"QuTiP steadystate(method='svd') instead of the default 'direct': "
            f"{seconds(t_svd / sub.size)}/point, ratio "
            f"{t_svd / sub.size / (t_ours / T0.size):.0f}x (see docs/benchmarks.md)"
        ],
    )


# ---------------------------------------------------------------------------------------------
# 4. bello2022 homogeneous: 2nd-order ME steady state per (J1, J2) Dicke sector (Fig. 2c)
# ---------------------------------------------------------------------------------------------
def qutip_bello2022_sector(J1, J2, n_nuclei, nu_over_mu, k=1) -> float:
    """Eq. (3) in the (J1, J2) Dicke space with jmat, A_j = J_j / sqrt(N), mu = 1; Delta_EPR."""
    c = np.sqrt(n_nuclei)
    mu, nu = 1.0, nu_over_mu
    d1, d2 = qt.qeye(int(2 * J1 + 1)), qt.qeye(int(2 * J2 + 1))
    A1p, A2p = qt.tensor(qt.jmat(J1, "+"), d2) / c, qt.tensor(d1, qt.jmat(J2, "+")) / c
    A1m, A2m = A1p.dag(), A2p.dag()
    local = abs(mu - nu) / (2 * np.sqrt(k))
    c_ops = [0.5 * (nu * A1m + mu * A2m), 0.5 * (mu * A1p + nu * A2p), local * A1m, local * A2p]
    rho = qt.steadystate(0 * A1p, c_ops)
    Jx = qt.tensor(qt.jmat(J1, "x"), d2) + qt.tensor(d1, qt.jmat(J2, "x"))
    Jy = qt.tensor(qt.jmat(J1, "y"), d2) + qt.tensor(d1, qt.jmat(J2, "y"))
    numerator = sum(qt.expect(X * X, rho) - qt.expect(X, rho) ** 2 for X in (Jx, Jy))
    jz1 = qt.expect(qt.tensor(qt.jmat(J1, "z"), d2), rho)
    jz2 = qt.expect(qt.tensor(d1, qt.jmat(J2, "z")), rho)
    return numerator / (abs(jz1) + abs(jz2))


def sparse_lu_flops(J1, J2, n_nuclei, nu_over_mu) -> float | None:
    """Real flops of our sparse LU of the ME steady-state block (from the factors' fill) plus
    the two triangular solves; None if the internals changed."""
    try:
        sector = dicke.Sector(J1, J2)
        c = float(protocol.coupling_constant(n_nuclei))
        me = sparse.MESolver(
            sector, dicke.me_generator(sector, protocol.Protocol.ideal(1.0, nu_over_mu), c, c)
        )
        (lu,) = (f.lu for f in me.lu.values())
    except (AttributeError, ValueError, TypeError):
        return None
    below = np.diff(lu.L.tocsc().indptr) - 1  # L has a unit diagonal
    right = np.diff(lu.U.tocsr().indptr) - 1
    return float(np.sum(2.0 * below * right + below) + 2 * (lu.L.nnz + lu.U.nnz))


def family_bello2022_homogeneous(args) -> Row:
    solve = resolve_solver(
        "bello2022.solvers.sector_moments", "bello2022.homogeneous.sector_moments"
    )
    N, ratio = 40, 0.8  # config/papers/bello2022.yaml fig2 panel c (k = 1)
    js = np.array([1.0, 2.0, 3.0] if args.quick else [2.0, 4.0, 6.0, 8.0])
    J1, J2 = (x.ravel() for x in np.meshgrid(js, js, indexing="ij"))
    t_ours, ds = cpu_best(
        lambda: solve(J1=J1, J2=J2, N=N, nu_over_mu=ratio, k=1, mirror=0), args.repeats
    )
    epr = (ds["me_numerator"] / (abs(ds["me_jz1"]) + abs(ds["me_jz2"]))).values
    t_q, e_q = cpu_best(
        lambda: np.array(
            [qutip_bello2022_sector(a, b, N, ratio) for a, b in zip(J1, J2, strict=True)]
        ),
        args.qutip_repeats,
    )
    lu = [sparse_lu_flops(a, b, N, ratio) for a, b in zip(J1, J2, strict=True)]
    flops = None if None in lu else float(np.mean(lu))
    return Row(
        "bello2022 homogeneous ME steady state (fig2c sectors)",
        f"(J1, J2) sector, J in {js.astype(int).tolist()}",
        J1.size,
        J1.size,
        t_ours / J1.size,
        t_q / J1.size,
        float(np.abs(e_q - epr).max()),
        1e-8,
        "Delta_EPR of the sector",
        flops,
        "large",
        [
            "QuTiP: steadystate (direct sparse LU) of the Liouvillian on the full "
            "(2J1+1)(2J2+1) space; ours: q = 0 sector, transpose/swap blocks, one real LU; "
            "flops: our LU from its fill (dominated by building the operators at these sizes)"
        ],
    )


# ---------------------------------------------------------------------------------------------
# 5. bello2022 inhomogeneous: exact cycle map in the full space, Fig. 3 (N1 = N2 = 2)
# ---------------------------------------------------------------------------------------------
def qutip_bello2022_exact(g1, g2, mu, nu_over_mu, k, cycles) -> tuple[np.ndarray, np.ndarray]:
    """Eq. (2), Table I: Kraus maps of the electron steps as qutip superoperators, one cycle
    M = S4^k S3^k S2 S1, then rho_n = M^(n - n_prev) rho_prev (qutip Qobj powers) at the cycles.
    Returns (Delta of Eq. 6, lowest eigenvalue of rho^T2) per cycle number."""
    g1, g2 = np.asarray(g1) / np.linalg.norm(g1), np.asarray(g2) / np.linalg.norm(g2)
    n1, n2 = len(g1), len(g2)
    n = n1 + n2
    mu = mu / np.sqrt(n1)
    nu = nu_over_mu * mu
    sig = (qt.sigmax(), qt.sigmay(), qt.sigmaz())

    def site(op, i, m):
        return qt.tensor([op if j == i else I2 for j in range(m)])

    gens = [
        sum(
            c * site(s / 2, off + i, n + 1) * site(s / 2, n, n + 1)
            for i, c in enumerate(g)
            for s in sig
        )
        for g, off in ((g1, 0), (g2, n1))
    ]  # A_j . S on nuclei x electron (electron last)
    nuclei = qt.qeye([2] * n)

    def step(theta1, theta2, spin_in):
        U = (-1j * theta2 * gens[1]).expm() * (-1j * theta1 * gens[0]).expm()
        kraus = [
            qt.tensor(nuclei, out.dag()) * U * qt.tensor(nuclei, spin_in) for out in (UP, DOWN)
        ]
        return qt.kraus_to_super([qt.Qobj(K.full(), dims=[[2] * n, [2] * n]) for K in kraus])

    d = (mu - nu) / k
    M = (step(0.0, d, UP) ** k) * (step(d, 0.0, DOWN) ** k) * step(nu, mu, DOWN) * step(mu, nu, UP)
    G = np.concatenate([g1, g2])
    Ax = sum(c * site(sig[0] / 2, i, n) for i, c in enumerate(G))
    Ay = sum(c * site(sig[1] / 2, i, n) for i, c in enumerate(G))
    Az2 = [
        sum(G[i] ** 2 * site(sig[2] / 2, i, n) for i in idx) for idx in (range(n1), range(n1, n))
    ]
    rho = qt.operator_to_vector(qt.ket2dm(qt.tensor([UP] * n1 + [DOWN] * n2)))
    delta, lam, now = [], [], 0
    for c in cycles:
        rho = (M ** int(c - now)) * rho
        now = c
        r = qt.vector_to_operator(rho)
        var = sum(qt.expect(X * X, r) - qt.expect(X, r) ** 2 for X in (Ax, Ay))
        delta.append(var / sum(abs(qt.expect(Z, r)) for Z in Az2))
        lam.append(qt.partial_transpose(r, [0] * n1 + [1] * n2).eigenenergies()[0])
    return np.array(delta), np.array(lam)


def exact_map_flops(cycles: np.ndarray, n_sector=70, n_full=16, n_electron=2, k=5) -> float:
    """Real flops of our exact map (per coupling set): 8 expm on nuclei x electron, Kraus krons,
    sector powers, 27 squarings of the 70 x 70 sector map, mat-vecs, observables per cycle."""
    d = n_full * n_electron
    build = 8 * flops_expm(d) + 4 * flops_matmul(d) + 8 * 6 * n_full**4
    powers = 2 * 3 * flops_matmul(n_sector) + 3 * flops_matmul(n_sector)  # S^k twice, then compose
    squarings = max(int(cycles[-1]).bit_length(), 1) * flops_matmul(n_sector)
    steps = np.diff(np.concatenate([[0], cycles]))
    matvecs = sum(bin(int(s)).count("1") for s in steps) * flops_matvec(n_sector)
    observables = cycles.size * (2 * flops_matmul(n_full) + flops_eigvalsh(n_full))
    return float(build + powers + squarings + matvecs + observables)


def family_bello2022_exact(args) -> Row:
    solve = resolve_solver(
        "bello2022.solvers.exact_dynamics",
        "bello2022.exact.exact_dynamics",
        "bello2022.inhomogeneous.exact_dynamics",
    )
    # config/papers/bello2022_inhomogeneous.yaml fig3 (cycles of its quick variant by default)
    g1, g2, mu, ratio, k = [0.714, 0.7], [0.725, 0.689], 0.1, 0.8, 5
    ncyc = 321 if args.full else (11 if args.quick else 41)
    cycles = np.unique(np.round(np.logspace(0.0, 8.0, ncyc)).astype(np.int64))
    sets = np.array([0, 1])
    t_ours, ds = cpu_best(
        lambda: solve(
            inhomogeneous=sets, g1=g1, g2=g2, mu_sqrt_n1=mu, nu_over_mu=ratio, k=k, cycles=cycles
        ),
        args.repeats,
    )
    couplings = [([1.0, 1.0], [1.0, 1.0]), (g1, g2)]
    t_q, res = cpu_best(
        lambda: [qutip_bello2022_exact(a, b, mu, ratio, k, cycles) for a, b in couplings],
        args.qutip_repeats,
    )
    diff = max(
        np.abs(np.array([r[0] for r in res]) - ds["delta"].values).max(),
        np.abs(np.array([r[1] for r in res]) - ds["lambda_min"].values).max(),
    )
    return Row(
        "bello2022 full-space exact map (fig3)",
        f"coupling set, {cycles.size} cycle numbers to 1e8",
        sets.size,
        sets.size,
        t_ours / sets.size,
        t_q / sets.size,
        float(diff),
        1e-7,
        "Delta and lambda_min(rho^T2)",
        exact_map_flops(cycles),
        "large",
        [
            "QuTiP: kraus_to_super on the 2^4 nuclear space (256 x 256), Qobj powers "
            "M^(n - n_prev); "
            "ours: the 70-element q = 0 sector, binary powers"
        ],
    )


FAMILIES = {
    "zou2022": family_zou2022,
    "bozkurt2025": family_bozkurt2025,
    "hou2025": family_hou2025,
    "bello2022-homogeneous": family_bello2022_homogeneous,
    "bello2022-exact": family_bello2022_exact,
}


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------
def seconds(t: float | None) -> str:
    if t is None or not np.isfinite(t):
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def table(rows: list[Row], rates: dict[str, float], markdown: bool) -> str:
    head = [
        "family",
        "points",
        "ours",
        "QuTiP",
        "ratio",
        "max difference",
        "flops/point",
        "limit",
        "ours/limit",
    ]
    body = []
    for r in rows:
        lim = r.limit(rates)
        body.append(
            [
                r.family,
                f"{r.points_ours}"
                if r.points_ours == r.points_qutip
                else f"{r.points_ours} / {r.points_qutip}",
                seconds(r.t_ours),
                seconds(r.t_qutip),
                f"{r.t_qutip / r.t_ours:.0f}x",
                f"{r.max_diff:.1e}" + ("" if r.max_diff <= r.tolerance else " FAIL"),
                "n/a" if r.flops is None else f"{r.flops:.3g}",
                seconds(lim),
                "n/a" if lim is None else f"{r.t_ours / lim:.0f}",
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(b) + " |" for b in body]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    fmt = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([fmt(head), "-+-".join("-" * w for w in widths)] + [fmt(b) for b in body])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller subsets (about 20 s of CPU)")
    ap.add_argument("--full", action="store_true", help="bello2022 fig3: all 321 cycle numbers")
    ap.add_argument("--repeats", type=int, default=3, help="best of N runs of our solvers")
    ap.add_argument("--qutip-repeats", type=int, default=1, help="best of N runs of QuTiP loops")
    ap.add_argument("--only", nargs="+", choices=sorted(FAMILIES), help="run these families only")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeats = min(args.repeats, 2)

    t_start = time.process_time()
    rates = machine_rates()
    rows = [FAMILIES[name](args) for name in (args.only or FAMILIES)]
    print(table(rows, rates, args.markdown))
    print()
    print(
        "Times: CPU seconds per point (time.process_time, best of repeats; ours "
        f"{args.repeats}, QuTiP {args.qutip_repeats}), one BLAS thread "
        f"(OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']})."
    )
    print(
        f"Machine: {cpu_model()}, numpy {np.__version__}, qutip {qt.__version__}; complex "
        f"matmul rate: 1024 x 1024 {rates['large'] / 1e9:.1f} Gflop/s, stacked 4096 x (16 x 16) "
        f"{rates['small'] / 1e9:.1f} Gflop/s."
    )
    print(
        "limit = flops/point / rate (stacked rate for zou2022, bozkurt2025, hou2025; "
        "large-matmul rate for bello2022)."
    )
    for r in rows:
        print(
            f"- {r.family}: point = {r.unit}; observable compared: {r.observable} "
            f"(tolerance {r.tolerance:g})."
        )
        for note in r.notes:
            print(f"    {note}")
    print(f"Total CPU of this run: {time.process_time() - t_start:.0f} s.")
    failed = [r.family for r in rows if not r.max_diff <= r.tolerance]
    if failed:
        print(f"DISAGREEMENT with QuTiP: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
