"""zou2022 physics: numerics of Eqs. (7) and (13) against the formulas printed in the paper."""

import numpy as np
import pytest
import qutip

from dissent import contract
from dissent.models import zou2022 as z
from dissent.quantum import (
    SINGLET_PROJECTOR,
    concurrence,
    evolve,
    no_jump_evolution,
    steady_state,
)
from dissent.registry import ParameterError

TIME = np.linspace(0.0, 4.0, 201)


@pytest.mark.figure("zou2022.fig2")
@pytest.mark.parametrize("delta", [3.0, 1.5, 1.0, 0.3, 0.0])  # under-, critically, overdamped
def test_lindblad_concurrence_matches_text_formulas(delta):
    a, A = 1.0, (0.8 if delta == 1.5 else 1.0)
    numeric = z.concurrence_dynamics(delta=np.array([delta]), A=np.array([A]), a=a, time=TIME)
    closed = z.concurrence_zero_temperature(delta, A, a, TIME)
    assert np.allclose(numeric["concurrence"].values[0], closed, atol=1e-7)


@pytest.mark.figure("zou2022.fig2")
def test_text_formulas_as_printed():
    """The unified closed form equals each printed regime formula (and the critical limit)."""
    t, a, A = TIME[1:], 0.7, 1.0
    d = 2.0
    w0 = np.sqrt(d**2 - A**2)
    under = (
        2
        * np.exp(-2 * a * t)
        * np.abs(A * np.sin(w0 * t))
        * np.sqrt(d**2 - np.abs(A * np.cos(w0 * t)) ** 2)
        / w0**2
    )
    assert np.allclose(z.concurrence_zero_temperature(d, A, a, t), under)
    d = 0.4
    k0 = np.sqrt(A**2 - d**2)
    over = (
        2
        * np.exp(-2 * a * t)
        * A
        * np.sinh(k0 * t)
        * np.sqrt((A * np.cosh(k0 * t)) ** 2 - d**2)
        / k0**2
    )
    assert np.allclose(z.concurrence_zero_temperature(d, A, a, t), over)
    # Critical point: C proportional to t e^{-2at} at small t, no oscillation.
    crit = z.concurrence_zero_temperature(A, A, a, t)
    assert np.allclose(crit, 2 * A * t * np.exp(-2 * a * t) * np.sqrt(1 + (A * t) ** 2))
    assert np.allclose(crit, z.concurrence_zero_temperature(A * (1 + 1e-7), A, a, t), rtol=1e-5)


@pytest.mark.figure("zou2022.fig2")
def test_zero_temperature_lifetime_text():
    """Overdamped, t >> 1/kappa0: C ~ exp(-2(a - kappa0) t)."""
    a, A, d = 1.0, 0.9, 0.3
    k0 = np.sqrt(A**2 - d**2)
    t = np.array([20.0, 21.0])
    c = z.concurrence_zero_temperature(d, A, a, t)
    assert np.isclose(np.log(c[0] / c[1]), 2 * (a - k0), rtol=1e-6)


@pytest.mark.figure("zou2022.fig2", "zou2022.figS5")
def test_steady_state_half_with_singlet_dark_state():
    """|A| = a at T = 0: C(inf) = 1/2, rho_inf = (|uu><uu| + |S><S|)/2, Eq. (10)."""
    ds = z.steady_concurrence_saturated(A=np.array([1.0, 2.5]), A_tilde=np.array([0.0, 0.0]))
    assert np.allclose(ds["concurrence"], 0.5)
    assert np.allclose(ds["singlet_population"], 0.5)
    rho, kernel = steady_state(z.generator(0.0, 1.0, 0.0, 1.0, 0.0), rho0=z.UP_DOWN)
    assert kernel == 4  # any state on {|S>, |uu>} is stationary
    expected = 0.5 * SINGLET_PROJECTOR + 0.5 * np.diag([1.0, 0, 0, 0])
    assert np.allclose(rho, expected, atol=1e-10)


