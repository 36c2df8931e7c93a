"""Homogeneous part of Bello et al. (2022): exact map, master equation, HP, Table II."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
import qutip as qt
import scipy.linalg as sla
import scipy.sparse as sp
import xarray as xr

from dissent import contract
from dissent.contract import ParameterError
from dissent.figures import bello2022_homogeneous as fig
from dissent.models.bello2022 import dicke, hp, observables, solvers, sparse
from dissent.models.bello2022.protocol import UP, Protocol, coupling_constant
from dissent.quantum.measures import min_pt_eigenvalue

GENERAL = Protocol(mu1=0.31, mu2=0.27, nu1=0.22, nu2=0.25, p=0.07, k=2)


def dense_cycle(sector, protocol, c1, c2):
    return dicke.cycle_superop(sector, protocol, c1, c2).toarray()


# ---------------------------------------------------------------------------------------------
# the exact map
# ---------------------------------------------------------------------------------------------
@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figB2")
def test_exact_map_is_trace_preserving_and_completely_positive():
    J1, J2 = 0.5, 1.0
    c1, c2 = coupling_constant(1), coupling_constant(2)
    # trace preservation on the q = 0 sector (large mu: far from the perturbative regime)
    big = GENERAL.scaled(4.0)
    sector = dicke.Sector(J1, J2)
    T = dicke.cycle_superop(sector, big, c1, c2)
    tr = sector.trace_row().toarray()[0]
    assert np.abs(tr @ T.toarray() - tr).max() < 1e-13
    # Choi matrix of the full map, assembled from the cycle's Kraus operators
    d1, d2 = sector.d1, sector.d2
    kraus = [sp.identity(d1 * d2, format="csc")]
    for spin_in, t1, t2, p, reps in big.steps():
        step = dicke.step_kraus(J1, J2, c1, c2, spin_in, t1, t2, p)
        for _ in range(reps):
            kraus = [K @ A for K in step for A in kraus]
    D = d1 * d2
    total = sum((K.conj().T @ K).toarray() for K in kraus)
    assert np.allclose(total, np.eye(D), atol=1e-12)  # trace preserving on the whole space
    choi = np.zeros((D * D, D * D), complex)
    for i in range(D):
        for j in range(D):
            Eij = np.zeros((D, D))
            Eij[i, j] = 1
            out = sum(K @ Eij @ K.conj().T.toarray() for K in kraus)
            choi[i * D : (i + 1) * D, j * D : (j + 1) * D] = out
    assert np.linalg.eigvalsh(choi).min() > -1e-12
    # the sector superoperator is the restriction of the Kraus map
    rng = np.random.default_rng(1)
    x = rng.normal(size=sector.size) + 1j * rng.normal(size=sector.size)
    rho = sector.to_dense(x)
    direct = sum(K @ rho @ K.conj().T.toarray() for K in kraus)
    assert np.allclose(sector.from_dense(direct), T @ x, atol=1e-12)


def _qutip_cycle(protocol, rho_nuclei):
    """Brute force in the full space of two spin-1/2 nuclei and the electron (QuTiP)."""
    s = [qt.sigmax() / 2, qt.sigmay() / 2, qt.sigmaz() / 2]
    I2 = qt.qeye(2)
    # order: nucleus 1, nucleus 2, electron; g = 1/sqrt(2 I N) = 1 for N = 1
    A1S = sum(qt.tensor(si, I2, si) for si in s)
    A2S = sum(qt.tensor(I2, si, si) for si in s)
    up, down = qt.basis(2, 0), qt.basis(2, 1)
    zflip = qt.tensor(I2, I2, qt.sigmaz())
    rho = rho_nuclei
    for spin_in, t1, t2, p, reps in protocol.steps():
        for _ in range(reps):
            e = up if spin_in == UP else down
            chi = qt.tensor(rho, e.proj())
            U1, U2 = (-1j * t1 * A1S).expm(), (-1j * t2 * A2S).expm()
            chi = U1 * chi * U1.dag()
            chi = (1 - p) * chi + p * zflip * chi * zflip
            chi = U2 * chi * U2.dag()
            rho = chi.ptrace([0, 1])
    return rho


@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figB2")
def test_exact_map_matches_qutip_for_one_nucleus_each():
    sector = dicke.Sector(0.5, 0.5)
    T = dicke.cycle_superop(sector, GENERAL.scaled(3.0), 1.0, 1.0)
    rng = np.random.default_rng(7)
    G = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = G @ G.conj().T
    rho /= np.trace(rho)
    # keep the q = 0 part (the sector): the map preserves it, so compare there
    x = sector.from_dense(rho)
    rho_q0 = sector.to_dense(x)
    # Dicke index a = J - m: a = 0 is spin up, the QuTiP basis(2, 0) as well
    out = _qutip_cycle(GENERAL.scaled(3.0), qt.Qobj(rho_q0, dims=[[2, 2], [2, 2]]))
    assert np.allclose(sector.from_dense(out.full()), T @ x, atol=1e-12)
    assert np.allclose(out.full(), sector.to_dense(T @ x), atol=1e-12)  # nothing leaves q = 0


@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figB2")
def test_dicke_sector_matches_full_space_for_two_nuclei():
    """N = 2 per dot: the J = 1 Dicke block equals the symmetric subspace of the full space."""
    N, J = 2, 1.0
    c = coupling_constant(N)
    sector = dicke.Sector(J, J)
    protocol = Protocol.ideal(0.4, 0.3, k=1)
    T = dicke.cycle_superop(sector, protocol, c, c)
    # full space: 2 + 2 nuclei, homogeneous g = 1/sqrt(2 I N) = 1/sqrt(2)
    sx, sy, sz = (qt.sigmax() / 2).full(), (qt.sigmay() / 2).full(), (qt.sigmaz() / 2).full()
    I2 = np.eye(2)

    def op(single, site):  # site 0..3 nuclei, 4 electron
        mats = [I2] * 5
        mats[site] = single
        out = mats[0]
        for m in mats[1:]:
            out = np.kron(out, m)
        return out

    g = 1 / np.sqrt(2)
    A1S = sum(g * op(s, i) @ op(s, 4) for s in (sx, sy, sz) for i in (0, 1))
    A2S = sum(g * op(s, i) @ op(s, 4) for s in (sx, sy, sz) for i in (2, 3))
    # Dicke states |1,1> = uu, |1,0> = (ud+du)/sqrt2, |1,-1> = dd (a = 0, 1, 2)
    up, dn = np.array([1.0, 0]), np.array([0, 1.0])
    dicke_states = [
        np.kron(up, up),
        (np.kron(up, dn) + np.kron(dn, up)) / np.sqrt(2),
        np.kron(dn, dn),
    ]
    V = np.array([np.kron(a, b) for a in dicke_states for b in dicke_states]).T  # 16 x 9 isometry
    x = sector.fully_polarized()
    rho = V @ sector.to_dense(x) @ V.T
    for spin_in, t1, t2, _, reps in protocol.steps():
        e = np.outer(up, up) if spin_in == UP else np.outer(dn, dn)
        U = sla.expm(-1j * t2 * A2S) @ sla.expm(-1j * t1 * A1S)
        for _ in range(reps):
            chi = U @ np.kron(rho, e) @ U.conj().T
            rho = np.einsum("iaja->ij", chi.reshape(16, 2, 16, 2))
    assert np.allclose(V.T @ rho @ V, sector.to_dense(T @ x), atol=1e-12)


# ---------------------------------------------------------------------------------------------
# master equation
# ---------------------------------------------------------------------------------------------
@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figB2", "bello2022.figC2")
def test_master_equation_is_the_second_order_expansion():
    """||T - 1 - L|| = O(mu^3) and the steady states differ by O(mu) (general Table A1, p > 0)."""
    J1, J2 = 1.0, 1.5
    c1, c2 = coupling_constant(2), coupling_constant(3)
    sector = dicke.Sector(J1, J2)
    scales = np.array([0.02, 0.04, 0.08])
    gen_err, ss_err = [], []
    for s in scales:
        protocol = GENERAL.scaled(s)
        T = dense_cycle(sector, protocol, c1, c2)
        L = dicke.me_generator(sector, protocol, c1, c2).toarray()
        gen_err.append(np.abs(T - np.eye(sector.size) - L).max())
        x = sparse.steady_state(sector, sp.csc_matrix(T) - sp.identity(sector.size))
        y = sparse.MESolver(sector, sp.csr_matrix(L)).steady_state()
        ss_err.append(np.abs(x - y).max())
    gen_slope = np.polyfit(np.log(scales), np.log(gen_err), 1)[0]
    ss_slope = np.polyfit(np.log(scales), np.log(ss_err), 1)[0]
    assert 2.8 < gen_slope < 3.3, gen_slope
    assert 0.8 < ss_slope < 1.3, ss_slope


@pytest.mark.figure("bello2022.figB1")
def test_k_to_infinity_gives_the_two_mode_squeezed_state():
    mu, nu = 1.0, 0.6
    for J in (1.0, 2.5):
        c = coupling_constant(2 * J)
        sector = dicke.Sector(J, J)
        L = dicke.me_generator(sector, Protocol.ideal(mu, nu, k=10**9), c, c)
        x = sparse.MESolver(sector, L).steady_state()
        assert dicke.fidelity_pure(sector, x, dicke.tms_state(J, nu / mu)) > 1 - 1e-6
        assert observables.delta_epr(dicke.moments(sector, x)) == pytest.approx(
            (mu - nu) ** 2 / abs(mu**2 - nu**2), rel=1e-6
        )
    # and the closed form itself on the state of Eq. (7)
    sector = dicke.Sector(3.0, 3.0)
    x = sector.pure(dicke.tms_state(3.0, 0.8))
    assert observables.delta_epr(dicke.moments(sector, x)) == pytest.approx(
        float(observables.tms_delta_epr(1, 0.8))
    )


@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figB2")
def test_iterative_exact_solver_equals_direct_lu():
    N = 12
    c = coupling_constant(N)
    protocol = Protocol(
        0.5 / np.sqrt(N), 0.45 / np.sqrt(N), 0.4 / np.sqrt(N), 0.38 / np.sqrt(N), p=0.02, k=3
    )
    _, x_direct = sparse.exact_steady_state(N / 2, N / 2 - 1, protocol, c, c, direct_max=10**9)
    _, x_iter = sparse.exact_steady_state(N / 2, N / 2 - 1, protocol, c, c, direct_max=0)
    assert np.abs(x_direct - x_iter).max() < 1e-10


@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figB2", "bello2022.figC2")
def test_swap_symmetry_blocks_give_the_same_steady_states():
    """J1 = J2: the ME solve uses the (transpose-symmetric, swap-even) quarter of the sector;
    it must agree with a plain LU of the whole sector, also with float32 factors refined, and
    the block preconditioner must give the direct exact-map steady state."""
    N = 10
    c = coupling_constant(N)
    protocol = Protocol.ideal(0.4 / np.sqrt(N), 0.3 / np.sqrt(N), k=2, p=0.03)
    sector = dicke.Sector(N / 2, N / 2)
    L = dicke.me_generator(sector, protocol, c, c)
    plain = sparse.steady_state(sector, L)
    for single in (False, True):
        me = sparse.MESolver(sector, L, single=single)
        assert me.red.steady_key == ("sym", "even")
        assert me.red.blocks[me.red.steady_key]["reps"].size < 0.33 * sector.size  # 1/4 + fixed pts
        assert np.abs(me.steady_state() - plain).max() < 1e-11
    x_iter, _, _ = sparse.exact_steady_state_iterative(
        sector, dicke.cycle_factors(sector, protocol, c, c), sparse.MESolver(sector, L)
    )
    _, x_direct = sparse.exact_steady_state(N / 2, N / 2, protocol, c, c, direct_max=10**9)
    assert np.abs(x_direct - x_iter).max() < 1e-10
    # the block dimensions add up to the sector
    blocks = sparse.MESolver(sector, L).red.blocks.values()
    assert sum(b["reps"].size for b in blocks) == sector.size
    # an asymmetric protocol breaks the swap symmetry: only the transpose is used
    skew = Protocol(0.4 / np.sqrt(N), 0.3 / np.sqrt(N), 0.35 / np.sqrt(N), 0.3 / np.sqrt(N))
    L_skew = dicke.me_generator(sector, skew, c, c)
    me = sparse.MESolver(sector, L_skew)
    assert me.red.steady_key == ("sym",)
    assert np.abs(me.steady_state() - sparse.steady_state(sector, L_skew)).max() < 1e-11


@pytest.mark.figure("bello2022.fig2", "bello2022.figC2")
def test_operators_on_one_ensemble_are_kronecker_products():
    rng = np.random.default_rng(3)
    op = sp.csc_matrix(rng.random((4, 4)) * (rng.random((4, 4)) > 0.5) + 1j * np.eye(4))
    assert np.array_equal(dicke.on1(op, 3).toarray(), np.kron(op.toarray(), np.eye(3)))
    assert np.array_equal(dicke.on2(op, 3).toarray(), np.kron(np.eye(3), op.toarray()))


@pytest.mark.figure("bello2022.fig2", "bello2022.figC2")
def test_float32_factors_refined_or_refactored_give_the_float64_steady_state(monkeypatch):
    """MESolver's float32 LU is refined against the float64 block to the float64 answer; with
    no refinement allowed the block is factored again in float64 (the fallback path)."""
    N = 12
    c = coupling_constant(N)
    protocol = Protocol.ideal(1.0, 0.8, k=1)
    sector = dicke.Sector(5, 6)  # transpose symmetry only: the steady block is half the sector
    L = dicke.me_generator(sector, protocol, c, c)
    reference = sparse.MESolver(sector, L, single=False).steady_state()
    me = sparse.MESolver(sector, L)
    assert me.lu[me.red.steady_key].dtype == np.float32
    assert np.abs(me.steady_state() - reference).max() < 1e-14
    monkeypatch.setattr(sparse, "REFINE_STEPS", 0)
    me = sparse.MESolver(sector, L)
    assert np.abs(me.steady_state() - reference).max() < 1e-14
    assert me.lu[me.red.steady_key].dtype == np.float64


@pytest.mark.figure("bello2022.fig2")
def test_nested_dissection_is_a_permutation_with_less_fill_than_colamd():
    """The geometric ordering of a sector's steady block: every element once, and a sparse LU
    with less fill than SuperLU's COLAMD (the reason it exists)."""
    N = 20
    c = coupling_constant(N)
    sector = dicke.Sector(8, 10)
    me = sparse.MESolver(sector, dicke.me_generator(sector, Protocol.ideal(1.0, 0.8), c, c))
    block = me.red.blocks[me.red.steady_key]
    perm = sparse.nested_dissection(block["coords"])
    assert np.array_equal(np.sort(perm), np.arange(block["reps"].size))
    nd, colamd = sparse._LU(me.steady_block, perm), sparse._LU(me.steady_block, None)
    assert nd.nnz < 0.8 * colamd.nnz


