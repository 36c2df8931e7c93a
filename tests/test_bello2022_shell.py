"""Bello et al. (2022), shell model (supplement Sec. E): Eqs. (E1)-(E8)."""

import numpy as np
import pytest

from dissent import contract
from dissent.models.bello2022 import couplings, eom, shell, solvers
from dissent.registry import ParameterError

pytestmark = pytest.mark.figure("bello2022.fig4", "bello2022.figE1", "bello2022.figE2")

MU = 0.5 / np.sqrt(21)
NU = 0.8 * MU


def _gauss(ratio, shift=(0.0, 0.0)):
    return (
        shell.gaussian_couplings(2.5, ratio * 2.5, shift),
        shell.gaussian_couplings(3.0, ratio * 3.0),
    )


def test_lattice_sizes_and_shells():
    assert len(shell.lattice(2.5)) == 21 and len(shell.lattice(3.0)) == 25
    g1, g2 = _gauss(4.0)
    m = shell.ShellModel(g1, g2, MU, NU)
    assert (m.S1, m.S2) == (5, 6)  # |r|^2 = 0, 1, 2, 4, 5 (+ 8 in QD2)
    assert m.w[0].tolist() == [1, 4, 4, 4, 8] and m.w[0].sum() == 21


@pytest.mark.parametrize("k", [1, 3])
def test_E1_E5_equal_full_covariance_eom_on_random_states(k):
    """Every nucleus its own shell: (E1)-(E5) == the Z-rules covariance EoM of eom.py."""
    rng = np.random.default_rng(3)
    g1 = inh_norm(rng.uniform(0.3, 1.0, 5))
    g2 = inh_norm(rng.uniform(0.3, 1.0, 4))
    m = shell.ShellModel(g1, g2, 0.3, 0.24, k, grouped=False)
    E = eom.CovarianceEoM(eom.Shells(g1, g2, group=False), 0.3, 0.24, k, "z_rules", True)
    x = rng.uniform(0, 1, m.S)
    Y = rng.normal(size=(m.S, m.S)) * 0.1
    Z = rng.normal(size=(m.S, m.S))
    Y, Z = (Y + Y.T) * m.mask, (Z + Z.T) * m.mask
    d = m.unpack(m.rhs(m.pack(x, Y, Z)))
    r = E.rhs({"x": x, "Gb": Y, "Lb": Z})
    for a, b in zip(d, (r["x"], r["Gb"], r["Lb"]), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-15)


def inh_norm(g):
    return np.asarray(g) / np.linalg.norm(g)


def test_grouped_shells_equal_ungrouped_dynamics():
    """Degenerate couplings: shell model == full (one nucleus per shell) dynamics."""
    g1, g2 = _gauss(2.0)
    cyc = np.array([0, 10, 300, 3000])
    a = shell.ShellModel(g1, g2, MU, NU)
    b = shell.ShellModel(g1, g2, MU, NU, grouped=False)
    oa = a.observables(a.evolve(cyc, n_switch=3000)[0])
    ob = b.observables(b.evolve(cyc, n_switch=3000)[0])
    for key in ("delta", "delta_epr", "Jz_1", "Jz_2", "Az2_1", "var_A"):
        np.testing.assert_allclose(oa[key], ob[key], rtol=1e-11, atol=1e-13)


def test_E6_conservation_of_z_plus_4y():
    g1, g2 = _gauss(1.5)
    m = shell.ShellModel(g1, g2, MU, NU)
    rng = np.random.default_rng(0)
    v = m.initial() + 0.01 * rng.normal(size=m.size)
    x, Y, Z = m.unpack(m.rhs(v))
    big = m.wall > 1
    np.testing.assert_allclose(np.diag(Z)[big], -4 * np.diag(Y)[big], atol=1e-16)


@pytest.mark.parametrize("ratio", [1.0, 3.0])
def test_steady_state_E7_E8_equals_long_time_limit(ratio):
    g1, g2 = _gauss(ratio)
    m = shell.ShellModel(g1, g2, MU, NU)
    V, status = m.evolve(np.array([0, 1e8]), n_switch=2000)
    vs, info = m.steady_state()
    assert status == 0 and info["physical"] and info["stable"]
    assert info["residual"] < 1e-15
    np.testing.assert_allclose(V[-1], vs, atol=1e-8)