@pytest.mark.figure("zou2022.figS4", "zou2022.figS5")
def test_finite_temperature_steady_state_around_035():
    """Fig. S4(a): a = |A| = 30, a~ = |A~| = 3 gives steady entanglement 'around 0.35'."""
    ds = z.steady_concurrence_saturated(A=np.array([30.0]), A_tilde=np.array([3.0]))
    c = float(ds["concurrence"][0])
    assert c == pytest.approx(27 / 74, abs=1e-9)  # what the model gives: 0.3649
    assert abs(c - 0.35) < 0.02
    # ... and the dynamics reaches it.
    dyn = z.concurrence_dynamics(
        delta=np.array([0.0]), A=np.array([30.0]), a=30.0, boltzmann=0.1, time=np.linspace(0, 1, 11)
    )
    assert dyn["concurrence"].values[0, -1] == pytest.approx(c, abs=1e-9)


@pytest.mark.figure("zou2022.figS5")
def test_figS5_trend():
    """C(inf) falls from 1/2 (|A~| = 0) to 0 (|A~| = |A|) and depends only on the ratio."""
    ratio = np.linspace(0, 1, 41)
    c = z.steady_concurrence_saturated(A=np.ones_like(ratio), A_tilde=ratio)["concurrence"].values
    assert c[0] == pytest.approx(0.5) and c[-1] == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.diff(c) <= 1e-12)
    scaled = z.steady_concurrence_saturated(A=3 * np.ones_like(ratio), A_tilde=3 * ratio)
    assert np.allclose(scaled["concurrence"], c)
    unphysical = z.steady_concurrence_saturated(A=np.array([0.5]), A_tilde=np.array([0.6]))
    assert np.isnan(unphysical["concurrence"][0]) and unphysical["physical"][0] == 0


@pytest.mark.figure("zou2022.fig2", "zou2022.figS4")
def test_lindblad_matches_qutip_mesolve():
    """Independent check of the generator (factor 2 of D_J, signs, basis) with QuTiP."""
    delta, a, at, A, At = 0.7, 2.0, 0.4, 1.5, 0.3
    times = np.linspace(0, 1.5, 31)
    jumps = np.sqrt(2) * z.jump_operators(a, at, A, At)
    h = z.system_hamiltonian(delta)
    res = qutip.mesolve(
        qutip.Qobj(h),
        qutip.Qobj(z.UP_DOWN),
        times,
        [qutip.Qobj(j) for j in jumps],
        options={"atol": 1e-11, "rtol": 1e-10},
    )
    ours = evolve(z.generator(delta, a, at, A, At), z.UP_DOWN, times)
    ref = np.stack([s.full() for s in res.states])
    assert np.allclose(ours, ref, atol=1e-7)


@pytest.mark.figure("zou2022.fig2")
def test_populations_follow_equation_S54():
    """rho_11 - rho_22 = e^{-2at} at T = 0 (Eq. S56); rho_33 stays 0."""
    times = np.linspace(0, 2, 21)
    rho = evolve(z.generator(0.4, 1.3, 0.0, 0.9, 0.0), z.UP_DOWN, times)
    assert np.allclose(rho[:, 1, 1].real - rho[:, 2, 2].real, np.exp(-2 * 1.3 * times))
    assert np.allclose(rho[:, 3, 3], 0, atol=1e-12)


@pytest.mark.figure("zou2022.fig3")
def test_postselected_printed_cases():
    gamma, t = 2.0, np.linspace(0, 2, 401)
    ds = z.postselected_concurrence(delta=np.array([0.0, gamma, 5.0]), a=gamma, A=gamma, time=t)
    c = ds["concurrence"].values
    assert np.allclose(c[0], np.tanh(2 * gamma * t), atol=1e-7)  # PT-broken, delta = 0
    ep = 2 * gamma * t * np.sqrt(1 + (gamma * t) ** 2) / (1 + 2 * (gamma * t) ** 2)
    assert np.allclose(c[1], ep, atol=1e-7)  # exceptional point
    assert c[2].max() < 1 - 1e-3  # PT-exact: never a Bell state
    assert np.allclose(
        c, z.postselected_closed_form(np.array([0, gamma, 5.0])[:, None], gamma, t[None]), atol=1e-7
    )


