"""Claims of zou2022 (PRB main text and arXiv supplement), each ``fn(ds) -> float | bool``.

The printed formulas are written out here from the paper, independently of the model's closed
forms, so a claim compares the figure's numerics with the text itself.
"""

from __future__ import annotations

import numpy as np

from ..models import zou2022 as model
from ..quantum import concurrence, evolve, no_jump_evolution, steady_state
from .common import at, params, single_maximum


def _fig2(ds, delta):
    p = params(ds)
    return at(ds.concurrence, delta=delta), ds.time.values, p["a"], p["A"]


def _printed_underdamped(t, delta, a, A):
    w0 = np.sqrt(delta**2 - A**2)
    return (
        2
        * np.exp(-2 * a * t)
        * np.abs(A * np.sin(w0 * t))
        * np.sqrt(delta**2 - np.abs(A * np.cos(w0 * t)) ** 2)
        / w0**2
    )


def _printed_overdamped(t, delta, a, A):
    k0 = np.sqrt(A**2 - delta**2)
    return (
        2
        * np.exp(-2 * a * t)
        * A
        * np.sinh(k0 * t)
        * np.sqrt((A * np.cosh(k0 * t)) ** 2 - delta**2)
        / k0**2
    )


def fig2_underdamped_formula_error(ds) -> float:
    """max_t |C_numerics - printed underdamped formula| on the black curve (delta = 3)."""
    c, t, a, A = _fig2(ds, 3.0)
    return float(np.max(np.abs(c.values - _printed_underdamped(t, 3.0, a, A))))


def fig2_overdamped_formula_error(ds) -> float:
    """max_t |C_numerics - printed overdamped formula|, cyan and red curves (delta = 0.3, 0)."""
    err = 0.0
    for delta in (0.3, 0.0):
        c, t, a, A = _fig2(ds, delta)
        err = max(err, float(np.max(np.abs(c.values - _printed_overdamped(t, delta, a, A)))))
    return err


