"""Claims of bozkurt2025 about its figures, each ``fn(ds) -> float | bool``."""

from __future__ import annotations

import numpy as np

from ..models import bozkurt2025 as model
from .common import at, scalar

UP_COUNT = {"up": 1, "down": 0, "uu": 2, "ud": 1, "du": 1, "dd": 0}


FLIP = {"up": "down", "down": "up", "uu": "dd", "ud": "du", "du": "ud", "dd": "uu"}
PAULI = {
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]]),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
}
SPIN_1 = {"up": 0, "down": 1}


def full_scattering_matrix(ds) -> np.ndarray:
    """The 8x8 three-particle S in the basis electron (x) qubit 1 (x) qubit 2 (up = index 0):
    the stored block <sigma' j'|S|down j> (Fig. 2) and, by the caption's spin-flip symmetry,
    <sigma' j'|S|up j> = <flip sigma' flip j'|S|down flip j>."""
    block = (ds.S_real + 1j * ds.S_imag).transpose(..., "sigma_out", "j_out", "j_in")
    block = block.values.reshape(block.shape[-3:])  # the figure's single (T1, T2)
    sig, jo, ji = (list(ds[d].values) for d in ("sigma_out", "j_out", "j_in"))

    def index(sigma, j):
        return (
            4 * SPIN_1[sigma]
            + 2 * SPIN_1["up" if j[0] == "u" else "down"]
            + SPIN_1["up" if j[1] == "u" else "down"]
        )

    S = np.zeros((8, 8), dtype=complex)
    for a, so in enumerate(sig):
        for b, jout in enumerate(jo):
            for c, jin in enumerate(ji):
                S[index(so, jout), index("down", jin)] = block[a, b, c]
                flipped = block[sig.index(FLIP[so]), jo.index(FLIP[jout]), ji.index(FLIP[jin])]
                S[index(so, jout), index("up", jin)] = flipped
    return S


def fig2_unitarity_error(ds) -> float:
    """Eq. (7): max(|S^dagger S - 1|, |S S^dagger - 1|) of the full S built from Fig. 2's block
    and the spin-flip symmetry of its caption."""
    S = full_scattering_matrix(ds)
    one = np.eye(8)
    return float(max(np.abs(S.conj().T @ S - one).max(), np.abs(S @ S.conj().T - one).max()))


def fig2_spin_conservation_error(ds) -> float:
    """Eq. (8): max over x, y, z of |S^dagger (tau + sigma_1 + sigma_2) S - (tau + sigma_1 +
    sigma_2)| for the full S (Fig. 2's block and the caption's spin-flip symmetry)."""
    S = full_scattering_matrix(ds)
    one = np.eye(2)
    err = 0.0
    for p in PAULI.values():
        total = np.kron(np.kron(p, one), one) + np.kron(np.kron(one, p), one)
        total = total + np.kron(np.kron(one, one), p)
        err = max(err, float(np.abs(S.conj().T @ total @ S - total).max()))
    return err


def fig2_first_column_entangled(ds) -> float:
    """First column of Fig. 2 (qubits |uu>, electron |down>): the concurrence of the qubits'
    state given that the electron left flipped, 2|a b|/(|a|^2 + |b|^2) with a, b the amplitudes
    <up ud|S|down uu>, <up du|S|down uu> (0 unless a superposition of |ud> and |du>)."""
    S = full_scattering_matrix(ds)
    a, b = S[1, 4 * 1 + 0], S[2, 4 * 1 + 0]  # electron up with qubits ud / du, from |down uu>
    return float(2 * abs(a * b) / (abs(a) ** 2 + abs(b) ** 2))


def fig3_eq22_fidelity_deficit(ds) -> float:
    """On phi = varphi: max over T of 1 - fidelity with Eq. (22) and 1 - purity; inf unless the
    steady state is unique (kernel dimension 1) at every T."""
    if not np.all(ds.kernel_dim_optimal.values == 1):
        return float("inf")
    return float(max(1 - ds.fidelity_eq22.min(), 1 - ds.purity_optimal.min()))


def fig3_eq23_deviation(ds) -> float:
    """max_T |C(phi = varphi) - 4T/(1+T)^2|: our (Wootters) concurrence against Eq. (23)."""
    T = ds["T"].values
    return float(np.max(np.abs(ds.concurrence_optimal.values - 4 * T / (1 + T) ** 2)))