@pytest.mark.figure("bello2022.fig2")
def test_steady_state_unique_in_every_small_sector():
    protocol = Protocol.ideal(0.3, 0.24, k=1)
    c = coupling_constant(4)
    for J1 in (0.0, 1.0, 2.0):
        for J2 in (0.0, 1.0, 2.0):
            sector = dicke.Sector(J1, J2)
            if sector.size == 1:
                continue
            L = dicke.me_generator(sector, protocol, c, c).toarray()
            T = dense_cycle(sector, protocol, c, c) - np.eye(sector.size)
            for G in (L, T):
                s = np.linalg.svd(G, compute_uv=False)
                assert np.sum(s < 1e-10 * s[0]) == 1, (J1, J2)


@pytest.mark.figure("bello2022.fig2")
def test_identical_ensembles_have_opposite_polarizations_in_the_me():
    N = 8
    c = coupling_constant(N)
    sector, x = sparse.me_steady_state(4.0, 4.0, Protocol.ideal(0.2, 0.16), c, c)
    m = dicke.moments(sector, x)
    assert m["Jz_1"] == pytest.approx(-m["Jz_2"], rel=1e-10)
    assert m["Jz_1"] > 0


# ---------------------------------------------------------------------------------------------
# Holstein-Primakoff
# ---------------------------------------------------------------------------------------------
@pytest.mark.figure("bello2022.fig2", "bello2022.figC1")
def test_hp_closed_forms_solve_the_linear_system():
    for args in [
        (1.0, 0.9, 0.8, 0.7, 0.9, 0.8, 0.05, 2),
        (1.0, 1.0, 0.8, 0.8, 1, 1, 0, 1),
        (1.0, 1.2, 0.6, 0.9, 0.7, 0.95, 0.1, 3),
    ]:
        closed = hp.steady_moments(*args)
        system = hp.moment_system(*args)
        assert system["n1"] == pytest.approx(closed["n1"])
        assert system["n2"] == pytest.approx(closed["n2"])
        assert system["a1a2"] == pytest.approx(closed["c12"])
        for zero in ("a1", "a2", "a1a1", "a2a2", "a1da2"):
            assert abs(system[zero]) < 1e-12