def _peaks(c: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(times, values) of the interior local maxima of ``c(t)``, refined by a parabola through
    each maximum and its two neighbours (uniform ``t``)."""
    i = np.where((c[1:-1] > c[:-2]) & (c[1:-1] > c[2:]))[0] + 1
    y0, y1, y2 = c[i - 1], c[i], c[i + 1]
    off = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
    return t[i] + off * (t[1] - t[0]), y1 - 0.25 * (y0 - y2) * off


def _one_excitation_bound(ds, delta) -> float:
    """Upper bound on the population of {|ud>, |du>} at the last time, 2 P_singlet + C: from
    P_s = (rho_11 + rho_22)/2 - Re rho_12 and C = 2|rho_12| for the X states of Fig. 2 at zero
    temperature (supplement, Sec. vi)."""
    c, ps = (at(ds[v], delta=delta).values[-1] for v in ("concurrence", "singlet_population"))
    return float(2 * ps + c)


def _envelope_rate(ds, delta=3.0) -> float:
    """Decay rate of the maxima of the underdamped curve: -slope of ln C_max(t) (first 8)."""
    c, t, _, _ = _fig2(ds, delta)
    tp, cp = _peaks(c.values, t)
    return float(-np.polyfit(tp[:8], np.log(cp[:8]), 1)[0])


def fig2_underdamped_oscillates(ds) -> bool:
    """Black curve (delta = 3): the maxima of C are spaced pi/omega0 (C oscillates with angular
    frequency 2 omega0) to 1e-3; they decay at the rate 2a (tau = 1/2a) to 1e-3; at the last
    time (t = 30/a) the one-excitation sector is empty (2 P_s + C < 1e-9) and, with no upward
    process at zero temperature (a~ = 0 in the parameters), |dd> is never populated: the
    system is in the ground state |uu>."""
    c, t, a, A = _fig2(ds, 3.0)
    w0 = np.sqrt(3.0**2 - A**2)
    spacing = np.diff(_peaks(c.values, t)[0])
    frequency_ok = np.all(np.abs(spacing * w0 / np.pi - 1) < 1e-3) and spacing.size >= 5
    rate_ok = abs(_envelope_rate(ds) / (2 * a) - 1) < 1e-3
    ground = _one_excitation_bound(ds, 3.0) < 1e-9 and params(ds)["boltzmann"] == 0
    return bool(frequency_ok and rate_ok and ground)


def fig2_underdamped_timescale(ds) -> float:
    """Black curve (delta = 3): 1/(decay rate of the maxima of C), the text's tau = 1/2a."""
    return 1.0 / _envelope_rate(ds)


def fig2_critical_no_oscillation(ds) -> bool:
    """At the critical point delta = |A| = 1 the concurrence rises to one maximum and decays."""
    return single_maximum(_fig2(ds, 1.0)[0].values)


def fig2_critical_prefactor_growth(ds) -> float:
    """Critical curve: C/(t e^{-2at}) at the last time (t = 30) over its value at t = 0.5 (1 if
    C were proportional to t e^{-2at}; the closed form grows as sqrt(1 + |A|^2 t^2))."""
    c, t, a, _ = _fig2(ds, 1.0)
    ratio = [float(at(c, time=s)) / (s * np.exp(-2 * a * s)) for s in (0.5, float(t[-1]))]
    return ratio[1] / ratio[0]


def fig2_critical_final_upup(ds) -> float:
    """Critical curve (delta = 1): 2 P_s + C at the last time, which bounds the population left
    in {|ud>, |du>} (|dd> is unreachable at zero temperature): 0 if the final state is |uu>."""
    assert params(ds)["boltzmann"] == 0
    return _one_excitation_bound(ds, 1.0)


def _local_rate(c, s, h) -> float:
    """-d ln C/dt at time s by a central difference of width 2h (grid points)."""
    return float(np.log(at(c, time=s - h) / at(c, time=s + h)) / (2 * h))


def fig2_critical_larger_transient(ds) -> bool:
    """Critical (delta = 1) against underdamped (delta = 3): max_t C is larger, and the decay is
    slower but of the same order: the decay rate of C at t = 4 is below the underdamped
    envelope's rate (2a), by less than a factor 2 (the overdamped delta = 0.3 curve: > 10)."""
    crit, under = _fig2(ds, 1.0)[0], _fig2(ds, 3.0)[0]
    slower = _envelope_rate(ds) / _local_rate(crit, 4.0, 0.05)
    return bool(crit.max() > under.max() and 1 < slower < 2)


def _late_rate(ds, delta) -> float:
    """-d ln C/dt of a curve between t = 20 and the last time (30), t >> 1/kappa0."""
    c, t, _, _ = _fig2(ds, delta)
    t1 = float(t[-1])
    return float(np.log(at(c, time=20.0) / at(c, time=t1)) / (t1 - 20.0))


def fig2_overdamped_decay_rate(ds) -> float:
    """max over the overdamped curves (delta = 0.3, 0) of |late decay rate - 2(a - kappa0)|,
    the rate measured between t = 20 and 30 (t >> 1/kappa0)."""
    _, _, a, A = _fig2(ds, 0.3)
    return max(abs(_late_rate(ds, d) - 2 * (a - np.sqrt(A**2 - d**2))) for d in (0.3, 0.0))


def fig2_overdamped_lifetime(ds) -> float:
    """delta = 0.3: the lifetime 1/(late decay rate) over the text's tau = 1/2(a - kappa0)."""
    _, _, a, A = _fig2(ds, 0.3)
    return 1.0 / _late_rate(ds, 0.3) / (1 / (2 * (a - np.sqrt(A**2 - 0.3**2))))


def fig2_supplement_lifetime(ds) -> float:
    """delta = 0.3: the late decay rate of C times the supplement's tau = 1/(a - kappa0) (its
    delta = 0 expression 1/(a - |A|) with |A| -> kappa0 as in Eq. S64): 1 if the supplement's
    lifetime were right, 2 for the main text's and Eq. (S64)'s 1/2(a - kappa0)."""
    _, _, a, A = _fig2(ds, 0.3)
    return _late_rate(ds, 0.3) / (a - np.sqrt(A**2 - 0.3**2))


def fig2_overdamped_slowed_dramatically(ds) -> bool:
    """Both overdamped curves (delta = 0.3, 0) against the critical one: max_t C is larger, and
    C decays at t = 4 more than 10 times slower (rate -d ln C/dt)."""
    crit = _fig2(ds, 1.0)[0]
    ok = True
    for d in (0.3, 0.0):
        c = _fig2(ds, d)[0]
        ok &= bool(c.max() > crit.max())
        ok &= bool(_local_rate(c, 4.0, 0.05) < _local_rate(crit, 4.0, 0.05) / 10)
    return ok


def fig2_lifetime_infinite(ds) -> float:
    """delta = 0, |A| = a: |late decay rate| of C between t = 20 and 30 (text: tau -> inf)."""
    _, _, a, A = _fig2(ds, 0.0)
    assert A == a
    return abs(_late_rate(ds, 0.0))


def fig2_steady_half(ds) -> float:
    """C at the last time (t = 30) on the delta = 0 curve with |A| = a (text: C(inf) = 1/2)."""
    return float(_fig2(ds, 0.0)[0].values[-1])


def fig2_rho_infinity(ds) -> float:
    """Eq. (10), delta = 0, |A| = a, last time: max(|C - 1/2|, |P_singlet - 1/2|). With
    C = 2|rho_12| (X state) and real rho_12 (delta = 0, Eq. S58), C = P_s = 1/2 force
    rho_12 = -1/4 and P_ud + P_du = 2 P_s + 2 rho_12 = 1/2: half the weight in the singlet, the
    other half in |uu> (|dd> is unreachable at zero temperature), i.e. Eq. (10)."""
    c, ps = (at(ds[v], delta=0.0).values[-1] for v in ("concurrence", "singlet_population"))
    return float(max(abs(c - 0.5), abs(ps - 0.5)))


def fig2_singlet_dark(ds) -> float:
    """delta = 0, |A| = a: max_t |P_singlet(t) - 1/2|: the singlet part of the initial |ud>
    (weight 1/2) never leaves (a dark state)."""
    return float(np.max(np.abs(at(ds.singlet_population, delta=0.0).values - 0.5)))


def _fig3(ds, delta):
    p = params(ds, "main")
    return at(ds.concurrence, delta=delta), ds.time.values, p["A"] + p.get("A_tilde", 0.0)


def fig3_pt_broken_tanh_error(ds) -> float:
    """max_t |C - tanh 2 Gamma t| on the PT-broken curve (delta = 0)."""
    c, t, g = _fig3(ds, 0.0)
    return float(np.max(np.abs(c.values - np.tanh(2 * g * t))))


def fig3_exceptional_point_formula_error(ds) -> float:
    """max_t |C - 2 Gamma t sqrt(1 + Gamma^2 t^2)/(1 + 2 Gamma^2 t^2)| at delta = Gamma."""
    c, t, g = _fig3(ds, 2.0)
    printed = 2 * g * t * np.sqrt(1 + (g * t) ** 2) / (1 + 2 * (g * t) ** 2)
    return float(np.max(np.abs(c.values - printed)))


def fig3_exceptional_point_final(ds) -> float:
    """C at the end of the exceptional-point curve (t = 1.5; the printed closed form tends to 1),
    NaN unless C rises monotonically (no oscillation)."""
    c = _fig3(ds, 2.0)[0].values
    return float(c[-1]) if np.all(np.diff(c) > 0) else float("nan")


def fig3_pt_exact_frequency(ds) -> float:
    """PT-exact curve (delta = 5): angular frequency 2 pi/(spacing of the maxima of C) over the
    text's 2 omega, omega = sqrt(delta^2 - Gamma^2)."""
    c, t, g = _fig3(ds, 5.0)
    tp = _peaks(c.values, t)[0]
    assert tp.size >= 2
    return float(2 * np.pi / np.mean(np.diff(tp)) / (2 * np.sqrt(5.0**2 - g**2)))


def fig3_pt_exact_max(ds) -> float:
    """max_t C of the PT-exact curve delta = 5 (eta = 2.5)."""
    return float(_fig3(ds, 5.0)[0].max())


def fig3_cmax_at_eta_2(ds) -> float:
    """Inset: numerical maximal concurrence at eta = 2."""
    return float(at(ds.max_concurrence, eta=2.0))


def _random_kets(n: int, seed: int) -> np.ndarray:
    """``n`` seeded random normalised kets of C^4 (complex Gaussian)."""
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=(n, 4)) + 1j * rng.normal(size=(n, 4))
    return psi / np.linalg.norm(psi, axis=1, keepdims=True)


