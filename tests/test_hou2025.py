"""Physics tests of hou2025 (two qubits, local + nonlocal emission/absorption, Eqs. 6-8, 11)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from scipy.special import j0, jn_zeros

from dissent import contract
from dissent.models import hou2025 as h
from dissent.quantum import (
    concurrence,
    kossakowski,
    liouvillian,
    steady_state,
    x_state_concurrence,
)
from dissent.registry import ParameterError

LAMBDA = 0.135
SX = np.array([[0, 1], [1, 0]], dtype=complex)
XX = np.kron(SX, SX)


def random_rates(n, seed=0, near_boundary=0.5):
    """Completely positive rates, Gamma_e(0) = 1, some close to |Gamma(r)| = Gamma(0)."""
    rng = np.random.default_rng(seed)
    ge0 = np.ones(n)
    ga0 = 10 ** rng.uniform(-2, 2, n)
    ue, ua = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    m = int(near_boundary * n)
    ue[:m] = np.sign(ue[:m]) * (1 - 10 ** rng.uniform(-4, -0.5, m))
    ua[:m] = np.sign(ua[:m]) * (1 - 10 ** rng.uniform(-4, -0.5, m))
    return ge0, ga0, ue * ge0, ua * ga0


def gibbs(t):
    """exp(-H_S/k_B T)/Z for Delta = 1 (T < 0 allowed)."""
    w = np.exp(-np.diag(h.hamiltonian()).real / t)
    return np.diag(w / w.sum()).astype(complex)


def apply(superop, rho):
    return (superop @ rho.reshape(-1)).reshape(4, 4)


# --- the solver itself ------------------------------------------------------------------------


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3", "hou2025.fig4")
def test_neutral_block_steady_state_matches_full_liouvillian_and_wootters():
    rates = random_rates(300, seed=1)
    rho_x, kernel = h.steady_state(*rates)
    assert np.all(kernel == 1)
    full = h.liouvillian(*rates)
    rho_full, _ = steady_state(full)
    np.testing.assert_allclose(rho_x, rho_full, atol=1e-9)
    np.testing.assert_allclose(np.einsum("nij,nj->ni", full, rho_x.reshape(-1, 16)), 0, atol=1e-9)
    np.testing.assert_allclose(x_state_concurrence(rho_x), concurrence(rho_full), atol=1e-8)
    assert np.all(np.linalg.eigvalsh(rho_x) > -1e-10)  # positive: the dynamics is CP
    assert x_state_concurrence(rho_x).max() > 0.2  # the comparison includes entangled states


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3", "hou2025.fig4")
def test_kossakowski_form_matches_diagonal_lindblad_form():
    """Eq. (6) with gamma = [[G0, Gr], [Gr, G0]] == jumps sqrt((G0 +- Gr)/2)(s1 +- s2)."""
    ge0, ga0, ger, gar = (v[:20] for v in random_rates(20, seed=2))
    s1, s2 = h.LOWERING
    jumps = []
    for g0, gr, (a, b) in ((ge0, ger, (s1, s2)), (ga0, gar, (s1.T, s2.T))):
        for sign in (1, -1):
            c = np.sqrt((g0 + sign * gr) / 2)[:, None, None]
            jumps.append(c * (a + sign * b))
    ref = liouvillian(np.broadcast_to(h.hamiltonian(), (20, 4, 4)), np.stack(jumps, axis=1))
    np.testing.assert_allclose(h.liouvillian(ge0, ga0, ger, gar), ref, atol=1e-12)


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3", "hou2025.fig4")
def test_steady_state_against_qutip():
    qutip = pytest.importorskip("qutip")
    ge0, ga0, ger, gar = 1.0, np.exp(-1 / 0.3), 0.99, -0.99 * np.exp(-1 / 0.15)
    sm = qutip.destroy(2)  # |1> excited, |0> ground; mapped to our |u>,|d> below
    s1, s2 = qutip.tensor(sm, qutip.qeye(2)), qutip.tensor(qutip.qeye(2), sm)
    hs = 0.5 * (2 * (s1.dag() * s1 + s2.dag() * s2) - 2)  # (Delta/2)(sz1 + sz2), Delta = 1
    c_ops = [
        np.sqrt((ge0 + ger) / 2) * (s1 + s2),
        np.sqrt((ge0 - ger) / 2) * (s1 - s2),
        np.sqrt((ga0 + gar) / 2) * (s1.dag() + s2.dag()),
        np.sqrt((ga0 - gar) / 2) * (s1.dag() - s2.dag()),
    ]
    rho_q = qutip.steadystate(hs, c_ops).full()
    # QuTiP basis |00>,|01>,|10>,|11> with destroy: |1> excited -> ours |uu>,|ud>,|du>,|dd>
    perm = [3, 2, 1, 0]
    rho_q = rho_q[np.ix_(perm, perm)]
    rho, _ = h.steady_state(np.array([ge0]), np.array([ga0]), np.array([ger]), np.array([gar]))
    np.testing.assert_allclose(rho[0], rho_q, atol=1e-8)
    c_q = qutip.concurrence(qutip.Qobj(rho_q, dims=[[2, 2], [2, 2]]))
    assert x_state_concurrence(rho)[0] == pytest.approx(c_q, abs=1e-8)
    assert c_q > 0.01  # a nontrivial, entangled steady state is compared


# --- statements of the text -------------------------------------------------------------------


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3")
@pytest.mark.parametrize("t", [0.1, 0.5, 2.0, -0.25, -1.0])
@pytest.mark.parametrize("ratio", [0.0, 0.6, 0.99, 1.0])
def test_gibbs_state_satisfies_detailed_balance_when_local_and_nonlocal_temperatures_agree(
    t, ratio
):
    """Text after Eq. (8): L^e_ij[rho] + L^a_ji[rho] = 0 (i = j and i != j): Gibbs is steady."""
    rho = gibbs(t)
    w = np.exp(-1.0 / t)
    ge = {0: 1.0, 1: ratio}  # Gamma_e(r_ij), key = |i - j|
    ga = {k: w * v for k, v in ge.items()}  # T(0) = T(r) = t
    lo, hi = h.LOWERING, h.RAISING
    one_pair = [[0.0, 1.0], [0.0, 0.0]]  # rho -> A rho B^+ - {B^+ A, rho}/2 of the pair (A, B)
    for i in range(2):
        for j in range(2):
            term = ge[abs(i - j)] * kossakowski(np.stack([lo[i], lo[j]]), one_pair)
            term = term + ga[abs(i - j)] * kossakowski(np.stack([hi[j], hi[i]]), one_pair)
            np.testing.assert_allclose(apply(term, rho), 0, atol=1e-12)
    if ratio < 1.0:  # unique steady state: the solver must find the Gibbs state
        got, kernel = h.steady_state(1.0, w, ratio, w * ratio)
        assert kernel == 1
        np.testing.assert_allclose(got, rho, atol=1e-10)
        assert x_state_concurrence(got) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.figure("hou2025.fig4")
def test_gibbs_state_needs_equal_signs_of_the_nonlocal_rates():
    """Eq. (8) uses |Gamma_a/Gamma_e|: with opposite signs T(0) = T(r) no longer gives Gibbs."""
    w = np.exp(-1 / 0.5)
    got, _ = h.steady_state(1.0, w, 0.9, -0.9 * w)
    assert np.abs(got - gibbs(0.5)).max() > 1e-3


def _bessel_profile(k, r):
    return j0(k * r)


@pytest.mark.parametrize("r", [0.7, 2.3])
def test_mu_zero_and_single_channel_thermalize(r):
    """Eqs. (5), (7): mu = 0, or a single channel n = m, give T(0) = T(r): it thermalizes."""
    charges = np.array([1.0, -1.0, 2.0])
    couplings = np.array([0.4, 1.0, 0.3])
    k = np.array([1.5, 0.4, 0.9])  # different ranges per channel
    c0, cr = np.ones(3), _bessel_profile(k, r) * 0.95
    t_env = 0.7
    # mu = 0: every channel at the same temperature T_E
    rates = h.rates_from_channels(couplings, charges, c0, cr, mu=0.0, t_env=t_env)
    rho, _ = h.steady_state(*rates)
    np.testing.assert_allclose(rho, gibbs(t_env), atol=1e-10)
    # single channel n = m at finite mu: Gibbs at 1/T = (1 - m mu)/T_E (grand-canonical)
    for m, mu in ((1.0, 0.3), (-1.0, 0.3), (2.0, -0.2)):
        one = np.where(charges == m, couplings, 0.0)
        rates = h.rates_from_channels(one, charges, c0, cr, mu=mu, t_env=t_env)
        rho, _ = h.steady_state(*rates)
        np.testing.assert_allclose(rho, gibbs(t_env / (1 - m * mu)), atol=1e-10)
    # several channels at finite mu: a nonequilibrium (non-Gibbs) state
    ge0, ga0, ger, gar = h.rates_from_channels(couplings, charges, c0, cr, mu=0.3, t_env=t_env)
    t0, tr = h.effective_temperature(ga0, ge0), h.effective_temperature(gar, ger)
    rho, _ = h.steady_state(ge0, ga0, ger, gar)
    assert abs(t0 - tr) > 1e-2
    assert np.abs(rho - gibbs(t0)).max() > 1e-3


@pytest.mark.figure("hou2025.fig1", "hou2025.fig4")
def test_no_entanglement_when_local_and_nonlocal_temperatures_have_opposite_signs():
    ge0, ga0, ger, gar = random_rates(60000, seed=3, near_boundary=0.7)
    t0 = h.effective_temperature(ga0, ge0)
    tr = h.effective_temperature(gar, ger)
    rho, kernel = h.steady_state(ge0, ga0, ger, gar)
    conc = x_state_concurrence(rho)
    opposite = np.sign(t0) != np.sign(tr)
    assert opposite.sum() > 1000 and np.all(kernel == 1)
    assert conc[opposite].max() < 1e-12
    assert conc[~opposite].max() > 0.3  # the test is not vacuous: same signs do entangle
    assert conc[~opposite & (t0 < 0)].max() > 0.3  # ... also at negative temperatures


@pytest.mark.figure("hou2025.fig1", "hou2025.fig4")
def test_emission_absorption_symmetry_maps_positive_to_negative_temperatures():
    """e <-> a with T -> -T: the steady state is X.X rho X.X, the concurrence is the same."""
    ge0, ga0, ger, gar = random_rates(2000, seed=4)
    rho, _ = h.steady_state(ge0, ga0, ger, gar)
    rho_swapped, _ = h.steady_state(ga0, ge0, gar, ger)  # rate unit irrelevant
    np.testing.assert_allclose(rho_swapped, XX @ rho @ XX, atol=1e-9)
    np.testing.assert_allclose(
        x_state_concurrence(rho_swapped), x_state_concurrence(rho), atol=1e-10
    )
    np.testing.assert_allclose(
        h.effective_temperature(ge0, ga0), -h.effective_temperature(ga0, ge0)
    )
    # the temperature parametrisation: C(T0, Tr; ratio_e) == C(-T0, -Tr; ratio_a) by construction
    t = np.array([0.3, 0.5, 0.25])
    tr = np.array([0.1, 0.2, 0.05])
    pos = h.temperature_map(T_local=t, T_nonlocal=tr, ratio=0.99).concurrence.values
    ge0, ga0, ger, gar = h.rates_from_temperatures(t, tr, 0.99)
    neg, _ = h.steady_state(ga0, ge0, gar, ger)
    assert np.all(h.effective_temperature(ger, gar) < 0)
    np.testing.assert_allclose(x_state_concurrence(neg), pos, atol=1e-10)
    assert pos.min() > 0.05


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3")
def test_unphysical_region_is_masked_not_clipped():
    t = np.linspace(0.0, 1.0, 41)
    t0, tr = (g.ravel() for g in np.meshgrid(t, t, indexing="ij"))
    ds = h.temperature_map(T_local=t0, T_nonlocal=tr, ratio=0.99)
    w0, wr = h.boltzmann(t0), h.boltzmann(tr)
    unphysical = 0.99 * wr > w0 * (1 + 1e-12)
    assert unphysical.sum() > 100
    np.testing.assert_array_equal(np.isnan(ds.concurrence.values), unphysical)
    np.testing.assert_array_equal(ds.physical.values == 0, unphysical)
    assert np.all(ds.kernel_dimension.values[~unphysical] == 1)


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3")
def test_fig1_and_fig3_statements():
    t = np.linspace(0.0, 1.0, 201)
    t0, tr = (g.ravel() for g in np.meshgrid(t, t, indexing="ij"))
    c = h.temperature_map(T_local=t0, T_nonlocal=tr, ratio=0.99).concurrence.values
    # entanglement only where the nonlocal temperature is lower, T(r) < T(0)
    assert np.nanmax(c[tr >= t0 - 1e-12]) < 1e-9
    # ... at an intermediate local temperature, and it is a low-temperature effect (T < Delta)
    best = np.nanargmax(c)
    assert 0.1 < t0[best] < 0.6 and np.nanmax(c) > 0.25
    assert np.nanmax(c[t0 > 0.8]) < 1e-9
    # Fig. 3: magnitude set by |Gamma_e(r)|/Gamma_e(0); substantial only above ~0.9
    ratios = [0.8, 0.9, 0.95, 0.99, 0.999]
    cmax = [
        np.nanmax(h.temperature_map(T_local=t, T_nonlocal=0.2, ratio=x).concurrence.values)
        for x in ratios
    ]
    assert np.all(np.diff(cmax) > 0)
    assert cmax[0] < 0.01 and cmax[1] < 0.1 and cmax[3] > 0.25


# --- the inverted magnet (Fig. 4) -------------------------------------------------------------


@pytest.mark.figure("hou2025.fig4")
def test_local_temperature_of_the_coupling_ratio():
    ds = h.inverted_magnet(b=np.array([1.0, 1.2]), r=np.array([0.5, 1.0]), lambda_ratio=LAMBDA)
    expected = 1.0 / (2 * np.log(LAMBDA))  # T(0) = Delta/(2 k_B ln|lambda_1/lambda_-1|)
    np.testing.assert_allclose(ds.T_local.values, expected, rtol=1e-12)
    assert expected == pytest.approx(-0.25, abs=1e-3)  # the caption's k_B T(0)/Delta = -0.25
    b = np.array([1.0, 1.2])
    assert np.all(h.wavevector(-1.0, b) < h.wavevector(1.0, b))


@pytest.mark.figure("hou2025.fig4")
@pytest.mark.parametrize("b", [1.0, 1.2])
def test_zeros_of_the_nonlocal_temperature_are_the_bessel_zeros(b):
    r = np.linspace(0.0, 6.0, 60001)
    t = h.nonlocal_temperature(b=np.array([b]), r=r, lambda_ratio=LAMBDA).T_nonlocal.values[0]
    k_e, k_a = np.sqrt(b + 1), np.sqrt(b - 1)
    zeros_e = jn_zeros(0, 5) / k_e
    zeros_e = zeros_e[zeros_e < 5.9]
    for z in zeros_e:  # T(r) -> -0 at J0[k(Delta) r] = 0, and is a local max of T there
        window = np.abs(r - z) < 0.05
        i = np.argmin(np.abs(t[window]))
        assert abs(r[window][i] - z) < 2e-4
        # T(r) = -1/ln(55/|J0|) -> -0 logarithmically: |T| shrinks as r -> z from both sides
        for side in (-1, 1):
            rz = z * (1 + side * np.array([1e-2, 1e-4, 1e-8, 1e-12]))
            _, _, ger, gar = h.inverted_magnet_rates(b, rz, LAMBDA)
            tz = h.effective_temperature(gar, ger)
            assert np.all(tz < 0) and np.all(np.diff(np.abs(tz)) < 0) and abs(tz[-1]) < 0.04
    if b > 1:  # J0[k(-Delta) r] = 0 at r = 2.405/k(-Delta) = 5.38: T(r) -> +0
        z = jn_zeros(0, 1)[0] / k_a
        _, _, ger, gar = h.inverted_magnet_rates(b, z * (1 + np.array([-1e-14, 1e-14])), LAMBDA)
        assert np.all(0 < h.effective_temperature(gar, ger)) and np.all(
            h.effective_temperature(gar, ger) < 0.05
        )
        near = np.abs(r - z) < 0.01
        assert np.all(t[near] > 0) and np.abs(t[near]).min() < 0.25
    else:  # b = Delta: k(-Delta) = 0, |Gamma_a(r)| = Gamma_a(0), T(r) < 0 everywhere
        assert np.all(t[r < 5.9] < 0)
    away = np.min(np.abs(r[:, None] - zeros_e[None, :]), axis=1) > 0.3
    assert np.all(np.abs(t[away & (r < 5)]) > 0.1)


@pytest.mark.figure("hou2025.fig4")
def test_entanglement_window_of_fig4c():
    b = np.linspace(1.0, 1.3, 61)
    r = np.linspace(0.0, 6.0, 121)
    bb, rr = (g.ravel() for g in np.meshgrid(b, r, indexing="ij"))
    ds = h.inverted_magnet(b=bb, r=rr, lambda_ratio=LAMBDA)
    c = ds.concurrence.values.reshape(b.size, r.size)
    assert np.all(ds.kernel_dimension.values == 1)
    window = (b[:, None] <= 1.1 + 1e-9) & (r[None, :] <= 2.0 + 1e-9)
    assert c[window].min() > 0.05  # entangled throughout Delta <= b <= 1.1 Delta, r <= 2
    # b = Delta: k(-Delta) = 0, |Gamma_a(r)|/Gamma_a(0) = 1 for all r, entanglement persists
    np.testing.assert_allclose(ds.absorption_ratio.values.reshape(c.shape)[0], 1.0)
    assert c[0].min() > 0.3
    # outside the window the entanglement is weak
    assert c[b >= 1.2 - 1e-9].max() < 0.1
    assert c[(b[:, None] >= 1.1 - 1e-9) & (r[None, :] >= 2.0 - 1e-9)].max() < 0.075
    # ... and decreases with the field at every separation
    assert np.all(np.diff(c, axis=0) <= 1e-12)


@pytest.mark.figure("hou2025.fig4")
def test_entanglement_edge_beyond_the_stated_window():
    """Documented disagreement: C > 0 (small) well beyond b ~ 1.1 Delta at small r; gone by 2."""
    ds = h.inverted_magnet(
        b=np.array([1.3, 1.5, 2.0]), r=np.array([0.5, 0.0, 0.0]), lambda_ratio=LAMBDA
    )
    c = ds.concurrence.values
    assert c[0] > 0.02 and c[1] > 0.01 and c[2] == 0.0


@pytest.mark.figure("hou2025.fig4")
def test_r_zero_is_the_t_to_infinity_then_r_to_zero_limit():
    b = np.array([1.0, 1.05, 1.2])
    c3 = h.inverted_magnet(b=b, r=np.zeros(3), lambda_ratio=LAMBDA, r_min=1e-3).concurrence.values
    c4 = h.inverted_magnet(b=b, r=np.zeros(3), lambda_ratio=LAMBDA, r_min=1e-4).concurrence.values
    np.testing.assert_allclose(c3, c4, atol=1e-6)
    # at r = 0 itself the singlet is dark in both channels: the steady state is not unique
    rates = h.inverted_magnet_rates(b, np.zeros(3), LAMBDA)
    rho, kernel = h.steady_state(*rates)
    assert np.all(kernel == 2) and np.all(np.isnan(rho[:, [0, 1, 2, 3], [0, 1, 2, 3]]))
    assert np.all(np.diff(c3) < 0) and c3[0] > 0.45  # maximal at b = Delta


@pytest.mark.figure("hou2025.fig4")
def test_sign_of_the_nonlocal_rates_is_kept_and_matters():
    b, r = np.array([1.05]), np.array([2.5])  # J0[k(Delta) r] < 0 here
    ds = h.inverted_magnet(b=b, r=r, lambda_ratio=LAMBDA)
    assert ds.gamma_e_nonlocal.values[0] < 0 < ds.gamma_a_nonlocal.values[0]
    ge0, ga0, ger, gar = h.inverted_magnet_rates(b, r, LAMBDA)
    rho_abs, _ = h.steady_state(ge0, ga0, np.abs(ger), np.abs(gar))
    assert abs(ds.concurrence.values[0] - x_state_concurrence(rho_abs)[0]) > 0.01


@pytest.mark.figure("hou2025.fig4")
def test_dispersion_crossings():
    ds = h.magnet_dispersion(b=1.2, k=np.linspace(0, 2, 5))
    ke, ka = float(ds.k_emission[0]), float(ds.k_absorption[0])
    assert h.dispersion(ke, 1.2) == pytest.approx(1.0)
    assert h.dispersion(ka, 1.2) == pytest.approx(-1.0)
    assert ds.omega.values[0, 0] == pytest.approx(-1.2)  # omega(k=0) = -b


@pytest.mark.figure("hou2025.fig1", "hou2025.fig3", "hou2025.fig4")
@pytest.mark.parametrize(
    ("solver", "kwargs", "key"),
    [
        ("temperature_map", dict(T_local=np.ones(2), T_nonlocal=np.ones(2), ratio=1.01), "ratio"),
        (
            "temperature_map",
            dict(T_local=np.ones(2), T_nonlocal=np.ones(2), ratio=0.5, relative_sign=0.5),
            "relative_sign",
        ),
        ("temperature_map", dict(T_local=np.array([np.nan]), T_nonlocal=np.ones(1)), "T_local"),
        ("inverted_magnet", dict(b=np.array([0.9]), r=np.array([1.0]), lambda_ratio=LAMBDA), "b"),
        ("inverted_magnet", dict(b=np.array([1.1]), r=np.array([-1.0]), lambda_ratio=LAMBDA), "r"),
        ("inverted_magnet", dict(b=np.array([1.1]), r=np.array([1.0]), r_min=0.5), "r_min"),
        (
            "inverted_magnet",
            dict(b=np.array([1.1]), r=np.array([1.0]), lambda_ratio=0.0),
            "lambda_ratio",
        ),
        ("magnet_dispersion", dict(b=0.5, k=np.linspace(0, 1, 3)), "b"),
        ("nonlocal_temperature", dict(b=np.array([1.0]), r=np.array([-1.0, 1.0])), "r"),
        ("nonlocal_temperature", dict(b=np.array([1.0]), n_zeros=0), "n_zeros"),
    ],
)
def test_parameter_checks_name_the_key(solver, kwargs, key):
    with pytest.raises(ParameterError) as err:
        contract.check_arguments(getattr(h, solver), kwargs)
    assert err.value.key == key


@pytest.mark.figure("hou2025.fig3")
def test_physical_edge_of_fig3_is_where_the_absorption_bound_is_reached():
    """T(0) at the edge makes |Gamma_a(r)| = Gamma_a(0); just below it the rates are not CP."""
    ratio = np.array([0.8, 0.9, 0.95, 0.99, 0.999])
    ds = xr.Dataset(coords={"ratio": ratio})
    edge = h.physical_edge(ds, T_nonlocal=0.2)["T_local_edge"].values
    assert np.all(np.diff(edge) > 0) and 0.19 < edge[0] < edge[-1] < 0.2
    for factor, expected in ((1 + 1e-9, True), (1 - 1e-9, False)):
        rates = h.rates_from_temperatures(edge * factor, 0.2, ratio)
        assert np.all(h.completely_positive(*rates) == expected)


@pytest.mark.figure("hou2025.fig4")
def test_nonlocal_temperature_at_the_bessel_zeros_is_a_signed_zero():
    """Stored values at the zeros: -0 where Gamma_e(r) = 0, +0 where Gamma_a(r) = 0 (Eq. 8)."""
    ds = h.nonlocal_temperature(
        b=np.array([1.0, 1.2]), r=np.linspace(0, 6, 61), lambda_ratio=LAMBDA
    )
    for name, negative in (("emission", True), ("absorption", False)):
        z, t = ds[f"r_zero_{name}"].values, ds[f"T_nonlocal_zero_{name}"].values
        assert np.array_equal(np.isfinite(z), np.isfinite(t))
        assert np.all(t[np.isfinite(t)] == 0.0)
        assert np.all(np.signbit(t[np.isfinite(t)]) == negative)
    assert np.isfinite(ds["T_nonlocal_zero_absorption"].values[1]).sum() == 1  # 5.38 at b = 1.2


# --- accuracy where the populations are far below round-off (k_B T << Delta) ----------------


def _exact_concurrence(ge0, ga0, ger, gar, digits=50):
    """Concurrence from an exact rational solve of the neutral 6x6 block of these float rates
    (an independent computation: Gaussian elimination in fractions, the square root in decimal)."""
    from decimal import Decimal, localcontext
    from fractions import Fraction

    rates = {"e_local": ge0, "e_nonlocal": ger, "a_local": ga0, "a_nonlocal": gar}
    a = [[Fraction(0)] * 6 for _ in range(6)]
    for key, rate in rates.items():  # the block summed exactly (in floats 1 + 1e-9 rounds)
        piece = h.neutral_block(h.channel_superoperators()[key])
        assert np.all(piece.imag == 0)  # no Hamiltonian part in the neutral block (E_ud = E_du)
        for i, j in np.ndindex(6, 6):
            a[i][j] += Fraction(float(rate)) * Fraction(float(piece.real[i, j]))
    assert np.all(h.neutral_block(h.hamiltonian_part(h.hamiltonian())) == 0)
    a[0] = [Fraction(float(v)) for v in h.TRACE_ROW]
    b = [Fraction(1)] + [Fraction(0)] * 5
    n = 6
    for col in range(n):
        pivot = next(r for r in range(col, n) if a[r][col] != 0)
        a[col], a[pivot], b[col], b[pivot] = a[pivot], a[col], b[pivot], b[col]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
                b[r] -= f * b[col]
    x = [b[i] / a[i][i] for i in range(n)]  # rho_uu, rho_ud, rho_{ud,du}, rho_{du,ud}, rho_du, dd
    with localcontext() as ctx:
        ctx.prec = digits
        dec = [Decimal(v.numerator) / Decimal(v.denominator) for v in x]
        return float(max(Decimal(0), 2 * (abs(dec[2]) - (dec[0] * dec[5]).sqrt())))


@pytest.mark.parametrize(
    "t_local, t_nonlocal",
    [(0.05, 0.0), (0.05, 0.04), (0.06, 0.03), (0.04, 0.0), (0.1, 0.02), (0.3, 0.2)],
)
def test_low_temperature_concurrence_is_accurate_to_round_off(t_local, t_nonlocal):
    """At k_B T(0) = 0.05 Delta, rho_uu ~ 1e-16: a linear solve leaves it with an error of its own
    size (the concurrence ~1e-7 then depended on the BLAS kernel by 4e-9). The closed form keeps
    full relative accuracy, checked against an exact rational solve."""
    rates = [np.atleast_1d(g) for g in h.rates_from_temperatures(t_local, t_nonlocal, 0.99)]
    ds = h.temperature_map(T_local=t_local, T_nonlocal=t_nonlocal, ratio=0.99)
    got = float(ds.concurrence.values[0])
    want = _exact_concurrence(*(float(g[0]) for g in rates))
    assert want > 0
    assert got == pytest.approx(want, rel=1e-12, abs=0)


def test_collective_populations_are_stationary_and_sum_to_one():
    """The closed form is a kernel vector of the neutral block, for random CP rates."""
    rates = random_rates(400, seed=3)
    rho, kernel = h.steady_state(*rates)
    assert np.all(kernel == 1)
    residual = h.neutral_block(h.liouvillian(*rates)) @ rho.reshape(-1, 16)[:, h.NEUTRAL, None]
    assert np.max(np.abs(residual)) < 1e-13
    assert np.allclose(h.collective_populations(*rates).sum(axis=-1), 1.0, rtol=0, atol=1e-15)