@pytest.mark.figure("bello2022.fig2", "bello2022.figC1")
def test_hp_moments_match_the_bosonic_master_equation():
    """(C11)-(C13) against the steady state of (C1) with truncated bosons (sparse machinery)."""
    J = 14.5  # 30 Fock states per mode
    sector = dicke.Sector(J, J)
    d = sector.d1
    n = np.arange(d)
    b1 = sp.csc_matrix((np.sqrt(n[1:]), (n[:-1], n[1:])), shape=(d, d))  # lowers index a1 = n1
    # mode 2: n2 = d - 1 - a2, so its annihilator raises the index a2
    n2 = d - 1 - n
    b2 = sp.csc_matrix((np.sqrt(n2[:-1]), (n[1:], n[:-1])), shape=(d, d))
    mu1, mu2, nu1, nu2, p, k, r1, r2 = 1.0, 0.9, 0.5, 0.45, 0.05, 2, 0.9, 0.8
    ops = {
        "A1+": np.sqrt(r1) * dicke.on1(b1, d),
        "A1-": np.sqrt(r1) * dicke.on1(b1.T, d),
        "A2-": np.sqrt(r2) * dicke.on2(b2, d),
        "A2+": np.sqrt(r2) * dicke.on2(b2.T, d),
    }
    protocol = Protocol(mu1, mu2, nu1, nu2, p, k)
    L = dicke.me_generator(sector, protocol, 1.0, 1.0, ops=ops)
    x = sparse.MESolver(sector, L).steady_state()
    dg = sector.diagonal
    a1, a2 = np.divmod(sector.ket[dg], d)
    pops = np.real(x[dg])
    ka, kb = np.divmod(sector.ket, d)
    ba, bb = np.divmod(sector.bra, d)
    sel = (ba == ka - 1) & (bb == kb + 1)  # <b1 b2> = sum rho[i, j] (b1 b2)[j, i]
    c12 = np.sum(x[sel] * np.sqrt(ka[sel]) * np.sqrt(d - 1 - kb[sel]))
    closed = hp.steady_moments(mu1, mu2, nu1, nu2, r1, r2, p, k)
    assert pops[a1 == d - 1].sum() < 1e-8  # truncation harmless
    assert np.sum(a1 * pops) == pytest.approx(closed["n1"], rel=1e-6)
    assert np.sum((d - 1 - a2) * pops) == pytest.approx(closed["n2"], rel=1e-6)
    assert np.real(c12) == pytest.approx(closed["c12"], rel=1e-6)