def test_lm_from_zero_finds_unphysical_root_for_c_over_rmax_1():
    """(E4)-(E5) have several roots; the naive LM start y12 = 0 gives an unstable,
    unphysical one (|y12| > sqrt(x1 x2)); steady_state() rejects it."""
    g1, g2 = _gauss(1.0)
    m = shell.ShellModel(g1, g2, MU, NU)
    vs, info = m.steady_state(max_starts=1)
    assert not info["physical"] and not info["stable"]
    vs, info = m.steady_state()
    assert info["physical"] and info["stable"] and info["starts"] >= 2


def test_shell_polarization_independent_of_coupling():
    """Two shells of the same size but different couplings reach the same polarization."""
    g1 = inh_norm([1.0, 1.0, 1.0, 0.6, 0.6, 0.6])
    g2 = inh_norm([0.9, 0.9, 0.5, 0.5])
    m = shell.ShellModel(g1, g2, 0.3, 0.24)
    V, status = m.evolve(np.array([0, 1e9]), n_switch=1000)
    x = V[-1][: m.S]
    assert status == 0
    assert abs(x[0] - x[1]) < 1e-8 and abs(x[2] - x[3]) < 1e-8
    xs = m.unpack(m.steady_state()[0])[0]
    np.testing.assert_allclose(x, xs, atol=1e-8)


def test_homogeneous_shell_model_vs_dicke_me():
    """N1 = N2 = 10, one shell each: Z-rules polarizations vs the exact Dicke-basis ME
    (solvers.dicke_me_variance) at steady state; closure accuracy:
    |dp| < 0.02; var underestimated by 12.5 % (measured), bound 15 %."""
    N = 10
    g = np.ones(N) / np.sqrt(N)
    mu = 0.5 / np.sqrt(N)
    m = shell.ShellModel(g, g, mu, 0.8 * mu)
    o = m.observables(m.steady_state()[0])
    me = solvers.dicke_me_variance(
        n_nuclei=[N], mu_sqrt_n=0.5, nu_over_mu=0.8, k=1, cycles=[60000], n_switch=60000
    )
    p1 = float(me["me_polarization_1"][0, -1])
    assert abs(o["Jz_1"][0] / (N / 2) - p1) < 0.02
    var_me = float(me["me_variance"][0, -1])
    assert -0.15 < (o["var_J"][0] / 2 - var_me) / var_me < -0.05


def test_stabilization_time_slope_fig4b():
    """T_stab ~ [mu min|g - g'|]^-2 (text): T_stab mu^2 min(dg)^2 is the same O(1..100)
    constant for c/r_max = 2, 4 (measured 16-21), i.e. linear in min(dg)^-2."""
    res = []
    for ratio in (2.0, 4.0):
        ds = solvers.gaussian_dynamics(
            c=[ratio], r_max1=2.5, r_max2=3.0, mu_sqrt_n1=0.5, nu_over_mu=0.8, k=1,
            cycles=np.logspace(0, 8, 161), n_switch=1000,
        )  # fmt: skip
        res.append(float(ds["t_stab"][0] * (MU * ds["min_dg"][0]) ** 2))
    assert all(5 < r < 60 for r in res)
    assert abs(res[0] / res[1] - 1) < 0.25


@pytest.mark.parametrize(
    "key, kw",
    [
        ("c", {"c": np.array([-1.0])}),
        ("nu_over_mu", {"nu_over_mu": 1.2}),
        ("mu_sqrt_n1", {"mu_sqrt_n1": 0.0}),
        ("k", {"k": 0}),
        ("r_max1", {"r_max1": 0.5}),
        ("width", {"width": "weird"}),
        ("shift1", {"shift1": [0.1]}),
    ],
)
def test_bad_parameters_raise(key, kw):
    good = dict(
        c=np.array([2.0]),
        r_max1=2.5,
        r_max2=3.0,
        mu_sqrt_n1=0.5,
        nu_over_mu=0.8,
        k=1,
        cycles=[0, 10],
        n_switch=10,
    )
    contract.check_arguments(solvers.gaussian_dynamics, good)
    with pytest.raises(ParameterError) as err:
        contract.check_arguments(solvers.gaussian_dynamics, {**good, **kw})
    assert err.value.key == key


def _jplus_jz(J):
    m = np.arange(J, -J - 1, -1)
    return np.diag(np.sqrt(J * (J + 1) - m[1:] * (m[1:] + 1)), 1), np.diag(m)