def fig3_eq23_tangle_error(ds) -> float:
    """max_T |C(phi = varphi)^2 - 4T/(1+T)^2| (the stored tangle): Eq. (23) is C squared."""
    T = ds["T"].values
    return float(np.max(np.abs(ds.tangle_optimal.values - 4 * T / (1 + T) ** 2)))


def fig3_nearly_maximal_weak(ds) -> float:
    """C(phi = varphi) at the largest T of the grid (0.9975 full, 0.975 quick); NaN unless
    C(phi = varphi) grows with T on the whole line."""
    c = ds.concurrence_optimal.values
    return float(c[-1]) if np.all(np.diff(c) > 0) else float("nan")


def fig3_exceeds_one_half(ds) -> float:
    """max_T C(phi = varphi), to compare with the C = 1/2 of Refs. [66, 67]."""
    return float(ds.concurrence_optimal.max())


def fig3_timing_noise(ds) -> float:
    """Sec. V: max over the T of the line phi = varphi of |delta C|/C when both Larmor angles
    Omega_n/f_col = pi are changed to pi (1 +- 1e-3) (a change delta f_col/f_col = -+1e-3 of the
    collision frequency moves both alike). C recomputed by the model's steady state from the
    stored fields (16)-(18); the stored C(phi = varphi) is the reference."""

    T = ds["T"].values
    c0 = ds.concurrence_optimal.values
    worst = 0.0
    for eps in (1e-3, -1e-3):
        om = np.full_like(T, np.pi * (1 + eps))
        x = np.stack([np.full_like(T, np.pi / 2), np.full_like(T, np.pi / 2), ds.varphi.values,
                      om, om], -1)  # fmt: skip
        c = np.maximum(model.objective(x, model.collision_transfer(T, T)), 0.0)
        worst = max(worst, float(np.max(np.abs(c - c0) / c0)))
    return worst


def fig3_optimal_line_maximises(ds) -> bool:
    """On every T row of the (T, phi) grid, C <= C(phi = varphi) (to 1e-7)."""
    c = ds.concurrence.transpose("T", "phi").values
    return bool(np.all(c.max(axis=1) <= ds.concurrence_optimal.values + 1e-7))


def fig3_phi_zero_ratio(ds) -> float:
    """max over 0 < T < 0.5 of C(phi = 0)/C(phi = varphi) (the text: 0 there, 'drastically
    weaker'); the same ratio of tangles is its square."""
    c = at(ds.concurrence, phi=0.0)
    T = c["T"].values
    below = (T > 0) & (T < 0.5)
    return float(np.max(c.values[below] / ds.concurrence_optimal.values[below]))


def fig3_phi_zero_tangle_below_half(ds) -> float:
    """max over 0 < T < 0.5 of the tangle C^2 at phi = 0 (the paper's printed convention)."""
    c = at(ds.tangle, phi=0.0)
    T = c["T"].values
    return float(c.values[(T > 0) & (T < 0.5)].max())


def fig3_phi_zero_above_half(ds) -> float:
    """max over T >= 0.5 of C at phi = 0."""
    c = at(ds.concurrence, phi=0.0)
    return float(c.values[c["T"].values >= 0.5].max())


def fig3_purity_one_only_on_optimal_line(ds) -> bool:
    """Purity 1 on phi = varphi; below 1 - 1e-6 at every grid point further than 0.1 rad from it
    (as T -> 0 every phi tends to a nearly pure state: 0.99995 at T = 0.0025)."""
    p = ds.purity.transpose("T", "phi").values
    far = np.abs(ds.phi.values[None, :] - ds.varphi.values[:, None]) > 0.1
    return bool(ds.purity_optimal.min() > 1 - 1e-9 and p[far].max() < 1 - 1e-6)


def fig3_spin_current_on_optimal_line(ds) -> float:
    """max_T |Delta I_z| on phi = varphi (hbar f_col): the dark state exchanges no spin."""
    return float(np.max(np.abs(ds.spin_current_optimal.values)))


def fig3_spin_current_minimum_at_varphi(ds) -> bool:
    """Delta I_z >= 0 on the whole grid, > 0 further than 0.1 rad from phi = varphi, and on every
    T row its minimum over phi is at the grid point nearest varphi: minimising it tunes phi."""
    dI = ds.spin_current.transpose("T", "phi").values
    phi, varphi = ds.phi.values, ds.varphi.values
    far = np.abs(phi[None, :] - varphi[:, None]) > 0.1
    nearest = np.abs(phi[np.argmin(dI, axis=1)] - varphi) <= (phi[1] - phi[0]) / 2 + 1e-12
    return bool(dI.min() > -1e-12 and dI[far].min() > 0 and np.all(nearest))