@pytest.mark.figure("bello2022.fig2", "bello2022.figC1")
def test_eq11_is_the_leading_order_of_the_linear_system():
    for J1, J2, r1, r2, ratio in [(10, 10, 1, 1, 0.8), (9, 4, 0.9, 0.8, 0.7), (3, 12, 1, 1, 0.5)]:
        m = hp.steady_moments(1.0, 1.0, ratio, ratio, r1, r2, 0.0, 1)
        lead = observables.hp_delta_epr(J1, J2, m["n1"], m["n2"], m["c12"], leading_order=True)
        assert lead == pytest.approx(float(hp.eq11(1.0, ratio, J1, J2, r1, r2)), rel=1e-12)
    # ideal, identical ensembles: Eq. (11) = (1 - x)/x
    assert float(hp.eq11(1.0, 0.8, 5, 5, 1, 1)) == pytest.approx(0.25)


@pytest.mark.figure("bello2022.fig2")
def test_master_equation_approaches_hp_as_n_grows():
    errors = []
    for N in (6, 12, 24):
        ds = solvers.steady_state_vs_n(N=np.array([float(N)]), nu_over_mu=0.8, mu_sqrt_n=0.5, k=1)
        errors.append(abs(float(ds["delta_epr_me"][0]) - float(ds["delta_epr_hp_limit"][0])))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.02


