"""Claims of hou2025 about its figures, each ``fn(ds) -> float | bool``."""

from __future__ import annotations

import numpy as np
from scipy.special import jn_zeros

from .common import at, params, scalar

ZERO = 1e-9  # ours: C at or below this counts as no entanglement (solver round-off is ~1e-14)
POPULATIONS = ("population_uu", "population_dd", "singlet_fraction")


def _fig1(ds):
    c = ds.concurrence.transpose("T_local", "T_nonlocal").values
    t0, tr = np.meshgrid(ds.T_local.values, ds.T_nonlocal.values, indexing="ij")
    return c, t0, tr


def fig1_entangled_only_below_diagonal(ds) -> bool:
    """Fig. 1(b): C > ZERO somewhere with T(r) < T(0), and C <= ZERO on every physical point with
    T(r) >= T(0) (these are only the diagonal and a sliver T(0) < T(r) <= T(0)/(1 + T(0) ln x))."""
    c, t0, tr = _fig1(ds)
    above = tr >= t0 - 1e-12
    return bool(np.nanmax(c[~above]) > ZERO and np.nanmax(c[above]) <= ZERO)


def fig1_T0_of_maximum(ds) -> float:
    """Fig. 1(b): the local temperature k_B T(0)/Delta at which C is largest."""
    c, t0, _ = _fig1(ds)
    return float(t0.ravel()[np.nanargmax(c)])


def fig1_largest_entangled_temperature(ds) -> float:
    """Fig. 1(b): the largest k_B T(0)/Delta (>= k_B T(r)/Delta there) with C > ZERO."""
    c, t0, _ = _fig1(ds)
    return float(t0[np.nan_to_num(c) > ZERO].max())


def fig1_gibbs_on_diagonal(ds) -> float:
    """Fig. 1(b) at T(0) = T(r) > 0: max |p - p_Gibbs| over the populations p_uu, p_dd and the
    singlet fraction, p_Gibbs = e^{-E/k_B T}/Z with E = +Delta, -Delta, 0, and C there."""
    c, t0, tr = _fig1(ds)
    d = np.isclose(tr, t0) & (t0 > 0)
    t = t0[d]
    z = 2 + 2 * np.cosh(1 / t)
    pop = {name: ds[name].transpose("T_local", "T_nonlocal").values[d] for name in POPULATIONS}
    err = [
        np.abs(pop["population_uu"] - np.exp(-1 / t) / z),
        np.abs(pop["population_dd"] - np.exp(1 / t) / z),
        np.abs(pop["singlet_fraction"] - 1 / z),
        np.abs(c[d]),
    ]
    return float(np.max(err))


def fig1_unphysical_is_cp_violation(ds) -> bool:
    """Fig. 1(b): the unphysical (NaN) points are exactly those violating |Gamma_a(r)| <=
    Gamma_a(0): x e^{-Delta/k_B T(r)} > e^{-Delta/k_B T(0)}, x = |Gamma_e(r)|/Gamma_e(0) = 0.99."""
    c, t0, tr = _fig1(ds)
    x = params(ds)["ratio"]
    with np.errstate(divide="ignore", over="ignore"):
        boltz0 = np.where(t0 > 0, np.exp(-1 / np.where(t0 > 0, t0, 1)), 0.0)
        boltzr = np.where(tr > 0, np.exp(-1 / np.where(tr > 0, tr, 1)), 0.0)
    violates = x * boltzr > boltz0 * (1 + 1e-12)
    return bool(np.array_equal(np.isnan(c), violates))


def _mixed_with_singlet(ds, dims) -> bool:
    c = ds.concurrence.transpose(*dims).values
    ent = np.nan_to_num(c) > ZERO
    sf = ds.singlet_fraction.transpose(*dims).values[ent]
    other = (ds.population_uu + ds.population_dd).transpose(*dims).values[ent]
    return bool(ent.any() and np.all((sf > 0) & (sf < 1)) and np.all(other > 0))


def fig1_mixed_with_singlet(ds) -> bool:
    """Fig. 1(b), T > 0: every entangled point (C > ZERO) has 0 < singlet fraction < 1 and
    p_uu + p_dd > 0, so the state is mixed (a pure X state with C > 0 has p_uu = p_dd = 0)."""
    return _mixed_with_singlet(ds, ("T_local", "T_nonlocal"))


def _fig3_cmax(ds):
    return ds.concurrence.transpose("ratio", "T_local").max("T_local", skipna=True)


def fig3_no_entanglement_below_02(ds) -> float:
    """Fig. 3: max C at k_B T(0)/Delta <= 0.2 = k_B T(r)/Delta, over all ratios."""
    c = ds.concurrence.where(ds.T_local <= 0.2 + 1e-12)
    return float(np.nan_to_num(c.max(skipna=True)))


