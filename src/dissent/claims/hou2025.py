"""Claims of hou2025 about its figures, each ``fn(ds) -> float | bool``."""

from __future__ import annotations

import numpy as np
from scipy.special import jn_zeros

from .common import at, scalar


def _fig1(ds):
    c = ds.concurrence.transpose("T_local", "T_nonlocal").values
    t0, tr = np.meshgrid(ds.T_local.values, ds.T_nonlocal.values, indexing="ij")
    return c, t0, tr


def fig1_concurrence_where_Tr_not_below_T0(ds) -> float:
    """Fig. 1(b): max C over the physical points with T(r) >= T(0)."""
    c, t0, tr = _fig1(ds)
    return float(np.nanmax(c[tr >= t0 - 1e-12]))


def fig1_T0_of_maximum(ds) -> float:
    """Fig. 1(b): the local temperature k_B T(0)/Delta at which C is largest."""
    c, t0, _ = _fig1(ds)
    return float(t0.ravel()[np.nanargmax(c)])


def fig1_concurrence_above_08(ds) -> float:
    """Fig. 1(b): max C for k_B T(0)/Delta > 0.8 (a low-temperature effect)."""
    c, t0, _ = _fig1(ds)
    return float(np.nanmax(c[t0 > 0.8]))


def _fig3_cmax(ds):
    return ds.concurrence.transpose("ratio", "T_local").max("T_local", skipna=True)


def fig3_no_entanglement_below_02(ds) -> float:
    """Fig. 3: max C at k_B T(0)/Delta <= 0.2 = k_B T(r)/Delta, over all ratios."""
    c = ds.concurrence.where(ds.T_local <= 0.2 + 1e-12)
    return float(np.nan_to_num(c.max(skipna=True)))


def fig3_magnitude_set_by_ratio(ds) -> bool:
    """Fig. 3: max_T(0) C grows with |Gamma_e(r)|/Gamma_e(0)."""
    return bool(np.all(np.diff(_fig3_cmax(ds).values) > 0))


def fig3_substantial_above_09(ds) -> bool:
    """Fig. 3: max C < 0.01 at ratio 0.8, < 0.1 at 0.9, > 0.25 at 0.99."""
    c = _fig3_cmax(ds)
    return bool(
        scalar(at(c, ratio=0.8)) < 0.01
        and scalar(at(c, ratio=0.9)) < 0.1
        and scalar(at(c, ratio=0.99)) > 0.25
    )


def fig4_local_temperature(ds) -> float:
    """Fig. 4 caption: k_B T(0)/Delta = 1/(2 ln|lambda_1/lambda_-1|)."""
    return float(np.unique(np.round(ds.T_local.values, 12))[0])


def fig4a_absorption_longer_range(ds) -> bool:
    """Fig. 4(a): k(-Delta) < k(Delta), and omega(k) crosses +-Delta there."""
    return bool(float(ds.k_absorption) < float(ds.k_emission))


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


def _window(ds):
    c = ds.concurrence.transpose("b", "r")
    b, r = np.meshgrid(ds.b.values, ds.r.values, indexing="ij")
    return c.values, b, r


def fig4c_min_in_window(ds) -> float:
    """Fig. 4(c): min C over Delta <= b <= 1.1 Delta, r <= 2 sqrt(As/Delta)."""
    c, b, r = _window(ds)
    return float(c[(b <= 1.1 + 1e-9) & (r <= 2.0 + 1e-9)].min())


def fig4c_max_outside_window(ds) -> float:
    """Fig. 4(c): max C over b >= 1.1 Delta with r >= 2, and over b >= 1.2 Delta."""
    c, b, r = _window(ds)
    return float(max(c[(b >= 1.1 - 1e-9) & (r >= 2.0 - 1e-9)].max(), c[b >= 1.2 - 1e-9].max()))


def fig4c_min_at_b_equal_delta(ds) -> float:
    """Fig. 4(c): min_r C at b = Delta (entanglement persists at large separations)."""
    return float(at(ds.concurrence, b=1.0).min())


def fig4c_decreases_with_b(ds) -> bool:
    """Fig. 4(c): C decreases with b at every r ("for larger external field ... as does C")."""
    c = ds.concurrence.transpose("b", "r").values
    return bool(np.all(np.diff(c, axis=0) <= 1e-12))


def fig4c_spread_along_0999_contour(ds) -> float:
    """Fig. 4(c): max/min of C along the |Gamma_a(r)|/Gamma_a(0) = 0.999 contour.

    For each b > Delta the contour point is the first r where the ratio falls below 0.999;
    C is interpolated linearly in r there. 1 if C were determined by the ratio alone."""
    ratio = ds.absorption_ratio.transpose("b", "r").values
    c = ds.concurrence.transpose("b", "r").values
    values = []
    for i in range(ratio.shape[0]):
        below = np.flatnonzero(ratio[i] < 0.999)
        if below.size == 0 or below[0] == 0:
            continue
        j = below[0]
        x = (ratio[i, j - 1] - 0.999) / (ratio[i, j - 1] - ratio[i, j])
        values.append(c[i, j - 1] + x * (c[i, j] - c[i, j - 1]))
    values = np.asarray(values)
    return float(values.max() / values.min())
