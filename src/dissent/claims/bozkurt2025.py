"""Claims of bozkurt2025 about its figures, each ``fn(ds) -> float | bool``."""

from __future__ import annotations

import numpy as np

from .common import at, scalar

UP_COUNT = {"up": 1, "down": 0, "uu": 2, "ud": 1, "du": 1, "dd": 0}


def fig2_unitarity_error(ds) -> float:
    """Eq. (7): the stored ||S^dagger S - 1|| of the three-particle scattering matrix."""
    return float(np.max(ds.unitarity_error.values))


def fig2_spin_nonconserving_amplitude(ds) -> float:
    """Eq. (8): max |<sigma' j'|S|down j>| over transitions that change the number of up spins."""
    amp = np.hypot(ds.S_real, ds.S_imag).transpose(..., "sigma_out", "j_out", "j_in").values
    ups_out = np.add.outer(
        [UP_COUNT[s] for s in ds.sigma_out.values], [UP_COUNT[j] for j in ds.j_out.values]
    )
    ups_in = np.array([UP_COUNT[j] for j in ds.j_in.values])  # electron in |down>
    changes = ups_out[:, :, None] != ups_in[None, None, :]
    return float(np.max(amp[..., changes]))


def fig3_eq22_fidelity_deficit(ds) -> float:
    """1 - min_T (fidelity of the phi = varphi steady state with Eq. (22)), and its impurity."""
    return float(max(1 - ds.fidelity_eq22.min(), 1 - ds.purity_optimal.min()))


def fig3_eq23_is_square_error(ds) -> float:
    """max_T |C_optimal^2 - 4T/(1+T)^2|: Eq. (23) is the square of the Wootters concurrence."""
    T = ds["T"].values
    return float(np.max(np.abs(ds.concurrence_optimal.values**2 - 4 * T / (1 + T) ** 2)))


def fig3_optimal_line_maximises(ds) -> bool:
    """On every T row of the (T, phi) grid, C <= C(phi = varphi) (to 1e-7)."""
    c = ds.concurrence.transpose("T", "phi").values
    return bool(np.all(c.max(axis=1) <= ds.concurrence_optimal.values + 1e-7))


def fig3_phi_zero_model_behaviour(ds) -> bool:
    """phi = 0: C > 0.3 somewhere for T <= 0.15 and C < 1e-9 for every T >= 0.45 (the model)."""
    c = at(ds.concurrence, phi=0.0)
    T = c["T"].values
    return bool(c.values[T <= 0.15].max() > 0.3 and np.all(c.values[T >= 0.45] < 1e-9))


def fig3_purity_one_only_on_optimal_line(ds) -> bool:
    """Purity 1 on phi = varphi; below 1 - 1e-6 at every grid point further than 0.1 rad from it
    (as T -> 0 every phi tends to a nearly pure state: 0.99995 at T = 0.0025)."""
    p = ds.purity.transpose("T", "phi").values
    far = np.abs(ds.phi.values[None, :] - ds.varphi.values[:, None]) > 0.1
    return bool(ds.purity_optimal.min() > 1 - 1e-9 and p[far].max() < 1 - 1e-6)


def fig3_spin_current_on_optimal_line(ds) -> float:
    """max_T |Delta I_z| on phi = varphi (hbar f_col): the dark state exchanges no spin."""
    return float(np.max(np.abs(ds.spin_current_optimal.values)))


def fig3_spin_current_nonnegative(ds) -> bool:
    """Delta I_z >= 0 on the whole grid, so phi = varphi (Delta I_z = 0) minimises it."""
    return bool(ds.spin_current.min() > -1e-12)


def _half_rate(c: np.ndarray, rate: np.ndarray) -> float:
    """The rate (log-interpolated) at which C falls to half its smallest-rate value."""
    half = c[0] / 2
    i = int(np.argmax(c < half))
    x = np.interp(half, [c[i], c[i - 1]], np.log10([rate[i], rate[i - 1]]))
    return float(10**x)