def fig3_unphysical_edge_depends_on_ratio(ds) -> float:
    """Fig. 3: the edge of the unphysical (NaN) region for each ratio x lies between the last NaN
    and the first finite grid point, at 1/(Delta/k_B T(r) - ln x) (``T_local_edge``); returns the
    spread max - min of the edges over the ratios (NaN if a mask disagrees with its edge)."""
    t = ds.T_local.values
    c = ds.concurrence.transpose("ratio", "T_local").values
    edges = ds.T_local_edge.values
    for row, edge in zip(c, edges, strict=True):
        if not (t[np.isnan(row)].max() < edge <= t[~np.isnan(row)].min()):
            return float("nan")
    return float(edges.max() - edges.min())


def fig3_magnitude_set_by_ratio(ds) -> bool:
    """Fig. 3: max_T(0) C grows with |Gamma_e(r)|/Gamma_e(0)."""
    return bool(np.all(np.diff(_fig3_cmax(ds).values) > 0))


def fig3_substantial_only_above_09(ds) -> bool:
    """Fig. 3: max_T(0) C >= 0.1 for every ratio > 0.9 and < 0.1 for every ratio <= 0.9."""
    c = _fig3_cmax(ds)
    above = c.ratio.values > 0.9 + 1e-12
    return bool(np.all(c.values[above] >= 0.1) and np.all(c.values[~above] < 0.1))


def fig3_cmax_at_smallest_ratio(ds) -> float:
    """Fig. 3: max_T(0) C at the smallest ratio shown, |Gamma_e(r)|/Gamma_e(0) = 0.8."""
    return scalar(at(_fig3_cmax(ds), ratio=0.8))


def fig4_local_temperature(ds) -> float:
    """Fig. 4 caption: k_B T(0)/Delta = 1/(2 ln|lambda_1/lambda_-1|)."""
    return float(np.unique(np.round(ds.T_local.values, 12))[0])


def _first_below(ratio: np.ndarray, r: np.ndarray, level: float) -> float:
    below = np.flatnonzero(np.abs(ratio) < level)
    return float(r[below[0]]) if below.size else np.inf


def fig4a_absorption_longer_range(ds) -> bool:
    """Fig. 4(a): k(-Delta) < k(Delta); omega(k) (interpolated on the k grid) crosses -Delta at
    k(-Delta) and +Delta at k(Delta) to 1e-4; and on the Fig. 4(c) grid, for every b > Delta,
    |Gamma_a(r)|/Gamma_a(0) falls below 1/2 at a larger r than |Gamma_e(r)|/Gamma_e(0)."""
    ka, ke = float(ds.k_absorption), float(ds.k_emission)
    w = lambda k: float(np.interp(k, ds.k.values, ds.omega.values))  # noqa: E731
    crossings = abs(w(ka) + 1) < 1e-4 and abs(w(ke) - 1) < 1e-4
    r = ds.r.values
    ar = ds.absorption_ratio.transpose("b", "r").values
    er = ds.emission_ratio.transpose("b", "r").values
    longer = all(
        _first_below(ar[i], r, 0.5) > _first_below(er[i], r, 0.5)
        for i in np.flatnonzero(ds.b.values > 1 + 1e-12)
    )
    return bool(ka < ke and crossings and longer)


def fig4_absorption_ratio_at_b_equal_delta(ds) -> float:
    """Fig. 4(c) at b = Delta: max_r | |Gamma_a(r)|/Gamma_a(0) - 1 |."""
    return float(np.max(np.abs(at(ds.absorption_ratio, b=1.0).values - 1)))


def fig4b_zeros_at_bessel_zeros(ds) -> bool:
    """Fig. 4(b): every zero of J0[k(Delta) r] in range carries a local maximum of T(r) < 0
    (T -> -0) within two grid steps, and T(r) has no other local maxima closer to 0 than -0.1."""
    r = ds.r_curve.values
    h = r[1] - r[0]
    ok = True
    for b in ds.b_curve.values:
        t = at(ds.T_nonlocal_curve, b_curve=float(b)).values
        zeros = jn_zeros(0, 8) / np.sqrt(b + 1.0)
        zeros = zeros[zeros < r[-1] - 2 * h]
        peaks = np.flatnonzero((t[1:-1] > t[:-2]) & (t[1:-1] > t[2:]) & (t[1:-1] < 0)) + 1
        for z in zeros:
            near = peaks[np.abs(r[peaks] - z) <= 2 * h]
            ok &= near.size == 1 and t[near[0]] > -0.2
    return bool(ok)


def _grid(ds):
    c = ds.concurrence.transpose("b", "r").values
    b, r = np.meshgrid(ds.b.values, ds.r.values, indexing="ij")
    return c, b, r


def _in_window(b, r):
    return (b <= 1.1 + 1e-9) & (r <= 2.0 + 1e-9)


def fig4c_min_in_window(ds) -> float:
    """Fig. 4(c): min C over Delta <= b <= 1.1 Delta, r <= 2 sqrt(As/Delta)."""
    c, b, r = _grid(ds)
    return float(c[_in_window(b, r)].min())


