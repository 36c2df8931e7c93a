"""Claims of zou2022 (PRB main text and arXiv supplement), each ``fn(ds) -> float | bool``.

The printed formulas are written out here from the paper, independently of the model's closed
forms, so a claim compares the figure's numerics with the text itself.
"""

from __future__ import annotations

import numpy as np

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


def fig2_underdamped_oscillates(ds) -> bool:
    """The black curve (delta = 3) has several maxima (oscillation)."""
    c = _fig2(ds, 3.0)[0].values
    peaks = (c[1:-1] > c[:-2]) & (c[1:-1] > c[2:])
    return bool(peaks.sum() >= 3)


def fig2_critical_no_oscillation(ds) -> bool:
    """At the critical point delta = |A| = 1 the concurrence rises to one maximum and decays."""
    return single_maximum(_fig2(ds, 1.0)[0].values)


def fig2_critical_prefactor_growth(ds) -> float:
    """Critical curve: C/(t e^{-2at}) at t = 4 over its value at t = 0.5 (1 if C ∝ t e^{-2at})."""
    c, _, a, _ = _fig2(ds, 1.0)
    ratio = [float(at(c, time=t)) / (t * np.exp(-2 * a * t)) for t in (0.5, 4.0)]
    return ratio[1] / ratio[0]


def fig2_critical_larger_transient(ds) -> bool:
    """max_t C at the critical point exceeds max_t C in the underdamped regime."""
    return bool(_fig2(ds, 1.0)[0].max() > _fig2(ds, 3.0)[0].max())


def fig2_overdamped_decay_rate(ds) -> float:
    """-d ln C/dt of the delta = 0.3 curve between t = 3 and 4 (text: 2(a - kappa0))."""
    c = _fig2(ds, 0.3)[0]
    return float(np.log(at(c, time=3.0) / at(c, time=4.0)))


def fig2_overdamped_lifetime_ratio(ds) -> float:
    """C(t = 4) of the overdamped delta = 0.3 curve over that of the critical curve."""
    return float(at(_fig2(ds, 0.3)[0], time=4.0) / at(_fig2(ds, 1.0)[0], time=4.0))


def fig2_steady_half(ds) -> float:
    """C(t = 4) on the delta = 0 curve with |A| = a (text: C(inf) = 1/2)."""
    return float(at(_fig2(ds, 0.0)[0], time=4.0))


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
    """C at the end of the exceptional-point curve (text: approaches 1 algebraically)."""
    return float(_fig3(ds, 2.0)[0].values[-1])


def fig3_pt_exact_max(ds) -> float:
    """max_t C of the PT-exact curve delta = 5 (eta = 2.5)."""
    return float(_fig3(ds, 5.0)[0].max())


def fig3_cmax_at_eta_2(ds) -> float:
    """Inset: numerical maximal concurrence at eta = 2."""
    return float(at(ds.max_concurrence, eta=2.0))


def fig3_cmax_one_in_broken_phase(ds) -> float:
    """Inset: the smallest C_max over 0 < eta <= 1 (text: C_max = 1 there)."""
    c = ds.max_concurrence
    return float(c.where((c.eta > 0) & (c.eta <= 1.0 + 1e-12)).min())


def fig3_second_derivative_jumps(ds) -> bool:
    """Inset: one-sided second differences of C_max at eta = 1: ~0 on the left, < 0 on the right."""
    eta, c = ds.eta.values, ds.max_concurrence.values
    i = int(np.argmin(np.abs(eta - 1.0)))
    h = eta[1] - eta[0]
    left = (c[i] - 2 * c[i - 1] + c[i - 2]) / h**2
    right = (c[i + 2] - 2 * c[i + 1] + c[i]) / h**2
    return bool(abs(left) < 1e-2 and right < -0.1)


def figS4a_steady_concurrence(ds) -> float:
    """Fig. S4(a): concurrence at the end of the |A| = a = 30 curve."""
    return float(at(ds.concurrence_a, A=30.0).values[-1])


def figS4a_lifetime_grows_with_A(ds) -> bool:
    """Fig. S4(a): the time-integrated concurrence (C dies at finite t) increases with |A|."""
    area = ds.concurrence_a.transpose("A", "time").integrate("time").values
    return bool(np.all(np.diff(area) > 0))


def figS4b_lifetime_decreases_with_delta(ds) -> bool:
    """Fig. S4(b): the time-integrated concurrence decreases with delta."""
    area = ds.concurrence_b.transpose("delta", "time").integrate("time").values
    return bool(np.all(np.diff(area) < 0))


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


def figS5_finite_below_diagonal(ds) -> bool:
    """0 < C < 1/2 wherever 0 < |A~| < |A|, and NaN (unphysical) wherever |A~| > |A|."""
    c, A, At = _figS5(ds)
    below = (At < A - 1e-12) & (At > 0)
    finite = np.all((c[below] > 0) & (c[below] < 0.5))
    return bool(finite and np.all(np.isnan(c[At > A + 1e-12])))