RATES = (("concurrence_relax", "gamma_relax"), ("concurrence_dephase", "gamma_dephase"))


def _thresholds(ds, var, rate) -> np.ndarray:
    """Per T: the smallest decoherence rate of the grid with C = 0 (inf if none): entanglement
    ends between it and the grid rate below."""
    c = ds[var].transpose("T", rate).values
    dead = c <= 1e-12
    return np.where(dead.any(axis=1), ds[rate].values[np.argmax(dead, axis=1)], np.inf)


def fig5_threshold_decreases_with_T(ds) -> bool:
    """(a), (b): the decoherence rate at which the steady state stops being entangled (first
    grid rate with C = 0) is finite for every T, never increases with T and is lower at the
    largest T than at the smallest, for relaxation and dephasing."""
    ok = True
    for var, rate in RATES:
        th = _thresholds(ds, var, rate)
        ok &= bool(np.all(np.isfinite(th)) and np.all(np.diff(th) <= 0) and th[-1] < th[0])
    return ok


def fig5_persists_slow_decoherence(ds) -> bool:
    """(a), (b): C > 0 at every T and every grid rate <= 1e-3 f_col, relaxation and dephasing."""
    ok = True
    for var, rate in RATES:
        c = ds[var].transpose("T", rate).values[:, ds[rate].values <= 1e-3 * (1 + 1e-9)]
        ok &= bool(c.size and np.all(c > 0))
    return ok


def fig5_smallest_killing_rate(ds) -> float:
    """(a), (b): the smallest decoherence rate (units of f_col) on the grid at which C = 0, over
    all T and both channels (the abstract: entanglement persists for rates below f_col)."""
    return float(min(np.min(_thresholds(ds, var, rate)) for var, rate in RATES))


def fig5_largest_decrease_per_collision(ds) -> float:
    """(c): the largest drop from one collision to the next of C or of the tangle C^2, over all
    T and n of the figure."""
    drops = [-np.diff(ds[v].transpose("T", "n").values, axis=1).min() for v in ("concurrence_n",
             "tangle_n")]  # fmt: skip
    return float(max(0.0, *drops))


def fig5_upup_anticorrelated(ds) -> float:
    """(c), T = 0.3: correlation coefficient of the per-collision changes of C and of p(up up)
    over collisions 1-11 (NaN unless p(up up) goes up and down there)."""
    c = ds.concurrence_n.sel(T=0.3).values[1:12]
    p = ds.p_upup_n.sel(T=0.3).values[1:12]
    dp = np.diff(p)
    if not (np.any(dp > 0) and np.any(dp < 0)):
        return float("nan")
    return float(np.corrcoef(np.diff(c), dp)[0, 1])


def fig5_oscillation_less_pronounced(ds) -> bool:
    """(c): the first swing of p(up up), |p(2) - p(1)|, decreases strictly with T."""
    p = ds.p_upup_n.transpose("T", "n")
    swing = np.abs(p.sel(n=2).values - p.sel(n=1).values)
    return bool(np.all(np.diff(swing) < 0))


def fig5_half_time_grows_with_T(ds) -> bool:
    """(c), (d): the collisions needed to reach half the converged C, and half the converged C^2,
    never decrease with T and grow over the range."""
    ok = True
    for v in ("n_half", "n_half_tangle"):
        n = ds[v].values
        ok &= bool(np.all(np.diff(n) >= 0) and n[-1] > n[0])
    return ok


def fig5_half_time_slope(ds) -> float:
    """(d): d ln n_half / d ln(1 - T) between T = 0.8 and 0.9 (text: -2)."""
    n8, n9 = (scalar(at(ds.n_half, T_half=t)) for t in (0.8, 0.9))
    return float(np.log(n9 / n8) / np.log(0.1 / 0.2))


def fig5_half_time_T09(ds) -> float:
    """(d): collisions to reach half the converged C at T = 0.9, i.e. ns at f_col = 1 GHz."""
    return scalar(at(ds.n_half, T_half=0.9))


def fig5_converged_concurrence_T09(ds) -> float:
    """(d): converged concurrence at phi = varphi, T = 0.9 (steady state, Wootters); NaN unless
    half of it is reached within a factor 3 of (1 - T)^-2 = 100 collisions (100 ns at 1 GHz)."""
    n = scalar(at(ds.n_half, T_half=0.9))
    c = scalar(at(ds.concurrence_converged, T_half=0.9))
    return c if 100 / 3 <= n <= 300 else float("nan")