@pytest.mark.figure("bello2022.figC2")
def test_stabilization_time_follows_one_over_two_kappa():
    ds = solvers.stabilization_time_vs_n(N=np.array([10.0, 20.0]), mu_sqrt_n=0.5, nu_over_mu=0.8)
    rel = np.abs(ds["time_fully_polarized"] / ds["time_hp"] - 1).values
    assert rel.max() < 0.15, rel
    # (C15) integrates to exactly -1/log(1 - 2 kappa) at the 1/e level
    mu, nu = 0.1, 0.08
    T = hp.stabilization_time(mu, nu)
    n_inf = hp.boson_number(1e9, 0.0, mu, nu)
    assert (hp.boson_number(T, 0.0, mu, nu) - n_inf) / (0 - n_inf) == pytest.approx(np.exp(-1))


# ---------------------------------------------------------------------------------------------
# mixed states, Table II
# ---------------------------------------------------------------------------------------------
@pytest.mark.figure("bello2022.fig2", "bello2022.figC3")
def test_dicke_multiplicities():
    for N in (1, 4, 7, 40):
        J = dicke.allowed_j(N)
        D = dicke.dicke_multiplicity(N, J)
        assert np.sum((2 * J + 1) * D) == pytest.approx(2.0**N)
        expected = [
            comb(N, int(N / 2 - j)) - (comb(N, int(N / 2 - j) - 1) if N / 2 - j >= 1 else 0)
            for j in J
        ]
        assert np.allclose(D, expected)  # (C18)
    # spin 1: 2 spin-1 -> J = 2, 1, 0 once each
    assert np.allclose(dicke.dicke_multiplicity(2, [2, 1, 0], spin=1.0), [1, 1, 1])


@pytest.mark.figure("bello2022.fig2")
def test_mixture_of_the_maximal_sector_is_that_sector():
    J = np.array([0.0, 1.0, 2.0] * 3)
    J2 = np.repeat([0.0, 1.0, 2.0], 3)
    ds = solvers.sector_moments(J1=J, J2=J2, N=4, nu_over_mu=0.8, k=1)
    grid = xr.Dataset(
        {k: (("J2", "J1"), v.values.reshape(3, 3)) for k, v in ds.items()},
        coords={"J1": [0.0, 1.0, 2.0], "J2": [0.0, 1.0, 2.0]},
    )
    out = solvers.mixed_state_companion(grid, N=4, nu_over_mu=0.8, k=1, j_axis=[2.0])
    single = solvers.steady_state_vs_n(N=np.array([4.0]), nu_over_mu=0.8, mu_sqrt_n=0.5, k=1)
    assert float(out["delta_epr_me_uniform"][0]) == pytest.approx(
        float(single["delta_epr_me"][0]), rel=1e-8
    )