def fig3_cmax_one_in_broken_phase(ds) -> float:
    """The smallest of: the inset's C_max over 0 < eta <= 1, and C at t = 5 (= 20/2 kappa) of 20
    seeded random initial states of the {|ud>, |du>} subspace (p_aa != 0) evolved with the
    figure's H_eff of Eq. (12) at delta = 0 (the model's no-jump evolution, Wootters' C)."""

    c = ds.max_concurrence
    inset = float(c.where((c.eta > 0) & (c.eta <= 1.0 + 1e-12)).min())
    p = params(ds, "main")
    h = model.effective_hamiltonian(
        0.0, p["a"], p.get("a_tilde", 0.0), p["A"], p.get("A_tilde", 0.0)
    )
    kets = _random_kets(20, seed=3)
    kets[:, [0, 3]] = 0
    kets /= np.linalg.norm(kets, axis=1, keepdims=True)
    times = np.linspace(0.0, 5.0, 501)
    final = [float(concurrence(no_jump_evolution(h, k, times)[-1])) for k in kets]
    return min(inset, min(final))


def fig2_any_nonsymmetric_state(ds) -> bool:
    """Fig. 2's optimal situation (delta = 0, |A| = a, zero temperature): the steady state
    (t -> inf limit of Eq. (7), the model's generator) has C > 1e-3 for 50 seeded random pure
    initial states, and C < 1e-9 for the symmetric |uu>, |dd>, |T0> and a superposition
    of them."""

    p = params(ds)
    assert p["A"] == p["a"] and p["boltzmann"] == 0
    gen = model.generator(0.0, p["a"], 0.0, p["A"], 0.0)
    kets = _random_kets(50, seed=2)
    sym = np.zeros((4, 4), dtype=complex)
    sym[0, 0] = sym[1, 3] = 1
    sym[2, 1] = sym[2, 2] = 1 / np.sqrt(2)
    sym[3, [0, 1, 2]] = 0.6, 0.48j, 0.48j
    sym[3] /= np.linalg.norm(sym[3])
    c = [[float(concurrence(steady_state(gen, np.outer(k, k.conj()))[0])) for k in ks]
         for ks in (kets, sym)]  # fmt: skip
    return bool(min(c[0]) > 1e-3 and max(c[1]) < 1e-9)


