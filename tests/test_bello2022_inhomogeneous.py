"""Bello et al. (2022), inhomogeneous part: full-space map/ME, covariance EoMs, shell grouping."""

import numpy as np
import pytest

from dissent import contract
from dissent.models.bello2022 import continuation, couplings, dicke, eom, fullspace, shell, solvers
from dissent.registry import ParameterError

G1 = couplings.normalise([0.9, 0.5, 0.3])
G2 = couplings.normalise([0.7, 0.4])
ENS = [0, 0, 0, 1, 1]


def _state_after(g1, g2, mu, nu, k, cycles, pattern):
    L, idx = fullspace.me_generator_sector(g1, g2, mu, nu, k)
    n = len(g1) + len(g2)
    d = 2**n
    rho0 = np.zeros((d, d))
    p = fullspace.product_state_index(pattern)
    rho0[p, p] = 1
    x = continuation.evolve_powers(np.eye(len(idx)) + L, rho0.reshape(-1)[idx], [cycles])[0]

    def full(v):
        r = np.zeros(d * d)
        r[idx] = v
        return r.reshape(d, d)

    return full(x), full(L @ x)


@pytest.mark.figure("bello2022.fig3")
def test_exact_map_one_cycle_matches_qutip_n1_n2_1():
    qt = pytest.importorskip("qutip")
    mu, nu, k = 0.3, 0.24, 2
    g1, g2 = np.array([1.0]), np.array([1.0])
    M, idx = fullspace.cycle_map_sector(g1, g2, mu, nu, k)
    # brute force: nuclei (1, 2) x electron, I = sigma/2, S = sigma/2, A_j = I_j (g = 1)
    ops = {"x": qt.sigmax() / 2, "y": qt.sigmay() / 2, "z": qt.sigmaz() / 2}
    eye = qt.qeye(2)

    def AdotS(j):
        return sum(
            qt.tensor(*[ops[a] if s == j else (ops[a] if s == 2 else eye) for s in range(3)])
            for a in "xyz"
        )

    def step(rho, th1, th2, spin):
        U = (-1j * th2 * AdotS(1)).expm() * (-1j * th1 * AdotS(0)).expm()
        chi = qt.tensor(rho, qt.basis(2, spin).proj())
        return (U * chi * U.dag()).ptrace([0, 1])

    rho = qt.tensor(qt.basis(2, 0).proj(), qt.basis(2, 1).proj())
    rho = 0.7 * rho + 0.3 * qt.tensor(qt.basis(2, 1).proj(), qt.basis(2, 0).proj())
    x0 = rho.full().reshape(-1)[idx]
    rho = step(rho, mu, nu, 0)
    rho = step(rho, nu, mu, 1)
    for _ in range(k):
        rho = step(rho, (mu - nu) / k, 0.0, 1)
    for _ in range(k):
        rho = step(rho, 0.0, (mu - nu) / k, 0)
    assert np.allclose(M @ x0, rho.full().reshape(-1)[idx], atol=1e-12)


@pytest.mark.figure("bello2022.fig3", "bello2022.figD4")
def test_exact_map_minus_second_order_me_is_third_order():
    errs = []
    for scale in (0.1, 0.05):
        M, _ = fullspace.cycle_map_sector(
            G1[:2] / np.linalg.norm(G1[:2]), G2, scale, 0.8 * scale, 3
        )
        L, _ = fullspace.me_generator_sector(
            G1[:2] / np.linalg.norm(G1[:2]), G2, scale, 0.8 * scale, 3
        )
        errs.append(np.abs(M - np.eye(len(M)) - L).max())
    # third order: halving mu divides the difference by ~8 (second-order part exact)
    assert 6.0 < errs[0] / errs[1] < 10.0


@pytest.mark.figure("bello2022.figD4")
def test_block_me_matches_dense_generator():
    cyc = np.array([0, 7, 40])
    L, idx = fullspace.me_generator_sector(G1, G2, 0.4, 0.32, 2)
    d = 32
    rho0 = np.zeros((d, d))
    p = fullspace.product_state_index("uuudd")
    rho0[p, p] = 1
    xs = continuation.evolve_powers(np.eye(len(idx)) + L, rho0.reshape(-1)[idx], cyc)
    rhos = np.zeros((len(cyc), d * d))
    rhos[:, idx] = xs
    ref = fullspace.observables_full(rhos.reshape(-1, d, d), G1, G2)
    r = solvers.full_space_me(G1, G2, 0.4, 0.32, 2, ["ud"], cyc)
    got = fullspace.derived_observables(r["sz"][:, 0], r["var_A"][:, 0], r["var_J"][:, 0], G1, G2)
    for key in ("delta", "delta_epr", "Jz_1", "Jz_2", "Az2_1", "var_A"):
        assert np.allclose(got[key], ref[key], atol=1e-12), key