def _table2():
    """Table II's solve with the paper's inputs (materials, N, A_H, nuclear spin, T_dd)."""
    return solvers.experimental_scales(
        materials="GaAs, 20% Si, 5% Si, 0.1% Si",
        N=[1e5, 2e4, 5e3, 100],
        A_H=[91.2, 0.86, 0.22, 4.3e-3],
        spin=[1.5, 0.5, 0.5, 0.5],
        T_dd=[0.1, 1.7, 7, 349],
    )


@pytest.mark.figure("bello2022.table2")
def test_table2_numbers():
    ds = _table2()
    dt = ds["cycle_time"].values[0]
    tent = ds["T_ent"].values[0]
    printed_dt = [0.014, 5, 18, 918]
    printed_tent = [0.024, 0.5, 0.5, 0.5]
    assert np.allclose(dt, printed_dt, rtol=0.1)  # 20% Si: 4.6 ns printed as 5
    assert [round(dt[0], 3), round(dt[2]), round(dt[3])] == [0.014, 18, 918]
    assert np.allclose(tent, printed_tent, rtol=0.03)
    assert np.allclose(ds["cycles_per_IN"].values, 100 / 9)  # "of the order of ~11 I N cycles"


@pytest.mark.figure("bello2022.table2")
def test_table2_paper_view_rounds_as_printed():
    """The paper view's rounding rule turns the recomputed Delta t and T_ent into the printed
    cells (20% Si: 4.59 ns -> 5), and the notes view's printed values are Table II's."""
    ds = _table2()
    dt, tent = ds["cycle_time"].values[0], ds["T_ent"].values[0]
    cells = [(fig._as_printed(a, 0), fig._as_printed(b, 1)) for a, b in zip(dt, tent, strict=True)]
    assert cells == list(fig.TABLE2_PRINTED.values())
    assert cells == [("0.014", "0.024"), ("5", "0.5"), ("18", "0.5"), ("918", "0.5")]
    assert fig._power_of_ten(4.3e-3) == r"$4.3\times10^{-3}$"


@pytest.mark.figure("bello2022.table2")
def test_render_functions_draw(tmp_path):
    ds = solvers.experimental_scales(
        materials="a, b", N=[10, 20], A_H=[1, 2], spin=[0.5, 0.5], T_dd=[1, 2]
    ).isel(point=0)
    assert fig.table2_csv(ds).splitlines()[0].startswith("Material,N,")
    assert "| a |" in fig.table2_md(ds)
    fig.table2(ds).savefig(tmp_path / "t.png")
    fig.table2_notes(ds).savefig(tmp_path / "n.png")


@pytest.mark.figure("bello2022.fig2")
def test_mirrored_sectors_equal_solved_sectors():
    """Fig. 2(c) solves J1 <= J2 only; the swap + pi-rotation symmetry fills the rest."""
    J = np.array([0.5, 1.5, 2.5])
    J1, J2 = np.meshgrid(J, J, indexing="ij")
    kw = dict(J1=J1.ravel(), J2=J2.ravel(), N=5, nu_over_mu=0.7, k=2)

    def as_grid(ds):
        return xr.Dataset(
            {k: (("J1", "J2"), v.values.reshape(3, 3)) for k, v in ds.items()},
            coords={"J1": J, "J2": J},
        )

    full = as_grid(solvers.sector_moments(**kw))
    half = as_grid(solvers.sector_moments(**kw, mirror=1))
    assert int(half["me_numerator"].isnull().sum()) == 3  # the J1 > J2 sectors were skipped
    filled = solvers.mirror_sectors(half)
    for name in ("me_numerator", "me_jz1", "me_jz2"):
        np.testing.assert_allclose(filled[name], full[name], rtol=1e-9, atol=1e-12)
    # and the companion applies it
    out = solvers.mixed_state_companion(half, N=5, nu_over_mu=0.7, k=2, j_axis=J, mirror=1)
    ref = solvers.mixed_state_companion(full, N=5, nu_over_mu=0.7, k=2, j_axis=J)
    np.testing.assert_allclose(
        out["delta_epr_me_gaussian"], ref["delta_epr_me_gaussian"], rtol=1e-9
    )