def test_E7_E8_point_unstable_in_closure_but_exact_me_has_no_cross_shell_correlation():
    """One ensemble, an 8-spin shell (g_a) and a 4-spin shell (0.9 g_a), kappa/eta = 0.19:
    the exact 2nd-order ME, D(sqrt(eta + kappa) A+) + D(sqrt(eta - kappa) A-) (the reduced ME
    of QD1, Eq. D2) on J_a = 4 x J_b = 2, has no cross-shell correlation at steady state, as
    (E7)-(E8) assume; but in (E1)-(E3) that point is linearly unstable (measured +7.06e-6 per
    cycle) and the dynamics end at another, stable fixed point with y_ab = 0.042."""
    from dissent.quantum.steady import steady_state
    from dissent.quantum.superop import dissipator

    ga = 1 / np.sqrt(8 + 4 * 0.9**2)
    g = np.array([ga] * 8 + [0.9 * ga] * 4)
    m = shell.ShellModel(g, g, 0.3, 0.24)  # QD1 and QD2 alike; QD1 (block 0) is tested
    vs, info = m.steady_state()
    assert info["residual"] < 1e-15 and info["physical"]
    lam = m.leading_eigenvalue(vs, block=0)
    assert lam > 1e-6 and not info["stable"]
    kappa, eta = couplings.kappa_eta_from_rates(0.3, 0.24)
    (pa, za), (pb, _) = _jplus_jz(4), _jplus_jz(2)
    Jpa, Jpb = np.kron(pa, np.eye(5)), np.kron(np.eye(9), pb)
    Ap = ga * Jpa + 0.9 * ga * Jpb
    rho, _ = steady_state((eta + kappa) * dissipator(Ap) + (eta - kappa) * dissipator(Ap.T))
    y_ab = np.trace(rho @ Jpa @ Jpb.T) / 32  # <s+_i s-_i'>, i in shell a, i' in shell b
    x_a = np.trace(rho @ np.kron(za, np.eye(5))).real / 8 + 0.5
    assert abs(y_ab) < 1e-12
    x, Y, _ = m.unpack(vs)
    assert Y[0, 1] == 0 and abs(x[0] - x_a) < 0.01  # (E7): 0.7750, ME 0.7705
    V, status = m.evolve(np.array([0, 10**9]), n_switch=2000)
    assert status == 0 and np.abs(m.rhs(V[-1])).max() < 1e-15  # at a fixed point ...
    assert m.cross_shell_correlation(V[-1]) > 0.03  # ... with cross-shell correlation
    assert m.leading_eigenvalue(V[-1], block=0) < 0  # ... that is stable


def test_fig4_stability_of_E7_E8_points():
    """Fig. 4 systems: the (E7)-(E8) + LM point is a stable fixed point for c/r_max = 3 and
    unstable (QD2's (E1)-(E3)) for c/r_max = 6 (measured +3.52e-8 per cycle; 8: +3.09e-7)."""
    eig = {}
    for ratio in (3.0, 6.0):
        m = shell.ShellModel(*_gauss(ratio), MU, NU)
        vs, info = m.steady_state()
        eig[ratio] = (info["eig"], m.leading_eigenvalue(vs, block=0), info["stable"])
    assert eig[3.0][0] < -1e-7 and eig[3.0][2]
    assert 1e-8 < eig[6.0][0] < 1e-7 and not eig[6.0][2]
    assert eig[6.0][1] < 0  # QD1 is stable: the unstable mode is QD2's


def test_fig4_paper_view_has_the_captions_ink_and_the_notes_view_the_rest(quick_data):
    """Fig. 4 paper view: no stars, no fit line, (b) only the c >= TSTAB_LINEAR_MIN_C (the very
    inhomogeneous points are "not shown"); the notes view has the stars and every c in (b)."""
    import matplotlib.pyplot as plt

    from dissent.figures import bello2022_shell as render

    ds = quick_data("bello2022", "fig4")
    shown = int(np.sum(ds.c.values >= render.TSTAB_LINEAR_MIN_C))
    assert 0 < shown < ds.sizes["c"]  # the quick grid has points on both sides

    def markers(ax, marker):
        return [ln for ln in ax.get_lines() if ln.get_marker() == marker]

    paper = render.fig4(ds)
    a, b = paper.axes[:2]
    assert not markers(a, "*") and len(markers(b, "o")) == shown
    assert all(ln.get_linestyle() == "None" for ln in b.get_lines())  # no fit line
    notes = render.fig4_notes(ds)
    na, nb = notes.axes[:2]
    assert len(markers(na, "*")) == ds.sizes["c"] and len(markers(nb, "o")) == ds.sizes["c"]
    assert any(ln.get_linestyle() == "-" for ln in nb.get_lines())  # the fit
    plt.close(paper)
    plt.close(notes)