def _one_sided_second_derivative(eta, c, side: int) -> float:
    """d^2 c/d eta^2 at eta = 1 from the side +1 (right) or -1 (left), second-order stencil."""
    i = int(np.argmin(np.abs(eta - 1.0)))
    h = eta[1] - eta[0]
    f = [c[i + side * k] for k in range(4)]
    return float((2 * f[0] - 5 * f[1] + 4 * f[2] - f[3]) / h**2)


def fig3_second_derivative_jump(ds) -> float:
    """Inset: jump of the second derivative of the numerical C_max at eta = 1 (right minus left,
    one-sided second-order stencils; closed form 2 eta/(1 + eta^2): -1, the printed formula: -4).
    NaN unless the left side is flat (|C''| < 1e-3: C_max = 1 for eta <= 1)."""
    eta, c = ds.eta.values, ds.max_concurrence.values
    left = _one_sided_second_derivative(eta, c, -1)
    right = _one_sided_second_derivative(eta, c, +1)
    return right - left if abs(left) < 1e-3 else float("nan")


def figS4a_steady_concurrence(ds) -> float:
    """Fig. S4(a): concurrence at the end of the |A| = a = 30 curve."""
    return float(at(ds.concurrence_a, A=30.0).values[-1])


def _death_times(c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per row of ``c`` (curve, time): the last time with C > 0 (inf if C > 0 at the last time)."""
    alive = c > 0
    last = np.where(alive.any(axis=1), t[np.argmax(np.cumsum(alive, axis=1), axis=1)], 0.0)
    return np.where(alive[:, -1], np.inf, last)


def figS4a_lifetime_grows_with_A(ds) -> bool:
    """Fig. S4(a): the lifetime (last time with C > 0) increases strictly with |A|, by more than
    a factor 10 from |A| = 20 to 29, and is infinite (C > 0 at the end) only at |A| = a = 30."""
    life = _death_times(ds.concurrence_a.transpose("A", "time").values, ds.time.values)
    return bool(np.all(np.diff(life) > 0) and life[-2] > 10 * life[0] and np.isinf(life[-1])
                and np.all(np.isfinite(life[:-1])))  # fmt: skip


def figS4a_only_maximal_coupling_steady(ds) -> bool:
    """Fig. S4(a): at the last time C = 0 on every curve with |A| < 30 and C > 0.3 at |A| = 30."""
    c = ds.concurrence_a.transpose("A", "time").values[:, -1]
    return bool(np.all(c[ds.A.values < 30] == 0) and at(ds.concurrence_a, A=30.0).values[-1] > 0.3)


def figS4b_lifetime_decreases_with_delta(ds) -> bool:
    """Fig. S4(b): the lifetime (last time with C > 0) decreases strictly with delta, infinite
    (steady entanglement) at delta = 0 only."""
    life = _death_times(ds.concurrence_b.transpose("delta", "time").values, ds.time.values)
    return bool(np.all(np.diff(life) < 0) and np.isinf(life[0]) and np.all(np.isfinite(life[1:])))


def _figS5(ds):
    A, At = np.meshgrid(ds.A.values, ds.A_tilde.values, indexing="ij")
    return ds.concurrence.transpose("A", "A_tilde").values, A, At


def figS5_axis_deviation_from_half(ds) -> float:
    """max |C - 1/2| on the |A~| = 0 axis (|A| > 0)."""
    c, A, At = _figS5(ds)
    return float(np.max(np.abs(c[(At == 0) & (A > 0)] - 0.5)))


def figS5_diagonal_concurrence(ds) -> float:
    """max C on the diagonal |A~| = |A| > 0."""
    c, A, At = _figS5(ds)
    return float(np.max(np.abs(c[np.isclose(A, At) & (A > 0)])))


def figS5_singlet_part(ds) -> float:
    """max |P_singlet - 1/2| of the steady state over the physical region |A~| <= |A|, |A| > 0:
    the singlet part of the initial |ud> (weight 1/2) stays (dark) at every temperature."""
    ps = ds.singlet_population.transpose("A", "A_tilde").values
    _, A, At = _figS5(ds)
    return float(np.max(np.abs(ps[(At <= A + 1e-12) & (A > 0)] - 0.5)))


def figS5_finite_below_diagonal(ds) -> bool:
    """0 < C < 1/2 wherever 0 < |A~| < |A|, and NaN (unphysical) wherever |A~| > |A|."""
    c, A, At = _figS5(ds)
    below = (At < A - 1e-12) & (At > 0)
    finite = np.all((c[below] > 0) & (c[below] < 0.5))
    return bool(finite and np.all(np.isnan(c[At > A + 1e-12])))


def fig2_concurrence_two_rho12(ds) -> float:
    """Fig. 2 (all four curves): max over the curves and times of |C - 2|rho_12|| with C the
    figure's (Wootters, full 4x4 state) and rho_12 = <ud|rho|du> of the model's state at the
    figure's parameters (Eq. 7 from |ud>, exact exponentials)."""
    p = params(ds)
    delta = ds.delta.values
    b = p["boltzmann"]
    gen = model.generator(delta, p["a"], b * p["a"], p["A"], b * p["A"])
    rho = evolve(gen, model.UP_DOWN, ds.time.values)
    c = ds.concurrence.transpose("delta", "time").values
    return float(np.max(np.abs(c - 2 * np.abs(rho[..., 1, 2]))))


def fig3_concurrence_two_rho12(ds) -> float:
    """Fig. 3 (all three curves): max |C - 2|rho_12|| with C the figure's and rho_12 of the
    model's post-selected state (Eq. 13 from |ud>) at the figure's parameters."""
    p = params(ds, "main")
    err = 0.0
    for delta in ds.delta.values:
        h = model.effective_hamiltonian(delta, p["a"], p.get("a_tilde", 0.0), p["A"],
                                        p.get("A_tilde", 0.0))  # fmt: skip
        rho = no_jump_evolution(h, model.UP_DOWN_KET, ds.time.values)
        c = at(ds.concurrence, delta=delta).values
        err = max(err, float(np.max(np.abs(c - 2 * np.abs(rho[..., 1, 2])))))
    return err


def fig3_bell_state_robust(ds) -> float:
    """Fig. 3's PT-broken regime: the smallest C at t = 5 over 20 seeded draws of a random
    initial state of the {|ud>, |du>} subspace and a random field asymmetry delta in
    [0, 0.2 Gamma] (a weak perturbation of the delta = 0 curve), each evolved with the figure's
    H_eff of Eq. (12) (the model's no-jump evolution, Wootters' C)."""
    p = params(ds, "main")
    rng = np.random.default_rng(5)
    gamma = p["A"] + p.get("A_tilde", 0.0)
    kets = _random_kets(20, seed=4)
    kets[:, [0, 3]] = 0
    kets /= np.linalg.norm(kets, axis=1, keepdims=True)
    times = np.linspace(0.0, 5.0, 501)
    worst = 1.0
    for k, delta in zip(kets, rng.uniform(0, 0.2 * gamma, size=len(kets)), strict=True):
        h = model.effective_hamiltonian(delta, p["a"], p.get("a_tilde", 0.0), p["A"],
                                        p.get("A_tilde", 0.0))  # fmt: skip
        worst = min(worst, float(concurrence(no_jump_evolution(h, k, times)[-1])))
    return worst