def fig5_threshold_decreases_with_T(ds) -> bool:
    """(a), (b): the relaxation and dephasing rates that halve C decrease as T -> 1."""
    ok = True
    for var, rate in (
        ("concurrence_relax", "gamma_relax"),
        ("concurrence_dephase", "gamma_dephase"),
    ):
        c = ds[var].transpose("T", rate).values
        thresholds = [_half_rate(row, ds[rate].values) for row in c]
        ok &= bool(np.all(np.diff(thresholds) < 0))
    return ok


def fig5_largest_decrease_per_collision(ds) -> float:
    """(c): the largest drop of C from one collision to the next, over all T of the figure."""
    c = ds.concurrence_n.transpose("T", "n").values
    return float(max(0.0, -np.diff(c, axis=1).min()))


def fig5_upup_oscillates_early(ds) -> bool:
    """(c): p(up up) goes up and down in the first collisions at the smallest T."""
    p = ds.p_upup_n.transpose("T", "n").values[0, 1:8]
    d = np.diff(p)
    return bool(np.any(d > 0) and np.any(d < 0))


def fig5_half_time_grows_with_T(ds) -> bool:
    """(c), (d): the collisions needed to reach half the converged C (an integer) never
    decrease with T and grow over the range."""
    n = ds.n_half.values
    return bool(np.all(np.diff(n) >= 0) and n[-1] > n[0])


def fig5_half_time_slope(ds) -> float:
    """(d): d ln n_half / d ln(1 - T) between T = 0.8 and 0.9 (text: -2)."""
    n8, n9 = (scalar(at(ds.n_half, T_half=t)) for t in (0.8, 0.9))
    return float(np.log(n9 / n8) / np.log(0.1 / 0.2))


def fig5_converged_concurrence_T09(ds) -> float:
    """(d): converged concurrence at phi = varphi, T = 0.9 (steady state, Wootters)."""
    return scalar(at(ds.concurrence_converged, T_half=0.9))


def fig6_fully_incoherent_concurrence(ds) -> float:
    """max_T C at p_U = 0.5."""
    return float(at(ds.concurrence, p_U=0.5).max())


def fig6_decreases_with_p_U(ds) -> bool:
    """C(p_U, T) does not increase with p_U at any T."""
    c = ds.concurrence.transpose("p_U", "T").values
    return bool(np.all(np.diff(c, axis=0) <= 1e-12))


def fig7_T1_zero_concurrence(ds) -> float:
    """max_T2 C(T1 = 0, T2)."""
    return float(at(ds.concurrence, T1=0.0).max())


def fig7_T2_zero_error(ds) -> float:
    """max over 0 < T1 < 1 of |C(T1, T2 = 0) - 2 sqrt(T1 (1 - T1))/(1 + T1)| (sqrt of Eq. B6)."""
    c = at(ds.concurrence, T2=0.0)
    T = c.T1.values
    inner = (T > 0) & (T < 1)
    return float(np.max(np.abs(c.values[inner] - 2 * np.sqrt(T * (1 - T))[inner] / (1 + T[inner]))))


def fig7_wide_range(ds) -> bool:
    """C > 0 at every interior grid point and C >= 0.1 on at least 80 % of them."""
    c = ds.concurrence.transpose("T1", "T2").values[1:-1, 1:-1]
    return bool(np.all(c > 0) and np.mean(c >= 0.1) >= 0.8)


def fig8_symmetric_optimum_error(ds) -> float:
    """T1 = T2 in (0, 1): max deviation of the optimal fields from (pi/2, pi/2, varphi, pi, pi)."""
    T = ds.T1.values
    inner = (T > 0) & (T < 1)
    varphi = -np.arctan(np.sqrt((1 - T) / np.where(T > 0, T, 1)))
    ref = {"theta1": np.pi / 2, "theta2": np.pi / 2, "delta_phi": varphi, "omega1": np.pi}
    ref["omega2"] = np.pi
    err = 0.0
    for name, value in ref.items():
        diag = np.diag(ds[name].transpose("T1", "T2").values)
        err = max(err, float(np.max(np.abs(diag - value)[inner])))
    return err