def fig4c_entangled_area_in_window(ds) -> float:
    """Fig. 4(c): the fraction of the entangled grid points (C > ZERO; uniform grid, so of the
    entangled area) of the plotted range b <= 1.3 Delta, r <= 6 that lies in the window
    Delta <= b <= 1.1 Delta, r <= 2 (1 if entanglement were found only there)."""
    c, b, r = _grid(ds)
    ent = c > ZERO
    return float(np.sum(ent & _in_window(b, r)) / np.sum(ent))


def fig4c_max_above_field_window(ds) -> float:
    """Fig. 4(c): max C over b > 1.1 Delta (all r), against the in-window minimum (returned
    as the ratio max_outside / min_inside; < 1 if C were weaker outside the window)."""
    c, b, r = _grid(ds)
    return float(c[b > 1.1 + 1e-9].max() / c[_in_window(b, r)].min())


def fig4c_min_at_b_equal_delta(ds) -> float:
    """Fig. 4(c): min_r C at b = Delta (entanglement persists at large separations)."""
    return float(at(ds.concurrence, b=1.0).min())


def fig4c_ratio_rises_with_field_from(ds) -> float:
    """Fig. 4(c): given that C is non-increasing in b at every r (else NaN), the smallest r at
    which |Gamma_a(r)|/Gamma_a(0) increases with b somewhere (inf if it decreases everywhere)."""
    c, _, r = _grid(ds)
    if np.any(np.diff(c, axis=0) > 1e-12):
        return float("nan")
    ar = np.abs(ds.absorption_ratio.transpose("b", "r").values)
    rises = np.diff(ar, axis=0) > 1e-12
    return float(r[1:][rises].min()) if rises.any() else np.inf


def fig4c_rise_with_r_at_b_equal_delta(ds) -> float:
    """Fig. 4(c): if C is largest at the smallest r for every b (else NaN), the largest increase
    of C with growing r at b = Delta, max over r1 < r2 of C(r2) - C(r1) (0 if monotone)."""
    c, _, _ = _grid(ds)
    if np.any(np.argmax(c, axis=1) != 0):
        return float("nan")
    row = at(ds.concurrence, b=1.0).values
    return float(np.max(np.maximum.accumulate(row[::-1])[::-1] - row))


def fig4c_no_entanglement_opposite_signs(ds) -> bool:
    """Fig. 4(c), T(0) < 0: C <= ZERO at every point with T(r) > 0 (False if there is none)."""
    c, _, _ = _grid(ds)
    t = ds.T_nonlocal.transpose("b", "r").values
    return bool(np.any(t > 0) and np.all(c[t > 0] <= ZERO))


def fig4c_weak_unless_absorption_nonlocal(ds) -> float:
    """Fig. 4(c), T(0), T(r) < 0: max C over |Gamma_a(r)|/Gamma_a(0) < 0.9, relative to max C."""
    c, _, _ = _grid(ds)
    ar = ds.absorption_ratio.transpose("b", "r").values
    return float(c[ar < 0.9].max() / c.max())


def fig4_mixed_with_singlet(ds) -> bool:
    """Fig. 4(c), T < 0: every entangled point has 0 < singlet fraction < 1 and p_uu + p_dd > 0."""
    return _mixed_with_singlet(ds, ("b", "r"))


def _contour_values(ds, level: float):
    """C and T(r) at the first r where |Gamma_a(r)|/Gamma_a(0) falls below ``level``, per b > Delta
    (linear interpolation in r between the two grid points)."""
    ratio = ds.absorption_ratio.transpose("b", "r").values
    fields = [ds[v].transpose("b", "r").values for v in ("concurrence", "T_nonlocal")]
    out = []
    for i in range(ratio.shape[0]):
        below = np.flatnonzero(ratio[i] < level)
        if below.size == 0 or below[0] == 0:
            continue
        j = below[0]
        x = (ratio[i, j - 1] - level) / (ratio[i, j - 1] - ratio[i, j])
        out.append([f[i, j - 1] + x * (f[i, j] - f[i, j - 1]) for f in fields])
    return np.asarray(out).T


def fig4c_spread_along_0999_contour(ds) -> float:
    """Fig. 4(c): max/min of C along the |Gamma_a(r)|/Gamma_a(0) = 0.999 contour.

    For each b > Delta the contour point is the first r where the ratio falls below 0.999;
    C is interpolated linearly in r there. 1 if C were determined by the ratio alone."""
    c, _ = _contour_values(ds, 0.999)
    return float(c.max() / c.min())


def fig4c_spread_along_099_contour(ds) -> float:
    """Fig. 4(b,c): max/min of C along the |Gamma_a(r)|/Gamma_a(0) = 0.99 contour, where the
    absorption ratio is fixed and k_B T(r)/Delta varies (NaN if T(r) varies by less than 0.05
    there); 1 if C were insensitive to T(r) at fixed ratio."""
    c, t = _contour_values(ds, 0.99)
    return float(c.max() / c.min()) if t.max() - t.min() >= 0.05 else float("nan")