@pytest.mark.figure("zou2022.fig3")
def test_postselected_depends_only_on_gamma():
    t = np.linspace(0, 1, 51)
    one = z.postselected_concurrence(delta=np.array([1.3]), a=2.0, A=1.5, time=t)
    other = z.postselected_concurrence(
        delta=np.array([1.3]), a=5.0, A=1.0, a_tilde=0.5, A_tilde=0.5, time=t
    )
    assert np.allclose(one["concurrence"], other["concurrence"], atol=1e-7)


@pytest.mark.figure("zou2022.fig3")
def test_postselected_bell_state_phase():
    """PT-broken: rho -> (|ud> + e^{i phi}|du>)/sqrt 2, e^{i phi} = (-kappa + i delta)/Gamma."""
    gamma, delta = 2.0, 1.2
    kappa = np.sqrt(gamma**2 - delta**2)
    h = z.effective_hamiltonian(delta, gamma, 0.0, gamma, 0.0)
    rho = no_jump_evolution(h, np.array([0, 1, 0, 0], complex), np.linspace(0, 20, 401))[-1]
    phase = (-kappa + 1j * delta) / gamma
    bell = np.array([0, 1, phase, 0]) / np.sqrt(2)
    assert np.real(bell.conj() @ rho @ bell) == pytest.approx(1.0, abs=1e-9)
    assert concurrence(rho) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.figure("zou2022.fig3")
def test_max_concurrence_numerics_vs_closed_form_and_text():
    eta = np.array([0.0, 0.5, 1.0, 1.2, 2.0, 2.5, 4.0])
    numeric = z.postselected_max_concurrence(eta=eta, gamma=2.0)["max_concurrence"].values
    assert np.allclose(numeric, z.max_concurrence_closed_form(eta), atol=1e-5)
    # The formula printed in the text agrees only for eta <= 1 and at eta -> 1+ (docs note).
    printed = z.max_concurrence_text(eta)
    assert np.allclose(numeric[:3], printed[:3], atol=1e-5)
    assert np.all(numeric[4:] - printed[4:] > 0.1)


@pytest.mark.figure("zou2022.fig2", "zou2022.figS4")
@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        (dict(delta=np.array([0.0]), A=np.array([2.0]), a=1.0, boltzmann=0.0, time=TIME), "A"),
        (dict(delta=np.array([0.0]), A=np.array([1.0]), a=-1.0, boltzmann=0.0, time=TIME), "a"),
        (dict(delta=np.array([-1.0]), A=np.array([1.0]), a=1.0, boltzmann=0.0, time=TIME), "delta"),
        (
            dict(delta=np.array([0.0]), A=np.array([1.0]), a=1.0, boltzmann=1.5, time=TIME),
            "boltzmann",
        ),
        (
            dict(
                delta=np.array([0.0]),
                A=np.array([1.0]),
                a=1.0,
                boltzmann=0.0,
                time=np.array([0.0, 1.0, 3.0]),
            ),
            "time",
        ),
    ],
)
def test_bad_parameters_name_the_key(kwargs, key):
    with pytest.raises(ParameterError) as err:
        contract.check_arguments(z.concurrence_dynamics, kwargs)
    assert err.value.key == key


@pytest.mark.figure("zou2022.fig3", "zou2022.figS5")
@pytest.mark.parametrize(
    ("solver", "kwargs", "key"),
    [
        (
            "steady_concurrence_saturated",
            dict(A=np.array([1.0]), A_tilde=np.array([-1.0])),
            "A_tilde",
        ),
        ("steady_concurrence_saturated", dict(A=np.array([np.nan]), A_tilde=np.array([0.0])), "A"),
        (
            "postselected_concurrence",
            dict(delta=np.array([0.0]), a=1.0, A=1.0, a_tilde=0.1, A_tilde=0.2, time=TIME),
            "A_tilde",
        ),
        ("postselected_concurrence", dict(delta=np.array([0.0]), a=1.0, A=1.0, time=[0.0]), "time"),
        ("postselected_max_concurrence", dict(eta=np.array([1.0]), samples=5), "samples"),
        ("postselected_max_concurrence", dict(eta=np.array([1.0]), gamma=0.0), "gamma"),
    ],
)
def test_bad_parameters_of_the_other_solvers_name_the_key(solver, kwargs, key):
    with pytest.raises(ParameterError) as err:
        contract.check_arguments(getattr(z, solver), kwargs)
    assert err.value.key == key