def fig6_fully_incoherent_concurrence(ds) -> float:
    """max_T C at p_U = 0.5."""
    return float(at(ds.concurrence, p_U=0.5).max())


def fig6_decreases_with_p_U(ds) -> bool:
    """C(p_U, T) does not increase with p_U at any T."""
    c = ds.concurrence.transpose("p_U", "T").values
    return bool(np.all(np.diff(c, axis=0) <= 1e-12))


def _c7(ds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(C (T1, T2), T1, T2) of figs. 7/8."""
    return ds.concurrence.transpose("T1", "T2").values, ds.T1.values, ds.T2.values


def fig7_T1_zero_concurrence(ds) -> float:
    """max_T2 C(T1 = 0, T2)."""
    return float(at(ds.concurrence, T1=0.0).max())


def fig7_T2_zero_error(ds) -> float:
    """max over 0 < T1 < 1 of |C(T1, T2 = 0) - 2 sqrt(T1 (1 - T1))/(1 + T1)| (sqrt of Eq. B6)."""
    c = at(ds.concurrence, T2=0.0)
    T = c.T1.values
    inner = (T > 0) & (T < 1)
    return float(np.max(np.abs(c.values[inner] - 2 * np.sqrt(T * (1 - T))[inner] / (1 + T[inner]))))


def fig7_wide_range(ds) -> float:
    """Fraction of the interior grid points (0 < T1, T2 < 1) with C >= 0.1."""
    c = _c7(ds)[0][1:-1, 1:-1]
    return float(np.mean(c >= 0.1))


def fig7_entangled_fraction(ds) -> float:
    """Fraction of the interior grid points (0 < T1, T2 < 1) with an entangled steady state
    (C > 1e-6)."""
    return float(np.mean(_c7(ds)[0][1:-1, 1:-1] > 1e-6))


def fig7_maximum_weak_symmetric(ds) -> bool:
    """The largest C over T1, T2 < 1 lies on the diagonal T1 = T2 at the largest T < 1 of the
    grid (the weakest collisions)."""
    c, T1, T2 = _c7(ds)
    inner = np.where((T1[:, None] < 1) & (T2[None, :] < 1), c, -1.0)
    i, j = np.unravel_index(np.argmax(inner), c.shape)
    return bool(i == j and T1[i] == T1[T1 < 1].max())


def fig7_weak_collision_lines(ds) -> float:
    """C on the lines T1 = T_w and T2 = T_w, T_w the largest T < 1 of the grid (0.975 full),
    away from the diagonal (|T1 - T2| >= 0.2): the smaller of the two lines' maxima."""
    c, T1, T2 = _c7(ds)
    i, j = (int(np.argmax(np.where(T < 1, T, -1))) for T in (T1, T2))
    row = c[i, np.abs(T2 - T1[i]) >= 0.2 - 1e-9]
    col = c[np.abs(T1 - T2[j]) >= 0.2 - 1e-9, j]
    return float(min(row.max(), col.max()))


def _fields(ds) -> dict[str, np.ndarray]:
    return {n: ds[n].transpose("T1", "T2").values for n in FIELDS}


FIELDS = ("theta1", "theta2", "delta_phi", "omega1", "omega2")


def _reference(T1, T2) -> dict[str, np.ndarray]:
    """Sec. IV A's fields for (T1, T2): pi/2, pi/2, (varphi1 + varphi2)/2, pi, pi (FM)."""
    vp = [-np.arctan(np.sqrt((1 - T) / np.where(T > 0, T, 1))) for T in (T1, T2)]
    half, full = np.full_like(T1, np.pi / 2), np.full_like(T1, np.pi)
    return dict(zip(FIELDS, (half, half, (vp[0] + vp[1]) / 2, full, full), strict=True))


def fig8_diagonal_optimum_error(ds) -> float:
    """T1 = T2 in (0, 1): max deviation (rad) of the optimal fields from Sec. IV A's
    (pi/2, pi/2, varphi, pi, pi): both fields perpendicular to the electron spin, Omega = pi
    f_col, and their angles differing by the forward-scattering phase."""
    T = ds.T1.values
    inner = (T > 0) & (T < 1)
    ref = _reference(T, T)
    fields = _fields(ds)
    return float(max(np.max(np.abs(np.diag(fields[n]) - ref[n])[inner]) for n in FIELDS))


def fig8_near_diagonal_loss(ds) -> float:
    """Points one grid step off the diagonal (|T1 - T2| = 0.025 on the full grid), 0 < T < 1:
    the largest loss of C when Sec. IV A's fields (pi/2, pi/2, (varphi1 + varphi2)/2, pi, pi)
    replace the optimal ones; C at those fields recomputed by the model's steady state."""

    c, T1, T2 = _c7(ds)
    A, B = np.meshgrid(T1, T2, indexing="ij")
    step = T1[1] - T1[0]
    sel = (A > 0) & (A < 1) & (B > 0) & (B < 1) & np.isclose(np.abs(A - B), step)
    x = model.reference_fields(A[sel], B[sel])
    c_ref = np.maximum(model.objective(x, model.collision_transfer(A[sel], B[sel])), 0.0)
    return float(np.max(c[sel] - c_ref))


def fig8_T2_zero_fields(ds) -> bool:
    """T2 = 0, 0 < T1 < 1: the optimal Omega1 and theta1 are pi f_col and pi/2 (to 1e-2 rad; the
    optimum is flat to second order), setting them exactly there (other fields as stored) gives
    C at least the stored optimum - 1e-7 (the model's steady state; Wootters' square roots of
    eigenvalues at round-off, ~1e-16, limit C to ~1e-8), and the optimum is flagged
    not unique (B2 is free: polished optima with other B2 give the same C)."""
    T1 = ds.T1.values
    j = int(np.argmin(np.abs(ds.T2.values)))
    inner = (T1 > 0) & (T1 < 1)
    f = {n: v[inner, j] for n, v in _fields(ds).items()}
    near = np.all(np.abs(f["omega1"] - np.pi) < 1e-2) and np.all(
        np.abs(f["theta1"] - np.pi / 2) < 1e-2
    )
    x = np.stack([np.full(inner.sum(), np.pi / 2), f["theta2"], f["delta_phi"],
                  np.full(inner.sum(), np.pi), f["omega2"]], -1)  # fmt: skip
    RS = model.collision_transfer(T1[inner], np.zeros(inner.sum()))
    c_exact = np.maximum(model.objective(x, RS), 0.0)
    c = ds.concurrence.transpose("T1", "T2").values[inner, j]
    unique = ds.optimum_unique.transpose("T1", "T2").values[inner, j]
    return bool(near and np.all(c_exact >= c - 1e-7) and np.all(unique == 0))


def fig8_ties_at_the_edges(ds) -> bool:
    """Appendix D: every point of the edges T1 = 0 and T2 = 0 (0 <= T < 1) has non-unique optimal
    fields (several polished optima with the same C), and at least 98 % of the interior points
    (0 < T1, T2 < 1) have unique ones."""
    u = ds.optimum_unique.transpose("T1", "T2").values
    edges = np.all(u[0, :-1] == 0) and np.all(u[:-1, 0] == 0)
    return bool(edges and np.mean(u[1:-1, 1:-1] == 1) >= 0.98)


def _steady_c(T1, T2, fields, interaction="ferro") -> np.ndarray:
    """Wootters C of the model's steady state for fields (theta1, phi1, omega1, theta2, phi2,
    omega2), arrays over points."""
    rho, _ = model.steady_state(model.period_map(T1, T2, *fields, interaction=interaction))
    return model.concurrence(rho)


def _fig7_sample(ds, n: int = 10):
    """(T1, T2, theta1, theta2, delta_phi, omega1, omega2) at up to n x n interior grid points
    (evenly spaced indices)."""
    T1, T2 = ds.T1.values, ds.T2.values
    pick = [np.unique(np.linspace(1, len(T) - 2, min(n, len(T) - 2)).round().astype(int))
            for T in (T1, T2)]  # fmt: skip
    i, j = (g.ravel() for g in np.meshgrid(*pick, indexing="ij"))
    f = _fields(ds)
    return (T1[i], T2[j], *(f[name][i, j] for name in FIELDS))


def fig7_azimuth_difference(ds) -> float:
    """Sec. IV B: with the optimal fields of Fig. 8 at up to 10 x 10 interior points, max |C|
    change when both azimuths are turned by 0.7 or 2.3 rad (phi1 = a, phi2 = a + delta_phi);
    C by the model's steady state."""
    T1, T2, th1, th2, dphi, om1, om2 = _fig7_sample(ds)
    c0 = _steady_c(T1, T2, (th1, 0.0, om1, th2, dphi, om2))
    return float(max(np.max(np.abs(_steady_c(T1, T2, (th1, a, om1, th2, a + dphi, om2)) - c0))
                     for a in (0.7, 2.3)))  # fmt: skip


def fig7_antiferro_mapping(ds) -> float:
    """Sec. IV B: at up to 10 x 10 interior points, max |C_AFM(pi - theta_n, -phi_n, Omega_n) -
    C_FM(theta_n, phi_n, Omega_n)| for the optimal fields of Fig. 8 (the model's steady state)."""
    T1, T2, th1, th2, dphi, om1, om2 = _fig7_sample(ds)
    fm = _steady_c(T1, T2, (th1, 0.0, om1, th2, dphi, om2))
    afm = _steady_c(T1, T2, (np.pi - th1, 0.0, om1, np.pi - th2, -dphi, om2), "antiferro")
    return float(np.max(np.abs(afm - fm)))


def fig3_antiferro_mapping(ds) -> float:
    """Sec. IV A: on every 4th (T, phi) point of Fig. 3, max over C and the spin current Delta I
    of |AFM value at -phi - FM value at phi| (FM: the figure's data; AFM: the model's steady
    state with Eqs. (16)-(18) at -phi); the AFM optimum is then at phi = varphi_AFM = -varphi."""
    c = ds.concurrence.transpose("T", "phi")[::4, ::4]
    dI = ds.spin_current.transpose("T", "phi")[::4, ::4]
    T, phi = np.meshgrid(c["T"].values, c.phi.values, indexing="ij")
    fields = model.symmetric_fields(-phi.ravel())
    M = model.period_map(T.ravel(), T.ravel(), *fields, interaction="antiferro")
    rho, _ = model.steady_state(M)
    smap = model.collision_map(model.three_particle_s(T.ravel(), T.ravel(), "antiferro"),
                               model.electron_state(0.0))  # fmt: skip
    c_afm = model.concurrence(rho).reshape(T.shape)
    dI_afm = model.spin_current_change(rho, smap).reshape(T.shape)
    return float(max(np.max(np.abs(c_afm - c.values)), np.max(np.abs(dI_afm - dI.values))))


def fig4_phi_zero_ensemble(ds) -> float:
    """phi = 0, weak collisions (T >= 0.5 of Fig. 3's grid): the largest purity of the steady
    state (1 for a pure state, 1/4 for the fully mixed one); NaN unless C = 0 at every such T."""
    p, c = (at(ds[v], phi=0.0) for v in ("purity", "concurrence"))
    weak = p["T"].values >= 0.5
    return float(p.values[weak].max()) if np.all(c.values[weak] < 1e-12) else float("nan")


def fig2_collisions_polarize(ds) -> bool:
    """Sec. III A (no fields, no baths): repeated collisions of |down> electrons with the qubits
    in |uu>, the map rho -> sum_s B_s rho B_s^dagger with B_s = <s|S|down> from Fig. 2's block:
    C > 0.1 after the first collision, and after 2000 collisions the qubits are in |dd> (weight
    > 1 - 1e-9)."""
    S = full_scattering_matrix(ds)
    blocks = [S[4 * s : 4 * s + 4, 4:8] for s in (0, 1)]  # <s|S|down>, qubit indices uu..dd
    rho = np.zeros((4, 4), dtype=complex)
    rho[0, 0] = 1.0
    first = None
    for n in range(2000):
        rho = sum(b @ rho @ b.conj().T for b in blocks)
        if n == 0:
            first = float(model.concurrence(rho))
    return bool(first > 0.1 and rho[3, 3].real > 1 - 1e-9)


def fig3_unique_near_maximal(ds) -> float:
    """On phi = varphi: C at the largest T of the grid (0.9975 full); NaN unless the steady state
    is unique (kernel dimension 1) at every T and C grows with T."""
    if not np.all(ds.kernel_dim_optimal.values == 1):
        return float("nan")
    return fig3_nearly_maximal_weak(ds)


def fig7_T2_zero_printed_s2(ds) -> float:
    """Sec. IV B, T2 = 0: max |s2 - printed s2| of the model's two-particle scattering operator
    at T = 0 (the edge T2 = 0 of Fig. 7), printed s2 = -i (|uu><uu| + |ud><ud| + |du><du| +
    |dd><dd|); NaN unless the model's s2 is -i times the swap (perfect spin exchange)."""
    s2 = model.two_particle_s(0.0)
    swap = np.eye(4)[[0, 2, 1, 3]]
    if np.max(np.abs(s2 - (-1j) * swap)) > 1e-12:
        return float("nan")
    return float(np.max(np.abs(s2 - (-1j) * np.eye(4))))