@pytest.mark.figure("bello2022.figD4")
def test_packed_block_me_is_an_isometry_and_applies_the_dense_generator():
    """BlockME rows (upper triangles, off-diagonals times sqrt 2): norms are Frobenius norms, and
    L on rows equals the dense q = 0 generator, for a batch of two random symmetric states."""
    rng = np.random.default_rng(1)
    n, d = 5, 32
    raising, lowering = couplings.jump_vectors(G1, G2, 0.4, 0.3, 2)
    jumps = [(fullspace.collective(fullspace.SP, u, n), 1) for u in raising]
    jumps += [(fullspace.collective(fullspace.SM, v, n), -1) for v in lowering]
    me = fullspace.BlockME(fullspace.n_up(n), jumps)
    L, idx = fullspace.me_generator_sector(G1, G2, 0.4, 0.3, 2)
    q = fullspace.n_up(n)
    A = rng.normal(size=(2, d, d))
    A = (A + A.transpose(0, 2, 1)) * (q[:, None] == q[None, :])
    X = me.to_rows({m: A[:, i][:, :, i] for m, i in me.index.items()})
    assert X.shape == (2, (len(idx) + d) // 2)
    assert np.allclose(np.linalg.norm(X, axis=1), np.linalg.norm(A.reshape(2, -1), axis=1))
    Y = me.from_rows(me.apply_rows(X))
    got = np.zeros((2, d, d))
    for m, i in me.index.items():
        got[:, i[:, None], i[None, :]] = Y[m]
    ref = A.reshape(2, -1)[:, idx] @ L.T
    assert np.abs(got.reshape(2, -1)[:, idx] - ref).max() < 1e-14 * np.abs(ref).max() * 10


@pytest.mark.figure("bello2022.figD4")
def test_bdf_tail_with_exact_jacobian_equals_dop853_tail():
    """The stiff EoM tail: BDF (exact Jacobian, atol 1e-10) and DOP853 give the same flow."""
    sh = eom.Shells(G1, G2, group=False)
    E = eom.CovarianceEoM(sh, 0.3, 0.24, 1, "z_rules", True)
    st = E.initial(np.where(sh.ens == 0, 1.0, -1.0))
    cyc = [0, 500, 2000, 20000]
    a, _, ia = continuation.iterate(E, st, cyc, n_switch=500)
    b, _, ib = continuation.iterate(E, st, cyc, n_switch=500, method="BDF", atol=1e-10)
    assert ia["ode_status"] == ib["ode_status"] == 0
    assert ib["ode_nfev"] < ia["ode_nfev"] / 5
    for key in ("Jz_1", "Jz_2", "var_J"):
        assert np.allclose(
            continuation.stack(a, key), continuation.stack(b, key), rtol=1e-8, atol=1e-10
        ), key


@pytest.mark.figure("bello2022.figD1", "bello2022.figD2", "bello2022.figD3", "bello2022.figD4")
def test_eom_with_exact_three_point_functions_equals_master_equation():
    """The derived EoMs (D8)-(D10), (D20)-(D21) are exact before closure: check with exact T."""
    mu, nu, k = 0.4, 0.32, 2
    rho, drho = _state_after(G1, G2, mu, nu, k, 30, "uuudd")
    n = 5
    sp_ = [fullspace.site_op(fullspace.SP, a, n).toarray() for a in range(n)]
    sz = [fullspace.site_op(fullspace.SZ, a, n).toarray() for a in range(n)]

    def ev(O, r):
        return np.trace(O @ r)

    G = np.array([[ev(sp_[a] @ sp_[b].T, rho) for b in range(n)] for a in range(n)])
    dGe = np.array([[ev(sp_[a] @ sp_[b].T, drho) for b in range(n)] for a in range(n)])
    Lam = np.array([[ev(sz[a] @ sz[b], rho) if a != b else 1 for b in range(n)] for a in range(n)])
    dLe = np.array([[ev(sz[a] @ sz[b], drho) if a != b else 0 for b in range(n)] for a in range(n)])
    T = np.zeros((n, n, n))
    for a in range(n):
        for b in range(n):
            for c in range(n):
                if len({a, b, c}) == 3:
                    T[a, b, c] = ev(sp_[a] @ sz[b] @ sp_[c].T, rho)
    P, Q = couplings.rate_matrices(G1, G2, mu, nu, k)
    dG, dL = eom.reference_rhs(G, Lam, T, P, Q)
    assert np.abs(dGe).max() > 1e-3
    assert np.allclose(dG, dGe, atol=1e-14)
    assert np.allclose(dL, dLe, atol=1e-14)


@pytest.mark.figure("bello2022.figD1", "bello2022.figD2", "bello2022.figD3", "bello2022.figD4")
@pytest.mark.parametrize(
    "scheme", ["hartree", "wick", "spin", "hartree_cross", "half_hartree", "majority", "z_rules"]
)
@pytest.mark.parametrize("zz", [True, False])
def test_vectorised_closure_equals_reference(scheme, zz):
    rng = np.random.default_rng(1)
    n = 5
    A = rng.uniform(0.05, 0.3, (n, n))
    G = A + A.T
    np.fill_diagonal(G, rng.uniform(0, 1, n))
    B = rng.uniform(-1, 1, (n, n))
    Lam = B + B.T
    np.fill_diagonal(Lam, 1)
    mu, nu, k = 0.4, 0.32, 2
    E = eom.CovarianceEoM(eom.Shells(G1, G2, group=False), mu, nu, k, scheme, zz)
    out = E.rhs({"x": np.diag(G).copy(), "Gb": G - np.diag(np.diag(G)), "Lb": Lam - np.eye(n)})
    if not zz:
        s = 2 * np.diag(G) - 1
        Lam = np.outer(s, s) + 4 * E.lam_sign * G**2
    P, Q = couplings.rate_matrices(G1, G2, mu, nu, k)
    dG, dL = eom.reference_rhs(G, Lam, eom.closure_tensor(G, scheme, ENS), P, Q)
    assert np.allclose(out["Gb"] + np.diag(out["x"]), dG, atol=1e-15)
    if zz:
        assert np.allclose(out["Lb"], dL, atol=1e-15)


@pytest.mark.figure("bello2022.figD1", "bello2022.figD2", "bello2022.figD3", "bello2022.figD4")
def test_shell_grouping_equals_full_eom_for_degenerate_couplings():
    g1 = couplings.normalise([0.9, 0.9, 0.5, 0.5, 0.5, 0.3])
    g2 = couplings.normalise([0.7, 0.4, 0.4, 0.4])
    mu = 0.5 / np.sqrt(6)
    res = []
    for group in (False, True):
        sh = eom.Shells(g1, g2, group=group)
        E = eom.CovarianceEoM(sh, mu, 0.8 * mu, 1, "z_rules", True)
        obs, _, _ = continuation.iterate(
            E, E.initial(np.where(sh.ens == 0, 1.0, -1.0)), [0, 300, 900]
        )
        res.append([continuation.stack(obs, key) for key in ("delta", "Jz_1", "Az2_2", "var_J")])
    assert sh.S == 5
    assert np.allclose(res[0], res[1], rtol=1e-11, atol=1e-13)


@pytest.mark.figure("bello2022.figD4")
def test_z_rules_eom_close_to_master_equation_small_inhomogeneous():
    """Fig. D4 setting (N1 = N2 = 5): Z-rules EoMs vs the full-space ME over 200 cycles."""
    g1 = couplings.spread_couplings(5, 0.32)
    g2 = couplings.spread_couplings(5, 0.51, reverse=True)
    mu = 0.5 / np.sqrt(5)
    cyc = np.array([0, 100, 200])
    r = solvers.full_space_me(g1, g2, mu, 0.8 * mu, 1, ["ud"], cyc)
    me = fullspace.derived_observables(r["sz"][:, 0], r["var_A"][:, 0], r["var_J"][:, 0], g1, g2)
    sh = eom.Shells(g1, g2)
    E = eom.CovarianceEoM(sh, mu, 0.8 * mu, 1, "z_rules", True)
    obs, _, _ = continuation.iterate(E, E.initial(np.where(sh.ens == 0, 1.0, -1.0)), cyc)
    # polarizations to 0.3 % of N I, variance to 2 % (the paper: variances "a bit underestimated")
    assert np.allclose(continuation.stack(obs, "Jz_1"), me["Jz_1"], atol=0.003 * 2.5)
    assert np.allclose(continuation.stack(obs, "Jz_2"), me["Jz_2"], atol=0.003 * 2.5)
    assert np.allclose(continuation.stack(obs, "var_J"), me["var_J"], rtol=0.02)


@pytest.mark.figure("bello2022.figD1", "bello2022.figD2", "bello2022.figD3", "bello2022.figD4")
def test_difference_equation_ode_continuation_agrees():
    g1 = couplings.normalise([0.9, 0.5, 0.3])
    g2 = couplings.normalise([0.7, 0.4])
    sh = eom.Shells(g1, g2)
    E = eom.CovarianceEoM(sh, 0.3, 0.24, 1, "z_rules", True)
    st = E.initial(np.where(sh.ens == 0, 1.0, -1.0))
    cyc = [0, 1000, 5000]
    a, _, _ = continuation.iterate(E, st, cyc)
    b, _, info = continuation.iterate(E, st, cyc, n_switch=1000)
    assert info["ode_status"] == 0
    assert np.allclose(continuation.stack(a, "delta"), continuation.stack(b, "delta"), rtol=1e-3)


@pytest.mark.figure("bello2022.fig3")
def test_fig3_inhomogeneous_steady_state_entangled_but_delta_above_one():
    ds = solvers.exact_dynamics(
        inhomogeneous=np.array([0.0, 1.0]),
        g1=[0.714, 0.7],
        g2=[0.725, 0.689],
        mu_sqrt_n1=0.1,
        nu_over_mu=0.8,
        k=5,
        cycles=np.array([0, 1e8]),
    )
    hom, inhom = ds.isel(point=0, n=-1), ds.isel(point=1, n=-1)
    assert float(hom.delta) < 1 and float(hom.lambda_min) < 0
    assert float(inhom.delta) > 1 and float(inhom.lambda_min) < 0  # caption of Fig. 3


@pytest.mark.figure("bello2022.figD2")
def test_figD2_best_schemes_spin_for_qd1_wick_for_qd2():
    """Sec. D.1: with zz equations Spin is best for QD1 and Wick for QD2 (vs the 2nd-order ME)."""
    cyc = np.array([0, 2000, 20000])
    me = solvers.dicke_polarization_me(n_nuclei=20, mu_sqrt_n=0.5, nu_over_mu=0.8, k=1, cycles=cyc)
    err = {}
    for idx, name in ((2, "hartree"), (3, "wick"), (4, "spin")):
        ds = solvers.polarization_dynamics(
            scheme=np.array([idx]),
            n_nuclei=20,
            mu_sqrt_n=0.5,
            nu_over_mu=0.8,
            k=1,
            zz=1,
            cycles=cyc,
            n_switch=20000,
        )
        err[name] = [
            float(abs(ds[f"polarization_{j}"] - me[f"me_polarization_{j}"]).max()) for j in (1, 2)
        ]
    assert err["spin"][0] < min(err["wick"][0], err["hartree"][0])
    assert err["wick"][1] < min(err["spin"][1], err["hartree"][1])
    assert err["spin"][0] < 0.01 and err["wick"][1] < 0.01


# ---------------------------------------------------------------------------------------------
# Figs. D3, D4: Krylov continuation of the ME map, Dicke vs full space, closures vs ME
# ---------------------------------------------------------------------------------------------
@pytest.mark.figure("bello2022.figD3", "bello2022.figD4")
def test_krylov_continuation_equals_exact_difference_equation():
    """Block Krylov projection of (1 + L)^n (2 start vectors) vs 3000 exact cycles, rel. 1e-7."""
    L, sec = solvers.dicke_me_generator(8, 0.5, 0.8, 1)
    F = solvers.dicke_functionals(sec)
    X0 = np.vstack([np.real(sec.fully_polarized()), np.real(sec.product_state(4, 4))])
    cyc = np.array([0, 3, 40, 170, 800, 3000])
    got, info = continuation.linear_dynamics(L, X0, F, cyc, n_switch=20, tol=1e-10, m_max=60)
    ref = continuation.linear_dynamics(L, X0, F, cyc, n_switch=3000)[0]
    assert info["restarts"] >= 0 and max(info["dims"]) <= 120
    scale = np.abs(ref).max(axis=(0, 1))
    assert np.all(np.abs(got - ref).max(axis=(0, 1)) <= 1e-7 * scale)
    # the restarted variant (tiny m_max) agrees too
    got2, info2 = continuation.linear_dynamics(L, X0, F, cyc, n_switch=20, tol=1e-10, m_max=25)
    assert info2["restarts"] > 0
    assert np.all(np.abs(got2 - ref).max(axis=(0, 1)) <= 1e-7 * scale)


@pytest.mark.figure("bello2022.figD3", "bello2022.figD4")
def test_krylov_error_estimate_holds_over_long_times_with_thick_restarts():
    """Krylov continuation from cycle 0 to 2e4 cycles (slow modes, long-time drift of the Ritz
    values) with thick restarts: the actual error against the exact difference equation stays
    within 2 tol (tol 1e-9 and 1e-6; the summed-defect estimate, not a change between two
    dimensions), and every restart keeps slow Schur vectors."""
    L, sec = solvers.dicke_me_generator(8, 0.5, 0.8, 1)
    F = solvers.dicke_functionals(sec)
    X0 = np.real(sec.fully_polarized())[None, :]
    cyc = np.unique(np.round(np.logspace(0, 4.3, 30))).astype(int)
    ref = continuation.linear_dynamics(L, X0, F, cyc, n_switch=cyc[-1])[0]
    scale = np.abs(ref).max(axis=(0, 1))
    for tol in (1e-9, 1e-6):
        got, info = continuation.linear_dynamics(L, X0, F, cyc, n_switch=0, tol=tol, m_max=40)
        assert info["restarts"] >= 3 and min(info["kept"]) > 0
        assert info["err"] <= tol
        assert np.all(np.abs(got - ref).max(axis=(0, 1)) <= 2 * tol * scale)


@pytest.mark.figure("bello2022.figD3", "bello2022.figD4")
def test_full_space_me_one_spin_each_equals_dicke_code():
    """N1 = N2 = 1: the full-space block ME equals the Dicke-basis generator of dicke.py."""
    cyc = np.array([0, 5, 50, 500, 5000])
    r = solvers.full_space_me([1.0], [1.0], 0.5, 0.4, 1, ["ud"], cyc, n_switch=10)
    ds = solvers.dicke_me_variance(
        n_nuclei=np.array([1]), mu_sqrt_n=0.5, nu_over_mu=0.8, k=1, cycles=cyc, n_switch=10
    )
    assert np.allclose(r["sz"][:, 0, 0], ds.me_polarization_1[0], atol=1e-10)
    assert np.allclose(r["sz"][:, 0, 1], ds.me_polarization_2[0], atol=1e-10)
    assert np.allclose(r["var_J"][:, 0], ds.me_variance[0], atol=1e-10)
    assert abs(float(ds.me_polarization_1[0, -1]) - float(ds.me_polarization_1[0, 0])) > 0.1


@pytest.mark.figure("bello2022.figD3")
def test_dicke_functionals_equal_moments():
    L, sec = solvers.dicke_me_generator(6, 0.5, 0.8, 1)
    x = np.real(sec.fully_polarized())
    for _ in range(37):
        x = x + L @ x
    m = dicke.moments(sec, x)
    got = solvers.dicke_functionals(sec) @ x
    assert np.allclose(got, [m["trace"], m["Jz_1"], m["Jz_2"], m["var_J"] / 2], atol=1e-13)


@pytest.fixture(scope="module")
def d3_runs():
    cyc = np.array([0, 100, 300, 1000, 3000, 10000, 30000, 100000])
    out = {}
    for N in (5, 20):
        me = solvers.dicke_me_variance(
            n_nuclei=np.array([N]),
            mu_sqrt_n=0.5,
            nu_over_mu=0.8,
            k=1,
            cycles=cyc,
            n_switch=500,
            tol=1e-7,
        )
        ds = solvers.variance_dynamics(
            n_nuclei=np.full(5, N),
            scheme=np.arange(5),
            mu_sqrt_n=0.5,
            nu_over_mu=0.8,
            k=1,
            cycles=cyc,
            n_switch=3000,
        )
        out[N] = (me.me_variance.values[0], ds.variance.values)
    return out


@pytest.mark.figure("bello2022.figD3")
def test_figD3_z_rules_closest_and_better_for_larger_system(d3_runs):
    """Sec. D.2: Z-rules is the closest scheme to the ME; the approximations improve with N."""
    rel_end = {}
    for N, (me, var) in d3_runs.items():
        err = np.nanmax(np.abs(var - me), axis=1) / (N / 2)
        err[~np.isfinite(var).all(axis=1)] = np.inf
        assert np.argmin(err) == 4, (N, err)  # index 4 = z_rules
        rel_end[N] = abs(var[4, -1] - me[-1]) / me[-1]
    assert rel_end[20] < rel_end[5]
    assert rel_end[20] < 0.05


@pytest.mark.figure("bello2022.figD3")
def test_figD3_boson_negative_half_hartree_majority_diverge_for_n5(d3_runs):
    me, var = d3_runs[5]
    assert var[0, -1] < 0  # Boson: negative variance (unphysical)
    for idx in (2, 3):  # Half-Hartree, Majority: diverge (NaN) before 1e4 cycles
        assert np.isnan(var[idx, -1])
    assert np.all(np.isfinite(var[[1, 4]])) and np.all(var[[1, 4]] > 0)
    assert me.min() > 0


@pytest.mark.figure("bello2022.figD4")
def test_figD4_like_me_states_converge_to_one_steady_state():
    """Sec. D.2: all initial states converge to the same steady state (smaller system N = 3 + 3)."""
    g1, g2 = couplings.spread_couplings(3, 0.32), couplings.spread_couplings(3, 0.51, reverse=True)
    mu = 0.5 / np.sqrt(3)
    cyc = np.array([0, 1000, 10**6, 10**7])
    r = solvers.full_space_me(g1, g2, mu, 0.8 * mu, 1, ["ud", "du", "uu"], cyc, n_switch=100)
    final = np.concatenate([r["sz"][-1], r["var_J"][-1][:, None]], axis=1)
    assert np.abs(final - final[0]).max() < 1e-6
    assert np.abs(r["sz"][1] - r["sz"][1][0]).max() > 0.05  # not trivially equal earlier
    assert np.allclose(r["trace"], 1.0, atol=1e-9)


@pytest.mark.figure("bello2022.figD4")
def test_figD4_z_rules_keeps_symmetry_and_has_a_stable_fixed_point():
    """Fig. D4 system (5 + 5 nuclei), Z-rules: gamma and lambda stay exactly symmetric (the
    full-matrix iteration used to grow an antisymmetric round-off mode, ~7e-4 per cycle, and
    diverged after ~5e4 cycles), and the equations have a stable fixed point on the symmetric
    matrices, at the spin-temperature polarizations +-kappa/eta (measured: the run reaches it
    to 1e-12 by 3e5 cycles)."""
    from scipy.optimize import least_squares

    g1, g2 = couplings.d4_couplings(5, 5, 0.32, 0.51)
    mu = 0.5 / np.sqrt(5)
    sh = eom.Shells(g1, g2, group=False)
    E = eom.CovarianceEoM(sh, mu, 0.8 * mu, 1, "z_rules", True)
    obs, st, _ = continuation.iterate(E, E.initial(np.where(sh.ens == 0, 1.0, -1.0)), [0, 3000])
    for key in ("Gb", "Lb"):
        assert np.array_equal(st[key], st[key].T)  # exactly, not to round-off
    i, j = E.independent()
    S = sh.S

    def unflat(p):
        G, L = np.zeros((S, S)), np.zeros((S, S))
        G[i, j] = G[j, i] = p[S : S + len(i)]
        L[i, j] = L[j, i] = p[S + len(i) :]
        return {"x": p[:S], "Gb": G, "Lb": L}

    def f(p):
        d = E.rhs(unflat(p))
        return np.concatenate([d["x"], d["Gb"][i, j], d["Lb"][i, j]])

    p0 = np.concatenate([st["x"], st["Gb"][i, j], st["Lb"][i, j]])
    sol = least_squares(f, p0, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    assert np.abs(sol.fun).max() < 1e-15
    o = E.observables(unflat(sol.x))
    kappa, eta = 0.04 * mu**2, 0.21 * mu**2  # k = 1, nu = 0.8 mu
    np.testing.assert_allclose([o["Jz_1"] / 2.5, -o["Jz_2"] / 2.5], kappa / eta, rtol=1e-9)
    h = 1e-6
    J = np.array([(f(sol.x + h * e) - f(sol.x - h * e)) / (2 * h) for e in np.eye(len(p0))]).T
    assert np.linalg.eigvals(J).real.max() < -1e-5  # stable (measured -1.12e-4 per cycle)


@pytest.mark.figure("bello2022.figD3")
def test_figD3_majority_is_z_rules_with_flipped_squared_cross_term():
    """Majority differs from Z-rules only in the sign of the squared cross-correlation term
    2 y12 A, 2 y12 B of the cross zz equation (E5); Half-Hartree has the same cross zz
    equation as Majority and also drops a term of the cross gamma equation (E4). On random
    states, one nucleus per shell."""
    rng = np.random.default_rng(5)
    g1, g2 = (
        couplings.normalise(rng.uniform(0.3, 1, 4)),
        couplings.normalise(rng.uniform(0.3, 1, 3)),
    )
    sh = eom.Shells(g1, g2, group=False)
    x = rng.uniform(0, 1, sh.S)
    Y, Z = rng.normal(size=(2, sh.S, sh.S))
    Y, Z = (Y + Y.T) * 0.05, Z + Z.T
    np.fill_diagonal(Y, 0), np.fill_diagonal(Z, 0)
    for scheme, quad in (("z_rules", 1.0), ("majority", -1.0)):
        m = shell.ShellModel(g1, g2, 0.3, 0.24, grouped=False, quad=quad)
        d = m.unpack(m.rhs(m.pack(x, Y, Z)))
        r = eom.CovarianceEoM(sh, 0.3, 0.24, 1, scheme, True).rhs({"x": x, "Gb": Y, "Lb": Z})
        for a, b in zip(d, (r["x"], r["Gb"], r["Lb"]), strict=True):
            np.testing.assert_allclose(a, b, atol=1e-15)
    hh = eom.CovarianceEoM(sh, 0.3, 0.24, 1, "half_hartree", True).rhs({"x": x, "Gb": Y, "Lb": Z})
    cross = np.ix_(sh.ens == 0, sh.ens == 1)
    np.testing.assert_allclose(hh["Lb"][cross], d[2][cross], atol=1e-15)  # as Majority
    assert np.abs(hh["Gb"][cross] - d[1][cross]).max() > 1e-5  # cross gamma differs


@pytest.mark.figure("bello2022.figD3")
def test_figD3_runaway_is_the_sign_of_the_squared_cross_term():
    """N1 = N2 = 5 (one shell each): the Z-rules equations with only the sign of the squared
    cross-correlation term of (E5) flipped (= Majority) run away, the Z-rules ones converge.
    Mechanism: with the flipped sign |y12| drives z12 more negative, and z12 drives y12 through
    mu nu g g z12 / 4 in (E4): a positive feedback loop that the Z-rules sign closes instead."""
    N = 5
    g = np.ones(N) / np.sqrt(N)
    mu = 0.5 / np.sqrt(N)
    cyc = np.array([0, 300, 1000, 2000])
    runs = {}
    for quad in (1.0, -1.0):
        m = shell.ShellModel(g, g, mu, 0.8 * mu, quad=quad)
        with np.errstate(all="ignore"):  # the flipped run overflows
            V, _ = m.evolve(cyc, n_switch=2000)
        runs[quad] = [m.unpack(v) for v in V]
    y12 = {q: np.array([abs(u[1][0, 1]) for u in r]) for q, r in runs.items()}
    z12 = {q: np.array([u[2][0, 1] for u in r]) for q, r in runs.items()}
    assert np.all(np.isfinite(y12[1.0])) and y12[1.0][-1] < 0.2
    flipped = np.nan_to_num(y12[-1.0], nan=np.inf)
    assert flipped[-1] > 10 * y12[1.0][-1]  # runs away (NaN / overflow or huge)
    assert np.all(np.diff(flipped[1:]) > 0)  # |y12| keeps growing ...
    assert np.nan_to_num(z12[-1.0][2], nan=-np.inf) < z12[1.0][2]  # ... and z12 goes down


@pytest.mark.figure("bello2022.fig4", "bello2022.figD1")
def test_kappa_eta_from_rates_are_the_diagonal_rates_and_the_paper_forms_for_k1():
    """kappa = (P_11 - Q_11)/(2 g^2), eta = (P_11 + Q_11)/(2 g^2) for any k; k = 1: the
    supplement's kappa = (mu nu - nu^2)/4, eta = mu^2/4 - kappa."""
    mu, nu = 0.3, 0.24
    kappa, eta = couplings.kappa_eta_from_rates(mu, nu, 1)
    assert np.isclose(kappa, (mu * nu - nu**2) / 4) and np.isclose(eta, mu**2 / 4 - kappa)
    for k in (1, 3):
        P, Q = couplings.rate_matrices(G1, G2, mu, nu, k)
        kappa, eta = couplings.kappa_eta_from_rates(mu, nu, k)
        g2 = G1[0] ** 2
        assert np.isclose((P[0, 0] - Q[0, 0]) / (2 * g2), kappa)
        assert np.isclose((P[0, 0] + Q[0, 0]) / (2 * g2), eta)


@pytest.mark.figure("bello2022.figD1", "bello2022.figD2", "bello2022.figD3", "bello2022.figD4")
@pytest.mark.parametrize(
    "solver, key, value",
    [
        ("polarization_dynamics", "n_nuclei", 1),
        ("polarization_dynamics", "k", 0),
        ("polarization_dynamics", "mu_sqrt_n", 0.0),
        ("polarization_dynamics", "scheme", np.array([5.0])),
        ("dicke_polarization_me", "nu_over_mu", 1.5),
        ("dicke_polarization_me", "n_nuclei", 0),
        ("dicke_polarization_me", "k", 2.5),
        ("variance_dynamics", "n_nuclei", np.array([5.0, 81.0])),
        ("d4_me", "rel_std2", 2.0),
        ("d4_eom", "initial", np.array([3.0])),
        ("exact_dynamics", "g1", [0.5, 0.5, 0.5, 0.5, 0.5]),
    ],
)
def test_every_parameter_error_names_its_key(solver, key, value):
    good = {
        "polarization_dynamics": dict(
            scheme=np.array([0.0]), n_nuclei=50, mu_sqrt_n=0.5, nu_over_mu=0.8, k=1, zz=0,
            cycles=np.array([0.0, 10.0]), n_switch=5,
        ),
        "dicke_polarization_me": dict(
            n_nuclei=50, mu_sqrt_n=0.5, nu_over_mu=0.8, k=1, cycles=np.array([0.0, 10.0])
        ),
        "variance_dynamics": dict(
            n_nuclei=np.array([5.0, 50.0]), scheme=np.array([0.0, 4.0]), mu_sqrt_n=0.5,
            nu_over_mu=0.8, k=1, cycles=np.array([0.0, 10.0]), n_switch=5,
        ),
        "d4_me": dict(
            initial=np.array([0.0]), n1=5, n2=5, rel_std1=0.32, rel_std2=0.51, mu_sqrt_n1=0.5,
            nu_over_mu=0.8, k=1, cycles=np.array([0.0, 10.0]), n_switch=5,
        ),
        "exact_dynamics": dict(
            inhomogeneous=np.array([0.0, 1.0]), g1=[0.7, 0.7], g2=[0.7, 0.7], mu_sqrt_n1=0.1,
            nu_over_mu=0.8, k=5, cycles=np.array([0.0, 10.0]),
        ),
    }  # fmt: skip
    good["d4_eom"] = good["d4_me"]
    fn = getattr(solvers, solver)
    contract.check_arguments(fn, good[solver])
    with pytest.raises(ParameterError) as err:
        contract.check_arguments(fn, {**good[solver], key: value})
    assert err.value.key == key


@pytest.mark.figure("bello2022.figD3")
def test_figD3_paper_range_spans_the_settling_schemes_and_notes_show_the_runaway(quick_data):
    """Fig. D3 paper view: the y range holds the ME and every scheme that settles; Half-Hartree
    and Majority do not settle and leave it or diverge (NaN); the notes view holds every finite
    value."""
    import matplotlib.pyplot as plt

    from dissent.figures import bello2022_inhomogeneous as render

    ds = quick_data("bello2022", "figD3")
    n = ds.n.values
    paper, notes = render.figD3(ds), render.figD3_notes(ds)
    for i in range(ds.sizes["n_nuclei"]):
        sel = ds.isel(n_nuclei=i)
        lo, hi = paper.axes[i].get_ylim()
        scale = float(sel.n_nuclei)
        settled = [render._settles(v, n, scale) for v in sel.variance.values]
        assert settled == [True, True, False, False, True]  # Boson, Hartree, HH, Majority, Z
        for v, ok in zip(sel.variance.values, settled, strict=True):
            inside = (lo <= np.nanmin(v)) and (np.nanmax(v) <= hi)
            assert inside if ok else (not inside or not np.all(np.isfinite(v)))
        assert lo <= sel.me_variance.min() and sel.me_variance.max() <= hi
        nlo, nhi = notes.axes[i].get_ylim()
        finite = sel.variance.values[np.isfinite(sel.variance.values)]
        assert nlo <= finite.min() and finite.max() <= nhi
    plt.close(paper)
    plt.close(notes)