@pytest.mark.figure("bello2022.fig2")
def test_hp_validity_flag_masks_the_small_sectors():
    """n_j = 2.125 bosons at nu/mu = 0.8: HP is flagged (and masked) for J < 4.25."""
    ds = solvers.steady_state_vs_n(N=np.array([2.0, 12.0]), nu_over_mu=0.8, mu_sqrt_n=0.5, k=1)
    assert list(ds["hp_valid"].values) == [0, 1]
    finite = ds["delta_epr_hp_finite"].values
    assert np.isnan(finite[0]) and 0.25 < finite[1] < 0.5  # HP: (1 + 2.25 J... )/(2J - 4.25)
    assert hp.valid(4.5, 2.125) and not hp.valid(4.0, 2.125)


@pytest.mark.figure("bello2022.fig2")
def test_exact_me_gap_shrinks_with_the_interaction_time():
    """Fig. 2(b) text: the exact-ME discrepancy 'is reduced by making the interaction times
    smaller'. Measured at N = 4: the Delta_EPR gap falls as ~mu^2 (ratio 0.246 per halving)."""
    gaps = []
    for mu_sqrt_n in (0.5, 0.25, 0.125):
        ds = solvers.steady_state_vs_n(N=np.array([4.0]), nu_over_mu=0.8, mu_sqrt_n=mu_sqrt_n, k=1)
        gaps.append(abs(float(ds["delta_epr_exact"][0] - ds["delta_epr_me"][0])))
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert 0.15 < gaps[1] / gaps[0] < 0.35 and 0.15 < gaps[2] / gaps[1] < 0.35


@pytest.mark.figure("bello2022.fig2")
def test_reduced_mu_variables_are_the_exact_map_at_that_mu():
    """Fig. 2(b) stores the second interaction time beside the contract's variables (dims N,
    ensemble): the same numbers as a solve at that mu alone, the ME and HP values unchanged."""
    N = np.array([2.0, 4.0])
    both = solvers.steady_state_vs_n(
        N=N, nu_over_mu=0.8, mu_sqrt_n=0.5, k=1, mu_sqrt_n_reduced=0.25
    )
    paper = solvers.steady_state_vs_n(N=N, nu_over_mu=0.8, mu_sqrt_n=0.5, k=1)
    small = solvers.steady_state_vs_n(N=N, nu_over_mu=0.8, mu_sqrt_n=0.25, k=1)
    for name in paper.data_vars:
        assert both[name].dims == paper[name].dims
        np.testing.assert_allclose(both[name], paper[name], rtol=1e-9, atol=1e-12)
    for name in ("delta_epr_exact", "polarization_exact", "exact_residual"):
        reduced = both[f"{name}_reduced_mu"]
        assert reduced.dims == small[name].dims
        np.testing.assert_allclose(reduced, small[name], rtol=1e-9, atol=1e-12)
    assert both["delta_epr_exact_reduced_mu"].attrs["mu_sqrt_n"] == 0.25
    assert not np.allclose(both["delta_epr_exact_reduced_mu"], both["delta_epr_exact"])
    assert "delta_epr_exact_reduced_mu" not in paper


# ---------------------------------------------------------------------------------------------
# shared factorisations, symmetry-reduced dynamics, sizes, observables, contract
# ---------------------------------------------------------------------------------------------
@pytest.mark.figure("bello2022.fig2")
def test_scaled_me_solver_equals_a_fresh_solver_of_the_scaled_generator():
    """Fig. 2(b) solves the exact map at two mu with one set of ME LUs: the generator at mu' is
    (mu'/mu)^2 L, so the scaled solver must precondition exactly like a fresh one."""
    N = 10
    c = coupling_constant(N)
    sector = dicke.Sector(N / 2, N / 2)
    mu, mu2 = 0.5 / np.sqrt(N), 0.25 / np.sqrt(N)
    L = dicke.me_generator(sector, Protocol.ideal(mu, 0.8 * mu), c, c)
    L2 = dicke.me_generator(sector, Protocol.ideal(mu2, 0.8 * mu2), c, c)
    L2_over_L = (mu2 / mu) ** 2
    base = sparse.MESolver(sector, L)
    scaled = base.scaled(L2_over_L)
    fresh = sparse.MESolver(sector, L2)
    assert abs(scaled.L - fresh.L).max() < 1e-15 * abs(fresh.L).max()
    rng = np.random.default_rng(3)
    rho = sector.to_dense(rng.normal(size=sector.size) + 1j * rng.normal(size=sector.size))
    q = sector.from_dense(rho + rho.conj().T)  # a Hermitian right-hand side, as in GMRES
    # either may build the shared block LUs first: each must use them consistently
    np.testing.assert_allclose(scaled.precondition(q), fresh.precondition(q), rtol=1e-10)
    q[0] = 0.0  # (entry 0 is the trace equation, not scaled)
    np.testing.assert_allclose(base.precondition(q), L2_over_L * fresh.precondition(q), rtol=1e-10)
    assert np.abs(scaled.steady_state() - fresh.steady_state()).max() < 1e-12
    factors = dicke.cycle_factors(sector, Protocol.ideal(mu2, 0.8 * mu2), c, c)
    x_scaled, it_scaled, _ = sparse.exact_steady_state_iterative(sector, factors, scaled)
    x_fresh, it_fresh, _ = sparse.exact_steady_state_iterative(sector, factors, fresh)
    assert it_scaled == it_fresh and np.abs(x_scaled - x_fresh).max() < 1e-12


@pytest.mark.figure("bello2022.figC2")
def test_stabilization_times_from_the_quarter_block_equal_full_sector_stepping():
    """figC2 iterates the observable under (1 + L)^T on the (sym, even) block; stepping the
    states on the whole sector agrees."""
    N = 6
    ds = solvers.stabilization_time_vs_n(N=np.array([float(N)]), mu_sqrt_n=0.5, nu_over_mu=0.8)
    c = coupling_constant(N)
    mu = 0.5 / np.sqrt(N)
    sector = dicke.Sector(N / 2, N / 2)
    L = dicke.me_generator(sector, Protocol.ideal(mu, 0.8 * mu), c, c)
    x_inf = sparse.MESolver(sector, L).steady_state()
    step = sp.identity(sector.size, format="csr") + L
    jz1 = lambda x: dicke.moments(sector, x)["Jz_1"]  # noqa: E731
    for name, x in (
        ("time_fully_polarized", sector.fully_polarized()),
        ("time_mixed", sector.maximally_mixed()),
    ):
        dist = [1.0]
        d0 = jz1(x) - jz1(x_inf)
        while dist[-1] > np.exp(-1):
            x = step @ x
            dist.append(abs(jz1(x) - jz1(x_inf)) / abs(d0))
        n = len(dist) - 1
        expected = n - 1 + (dist[-2] - np.exp(-1)) / (dist[-2] - dist[-1])
        assert float(ds[name][0]) == pytest.approx(expected, rel=1e-10)


@pytest.mark.figure("bello2022.fig2", "bello2022.figC2")
def test_sector_size_formula_counts_the_sector():
    for J1, J2 in [(0, 0), (0.5, 2), (3, 1), (2.5, 2.5), (7, 4)]:
        assert dicke.sector_size(J1, J2) == dicke.Sector(J1, J2).size
    assert np.array_equal(dicke.sector_size([1, 25], [2, 25]), [dicke.Sector(1, 2).size, 88451])


@pytest.mark.figure("bello2022.figB2")
def test_singlet_witness_and_partial_transpose_of_two_spins():
    """N = 1: the singlet has <W> = -1/2 and rho^{T2} eigenvalue -1/2, |up, up> +1/2 and 0."""
    sector = dicke.Sector(0.5, 0.5)
    singlet = np.array([0, 1, -1, 0]) / np.sqrt(2)  # (|ud> - |du>)/sqrt(2), index a1 * 2 + a2
    up_up = np.array([1.0, 0, 0, 0])
    for psi, witness, lowest in ((singlet, -0.5, -0.5), (up_up, 0.5, 0.0)):
        x = sector.pure(psi)
        m = dicke.moments(sector, x)
        assert observables.singlet_witness(m) == pytest.approx(witness, abs=1e-14)
        lowest_pt = min_pt_eigenvalue(sector.to_dense(x), (2, 2))
        assert float(lowest_pt) == pytest.approx(lowest, abs=1e-14)


@pytest.mark.figure("bello2022.fig2", "bello2022.figB1", "bello2022.figC2")
@pytest.mark.parametrize(
    ("solver", "arguments", "key"),
    [
        (solvers.steady_state_vs_n, dict(N=np.array([4.0]), nu_over_mu=1.2), "nu_over_mu"),
        (solvers.steady_state_vs_n, dict(N=np.array([4.0]), spin=0.75), "spin"),
        (solvers.steady_state_vs_n, dict(N=np.array([4.0]), p=0.5), "p"),
        (solvers.fidelity_vs_k, dict(k=np.array([1.5]), N=np.array([2.0])), "k"),
        (solvers.stabilization_time_vs_n, dict(N=np.array([0.0])), "N"),
        (solvers.sector_moments, dict(J1=np.array([3.5]), J2=np.array([1.0]), N=4), "J1"),
    ],
)
def test_bad_parameters_are_named(solver, arguments, key):
    with pytest.raises(ParameterError) as err:
        contract.check_arguments(solver, arguments)
    assert err.value.key == key
