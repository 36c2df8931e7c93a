"""Claims of bello2022 (main text, supplement) about its figures, each ``fn(ds) -> float | bool``.

Scheme indices as in config/papers/bello2022_inhomogeneous.yaml: Figs. D1, D2 (schemes 1-5)
0 spin temperature, 1 boson, 2 Hartree, 3 Wick, 4 Spin; Fig. D3 (schemes 2-6) 0 Boson,
1 Hartree, 2 Half-Hartree, 3 Majority, 4 Z-rules.
"""

from __future__ import annotations

import numpy as np
from scipy.special import comb

from .common import at, params

SPIN_TEMPERATURE, BOSON, HARTREE, WICK, SPIN = range(5)
D3_BOSON, D3_HARTREE, D3_HALF_HARTREE, D3_MAJORITY, Z_RULES = range(5)


def fig2a_most_similar_ensembles_best(ds) -> bool:
    """(a), r1 = r2 = 1: at every nu/mu, Delta_EPR^HP is smallest at N1/N2 = 1 (J1 = J2); and
    (c)'s sectors (N1 = N2 = 40, so r_j = J_j/(N I) is as similar as J_j): among the sectors where
    HP is meaningful (n_j <= J_j/2), Delta_EPR^HP(J1, J2) falls as J2 approaches J1 and rises
    after it, for every J1."""
    best = ds.n_ratio.values[ds.delta_epr_hp.argmin("n_ratio").values]
    J = ds.J1.values
    num, z1, z2 = (ds[v].transpose("J1", "J2").values for v in ("hp_numerator", "hp_jz1", "hp_jz2"))
    z1, z2 = np.abs(z1), np.abs(z2)
    j1, j2 = np.meshgrid(J, J, indexing="ij")
    ok = (j1 > 0) & (j2 > 0) & (j1 - z1 <= j1 / 2) & (j2 - z2 <= j2 / 2)
    sectors, tested = True, 0
    for i in range(J.size):
        row, valid = num[i] / np.where(ok[i], z1[i] + z2[i], np.nan), ok[i]
        if not valid[i] or valid.sum() < 2:
            continue
        tested += 1
        left, right = row[: i + 1][valid[: i + 1]], row[i:][valid[i:]]
        sectors &= bool(np.all(np.diff(left) < 0) and np.all(np.diff(right) > 0))
    return bool(np.allclose(best, 1.0) and tested > 0 and sectors)


def fig2b_decreases_with_N(ds) -> bool:
    """(b): Delta_EPR of the exact map and of the ME decrease monotonically with N."""
    return bool(
        np.all(np.diff(ds.delta_epr_exact.values) < 0)
        and np.all(np.diff(ds.delta_epr_me.values) < 0)
    )


def fig2b_polarization_difference(ds) -> float:
    """(b): max |polarization exact map - ME| over N and both ensembles."""
    return float(np.max(np.abs(ds.polarization_exact.values - ds.polarization_me.values)))


def fig2b_gap_shrinks_with_mu(ds) -> bool:
    """(b): at every N, 0 < Delta_EPR(exact) - Delta_EPR(ME) is smaller at mu sqrt(N) = 0.25 than
    at 0.5 (the same N, the interaction time halved; the ME does not depend on mu)."""
    me = ds.delta_epr_me.values  # the contract's variables: mu sqrt(N) = 0.5
    big, small = ds.delta_epr_exact.values - me, ds.delta_epr_exact_reduced_mu.values - me
    return bool(np.all(small > 0) and np.all(small < big))


def fig2b_entangled_at_k1(ds) -> float:
    """(b), k = 1: the smallest Delta_EPR of the exact map (mu sqrt(N) = 0.5) over N."""
    return float(ds.delta_epr_exact.min())


def fig2b_hp_limit_is_eq11(ds) -> float:
    """(b) dashed line: max |Delta_EPR^HP (stored J -> infinity limit) - Eq. (11)| with
    J1 = J2, r1 = r2 = 1: mu^2/(4 kappa) - 1 - mu nu/(4 kappa), kappa = (mu nu - nu^2)/4, mu = 1."""
    x = params(ds, "b")["nu_over_mu"]
    kappa = (x - x**2) / 4
    eq11 = 1 / (4 * kappa) - 1 - x / (4 * kappa)
    return float(np.max(np.abs(ds.delta_epr_hp_limit.values - eq11)))


def fig2b_me_minus_hp_above_25(ds) -> float:
    """(b): max_{N >= 25} |Delta_EPR(ME) - Delta_EPR^HP| (NaN if the grid has no N >= 25)."""
    big = ds.N.values >= 25
    if not big.any():
        return float("nan")
    return float(np.max(np.abs(ds.delta_epr_me.values - ds.delta_epr_hp_limit.values)[big]))


def fig2c_smallest_entangled_jmin(ds) -> float:
    """(c): the smallest J_min whose equal-weight mixture of J1, J2 >= J_min reaches
    Delta_EPR < 1 (ME), relative to the largest J = N/2 (1: only the fully polarized sector)."""
    d = ds.delta_epr_me_uniform
    return float(d.J_min.values[d.values < 1].min() / d.J_min.values.max())


def fig2c_larger_J_better(ds) -> bool:
    """(c): Delta_EPR (ME) of both mixtures decreases as J_min, resp. J_mean, grows."""
    return bool(
        np.all(np.diff(ds.delta_epr_me_uniform.values) < 0)
        and np.all(np.diff(ds.delta_epr_me_gaussian.values) < 0)
    )


def _fig3_end(ds, var, inhomogeneous):
    return float(at(ds[var], inhomogeneous=inhomogeneous).values[-1])


def fig3_delta_inhomogeneous(ds) -> float:
    """Fig. 3: Delta at the last cycle, inhomogeneous couplings (> 1: Delta fails)."""
    return _fig3_end(ds, "delta", 1.0)


def fig3_delta_equals_epr_homogeneous(ds) -> float:
    """Fig. 3, homogeneous couplings, N1 = N2: max over cycles |Delta - Delta_EPR|."""
    d = at(ds.delta, inhomogeneous=0.0).values
    return float(np.max(np.abs(d - at(ds.delta_epr, inhomogeneous=0.0).values)))


def fig3_ppt_inhomogeneous(ds) -> float:
    """Fig. 3: lowest eigenvalue of the partial transpose at the last cycle, inhomogeneous."""
    return _fig3_end(ds, "lambda_min", 1.0)


def fig3_curves_coincide_early(ds) -> float:
    """Fig. 3: max |Delta_hom - Delta_inhom| over n <= 1e4 cycles."""
    d = ds.delta.transpose("inhomogeneous", "n").values
    return float(np.max(np.abs(d[0] - d[1])[ds.n.values <= 1e4]))


def table2_cycle_times_as_printed(ds) -> bool:
    """Table II: Delta t (ns) rounds to the printed 0.014, 5, 18, 918."""
    t = dict(zip(ds.material.values, ds.cycle_time.values, strict=True))
    return bool(
        round(t["GaAs"], 3) == 0.014
        and round(t["20% Si"]) == 5
        and round(t["5% Si"]) == 18
        and round(t["0.1% Si"]) == 918
    )


def table2_entangling_times_as_printed(ds) -> bool:
    """Table II: T_ent (ms) rounds to the printed 0.024, 0.5, 0.5, 0.5."""
    t = dict(zip(ds.material.values, ds.T_ent.values, strict=True))
    return bool(round(t["GaAs"], 3) == 0.024 and all(round(t[m], 1) == 0.5 for m in list(t)[1:]))


def table2_cycles_per_IN(ds) -> float:
    """Table II text: 1/(2 kappa) in units of I N cycles."""
    return float(np.unique(np.round(ds.cycles_per_IN.values, 9))[0])


def _times(ds, var) -> dict:
    return dict(zip(ds.material.values, ds[var].values, strict=True))


def _dwell_ns(ds) -> dict:
    """Table II: the longest dwell time mu/g = Delta t/4 (g1 = g2, Delta t = 2 mu (2/g)), ns."""
    return {m: t / 4 for m, t in _times(ds, "cycle_time").items()}


def table2_gaas_dwell_ps(ds) -> float:
    """Table II, GaAs: the longest dwell time mu/g in ps."""
    return float(_dwell_ns(ds)["GaAs"] * 1e3)


def table2_si_dwell_max_ns(ds) -> float:
    """Table II, Si rows: the longest dwell time mu/g in ns (the lowest concentration, 0.1 %)."""
    return float(max(v for m, v in _dwell_ns(ds).items() if "Si" in m))


def table2_entangling_times_us(ds) -> bool:
    """Table II: T_ent is tens of microseconds for GaAs (10-100 us) and hundreds for every Si row
    (100-1000 us)."""
    t = {m: v * 1e3 for m, v in _times(ds, "T_ent").items()}
    return bool(10 <= t.pop("GaAs") < 100 and all(100 <= v < 1000 for v in t.values()))


def table2_si_entangling_time_spread(ds) -> float:
    """Table II: max/min - 1 of T_ent over the Si rows (0 if independent of the concentration)."""
    t = [v for m, v in _times(ds, "T_ent").items() if "Si" in m]
    return float(max(t) / min(t) - 1)


def table2_entangling_before_dephasing(ds) -> float:
    """Table II: max over materials of T_ent/T_dd (< 1: entangled before dipolar dephasing)."""
    return float(np.max(ds.T_ent.values / ds.T_dd.values))


HBAR_UEV_MS = 6.582119569e-7  # hbar in ueV ms


def table2_dipolar_energies(ds) -> bool:
    """Sec. V: hbar/T_dd (T_dd as printed in Table II) is ~1e-5 ueV for GaAs and ~4e-7 ueV for
    20 % Si, within a factor 2."""
    e = {m: HBAR_UEV_MS / t for m, t in _times(ds, "T_dd").items()}
    return bool(0.5 < e["GaAs"] / 1e-5 < 2 and 0.5 < e["20% Si"] / 4e-7 < 2)


def fig4a_delta_below_one(ds) -> bool:
    """Fig. 4(a): Delta < 1 at some cycle for every c/r_max."""
    return bool(np.all(ds.delta.min("n").values < 1))


def fig4_lattice_sizes(ds) -> bool:
    """Fig. 4 caption: N1 = 21 and N2 = 25 nuclei (square lattice, |r| < r_max = 2.5, 3) for
    every c/r_max."""
    return bool(np.all(ds.n_nuclei_1.values == 21) and np.all(ds.n_nuclei_2.values == 25))


def fig4_variance_varies_with_couplings(ds) -> bool:
    """Fig. 4: the steady var(Jx1 + Jx2) changes strictly monotonically with c/r_max."""
    d = np.diff(ds.var_J_steady.transpose("c").values)
    return bool(np.all(d < 0) or np.all(d > 0))


def fig4a_inhomogeneous_end_above_one(ds) -> float:
    """Fig. 4(a): the number of c/r_max whose steady Delta is > 1."""
    return float(np.sum(ds.delta_steady.values > 1))


def fig4a_deviates_from_minimum(ds) -> float:
    """Fig. 4(a): min over c/r_max of Delta(last cycle) - min_n Delta (> 0: it moves away)."""
    d = ds.delta.transpose("c", "n").values
    return float(np.min(d[:, -1] - d.min(axis=1)))


def fig4a_entangled_unless_most_inhomogeneous(ds) -> bool:
    """Fig. 4(a): the steady Delta is < 1 for every c/r_max except the smallest (most
    inhomogeneous) one, where it is > 1."""
    d = ds.delta_steady.transpose("c").values
    return bool(d[0] > 1 and np.all(d[1:] < 1))


def fig4a_steady_over_homogeneous_time(ds) -> float:
    """Fig. 4: min over c/r_max of T_stab / (1/(2 kappa)) (T_stab of <A^(z,2)_1>)."""
    return float(np.min(ds.t_stab.values * 2 * ds.kappa.values))


def _rate_spread(x: np.ndarray, steady: float, n: np.ndarray) -> float:
    """max/min of the local decay rate -d ln|x - steady|/dn over the approach
    1e-6 < |x - steady|/|steady| < 0.1 (1 for a simple exponential)."""
    d = np.abs(x - steady) / abs(steady)
    with np.errstate(divide="ignore", invalid="ignore"):  # d = 0 at the last cycles
        rate = -np.diff(np.log(d)) / np.diff(n)
    inside = (d[1:] > 1e-6) & (d[:-1] < 0.1)
    return float(rate[inside].max() / rate[inside].min())


def fig4a_rate_spread_over_homogeneous(ds) -> list:
    """Fig. 4: per c/r_max, the spread of the local decay rate of <A^(z,2)_1> towards its steady
    value (``_rate_spread``) over that of the equivalent homogeneous system (grey curve)."""
    n = ds.n.values.astype(float)
    hom = _rate_spread(ds.az2_1_hom.values[0], ds.az2_1_hom.values[0, -1], n)
    az2, steady = ds.az2_1.transpose("c", "n").values, ds.az2_1_steady.values
    return [_rate_spread(az2[i], steady[i], n) / hom for i in range(ds.c.size)]


def fig4a_not_simple_exponential(ds) -> float:
    """Fig. 4: min over c/r_max of ``fig4a_rate_spread_over_homogeneous`` (> 1: every
    inhomogeneous approach is further from a simple exponential than the homogeneous one)."""
    return float(min(fig4a_rate_spread_over_homogeneous(ds)))


def fig4a_minimum_within_10_over_2kappa(ds) -> bool:
    """Fig. 4(a): the cycle of min Delta lies between 1/(2 kappa) and 10/(2 kappa) for every
    c/r_max (it is at 4-5.4/(2 kappa), i.e. where the homogeneous system has settled)."""
    ratio = ds.n.values[ds.delta.transpose("c", "n").argmin("n").values] * 2 * ds.kappa.values
    return bool(np.all((ratio > 1) & (ratio < 10)))


def fig4_end_minus_e7e8_steady(ds) -> float:
    """Fig. 4(a): max over c/r_max of |Delta at the last cycle - Delta of the (E7)-(E8) state|
    (no cross-shell correlations); 0 if the dynamics end on the (E7)-(E8) state."""
    end = ds.delta.transpose("c", "n").values[:, -1]
    return float(np.max(np.abs(end - ds.delta_steady.values)))


def fig4b_stabilization_prefactor(ds) -> float:
    """Fig. 4(b): max/min over c/r_max of T_stab (mu min|g - g'|)^2 (1 if T_stab scaled exactly
    as [mu min|g - g'|]^-2)."""
    pref = ds.t_stab.values * (ds.mu_abs.values * ds.min_dg.values) ** 2
    return float(pref.max() / pref.min())


def figB1_fidelity_grows_with_k(ds) -> bool:
    """Fig. B1: fidelity with the two-mode squeezed state grows with k (exact and ME), every N."""
    ok = True
    for var in ("fidelity_exact", "fidelity_me"):
        ok &= bool(np.all(np.diff(ds[var].transpose("N", "k").values, axis=1) > 0))
    return ok


def figB2_epr_misses_small_k(ds) -> bool:
    """Fig. B2(a): for some small N and k, Delta_EPR > 1 (not detected), < 1 at the largest k."""
    d = ds.delta_epr_exact.transpose("N", "k").values
    return bool(np.any(d > 1) and np.all(d[:, -1] < 1))


def figB2_closer_to_ideal_with_k(ds) -> bool:
    """Fig. B2(a): |Delta_EPR - (mu - nu)^2/|mu^2 - nu^2|| (the two-mode squeezed state's value)
    decreases with k at every N, exact map and ME."""
    x = params(ds)["nu_over_mu"]
    ideal = (1 - x) ** 2 / abs(1 - x**2)
    ok = True
    for var in ("delta_epr_exact", "delta_epr_me"):
        gap = np.abs(ds[var].transpose("N", "k").values - ideal)
        ok &= bool(np.all(np.diff(gap, axis=1) < 0))
    return ok


def figB2_ppt_negative(ds) -> float:
    """Fig. B2(b): max lowest partial-transpose eigenvalue (exact map) over N, k."""
    return float(np.nanmax(ds.min_pt_eigenvalue_exact.values))


def figB2_witness_negative(ds) -> float:
    """Fig. B2(c): max singlet witness <W> (N = 1, exact map) over k."""
    return float(np.nanmax(ds.witness_exact.values))


def figC2_initial_state_dependence(ds) -> bool:
    """Fig. C2: the mixed initial state takes longer than |Psi_FP> at every N."""
    return bool(np.all(ds.time_mixed.values > ds.time_fully_polarized.values))


def figC2_time_over_hp(ds) -> float:
    """Fig. C2: min over N of the stabilization time from |Psi_FP> over 1/(2 kappa)."""
    return float(np.min(ds.time_fully_polarized.values / ds.time_hp.values))


def figC1_dwell_time_fraction(ds) -> float:
    """Fig. C1 (right, p = 0): fraction of the plotted (mu2/mu1, nu1/mu1) plane with
    Delta_EPR^HP < 1 (points where HP has no steady state, NaN, count as not entangled)."""
    return float((at(ds.delta_epr_right, p=0.0) < 1).mean())


def figC1_largest_entangled_p(ds) -> float:
    """Fig. C1 (middle panels): the largest phase-flip probability p at which Delta_EPR^HP < 1
    for some dwell time."""
    ps = [
        ds[v].p_middle.values[np.nanmin(ds[v].transpose("p_middle", ...).values, axis=1) < 1]
        for v in ("delta_epr_middle_nu", "delta_epr_middle_mu")
    ]
    return float(max(p.max() for p in ps))


def figC1_entangled_at_p5(ds) -> bool:
    """Fig. C1 (right, p = 0.05): Delta_EPR^HP < 1 for some dwell times and > 1 for others."""
    d = at(ds.delta_epr_right, p=0.05).values
    return bool(np.nanmin(d) < 1 < np.nanmax(d))


def figC3_uniform_is_c17(ds) -> float:
    """Fig. C3: max relative deviation of p_uniform(J) from (2J + 1) D(J) (Eqs. C17-C18, N = 40,
    D(J) = C(N, N/2 - J) - C(N, N/2 - J - 1) computed here) normalised over J >= J_min, and
    max p_uniform below J_min."""
    q = params(ds)
    n, jmin, J = q["N"], q["j_min"], ds.J.values
    d = comb(n, n / 2 - J, exact=False) - comb(n, n / 2 - J - 1, exact=False)
    w = np.where(J >= jmin, (2 * J + 1) * d, 0.0)
    w /= w.sum()
    p = ds.p_uniform.values
    above = J >= jmin
    return float(max(np.max(np.abs(p[above] / w[above] - 1)), np.max(p[~above], initial=0.0)))


def figC3_uniform_peaked_at_jmin(ds) -> bool:
    """Fig. C3: p_uniform(J) is largest at J = J_min and decreases strictly towards larger J."""
    jmin, J = params(ds)["j_min"], ds.J.values
    p = ds.p_uniform.values
    return bool(J[np.argmax(p)] == jmin and np.all(np.diff(p[J >= jmin]) < 0))


def figC3_gaussian_is_c19(ds) -> float:
    """Fig. C3: max |p_gaussian - exp(-(J - J_mean)^2/(2 w^2))/sum| (Eq. C19, w^2 = 3)."""
    q = params(ds)
    J = ds.J.values
    g = np.exp(-((J - q["j_mean"]) ** 2) / (2 * q["width_sq"]))
    return float(np.max(np.abs(ds.p_gaussian.values - g / g.sum())))


def _kappa_over_eta(ds) -> float:
    """kappa/eta for k = 1: (1 - x^2 - (1-x)^2)/(1 + x^2 + (1-x)^2), x = nu/mu (``nu_over_mu``)."""
    x = params(ds)["nu_over_mu"]
    return (1 - x**2 - (1 - x) ** 2) / (1 + x**2 + (1 - x) ** 2)


def figD1_common_steady_value(ds) -> float:
    """Fig. D1: max over schemes except boson of |polarization at the last cycle - kappa/eta|."""
    end = ds.polarization_1.transpose("scheme", "n").values[:, -1]
    schemes = [SPIN_TEMPERATURE, HARTREE, WICK, SPIN]
    return float(np.max(np.abs(end[schemes] - _kappa_over_eta(ds))))


def _d2_dev(ds):
    """Fig. D2: max over cycles |<Jz_j>_scheme - <Jz_j>_ME| per scheme, for j = 1, 2."""
    return [
        np.nanmax(
            np.abs(ds[f"polarization_{j}"] - ds[f"me_polarization_{j}"]).transpose("scheme", "n"), 1
        )
        for j in (1, 2)
    ]


def figD2_best_schemes(ds) -> bool:
    """Fig. D2: Spin is closest to the ME for QD1 and Wick for QD2 (max deviation over cycles)."""
    dev1, dev2 = _d2_dev(ds)
    return bool(np.argmin(dev1) == SPIN and np.argmin(dev2) == WICK)


def figD2_boson_deviation(ds) -> float:
    """Fig. D2: max over cycles and both ensembles of |<Jz_j>_Boson - <Jz_j>_ME|/(N_j I)."""
    return float(max(dev[BOSON] for dev in _d2_dev(ds)))


def figD2_hartree_between(ds) -> bool:
    """Fig. D2: at every cycle and in both ensembles, Hartree lies between Spin and Wick."""
    ok = True
    for j in (1, 2):
        p = ds[f"polarization_{j}"].transpose("scheme", "n").values
        ok &= bool(np.all((p[HARTREE] - p[SPIN]) * (p[HARTREE] - p[WICK]) <= 1e-12))
    return ok


def _d3_dev(ds):
    v = ds.variance.transpose("n_nuclei", "scheme", "n").values
    me = ds.me_variance.transpose("n_nuclei", "n").values
    return np.max(np.abs(v - me[:, None, :]), axis=2)  # NaN for diverging schemes


def figD3_z_rules_closest(ds) -> bool:
    """Fig. D3: Z-rules has the smallest max deviation from the ME of all schemes, every N."""
    dev = np.where(np.isnan(_d3_dev(ds)), np.inf, _d3_dev(ds))
    return bool(np.all(np.argmin(dev, axis=1) == Z_RULES))


def figD3_better_for_larger_N(ds) -> bool:
    """Fig. D3: the Z-rules relative error at the last cycle shrinks with N."""
    v = at(ds.variance, scheme=Z_RULES).transpose("n_nuclei", "n").values[:, -1]
    me = ds.me_variance.transpose("n_nuclei", "n").values[:, -1]
    return bool(np.all(np.diff(np.abs(v / me - 1)) < 0))


def _d3_rel_dev(ds):
    """Fig. D3: max over cycles |var_scheme/var_ME - 1| per (N, scheme); inf where it diverged."""
    v = ds.variance.transpose("n_nuclei", "scheme", "n").values
    me = ds.me_variance.transpose("n_nuclei", "n").values
    dev = np.max(np.abs(v / me[:, None, :] - 1), axis=2)
    return np.where(np.isnan(dev), np.inf, dev)


def figD3_schemes_not_better_for_larger_N(ds) -> float:
    """Fig. D3: the number of schemes whose max relative variance error is not smaller at the
    largest N than at the smallest (0 if every approximation works better for the larger system)."""
    dev = _d3_rel_dev(ds)
    return float(np.sum(~(dev[-1] < dev[0])))


def figD3_boson_variance_error(ds) -> float:
    """Fig. D3, smallest N (5): max over cycles of |var_Boson/var_ME - 1|."""
    return float(_d3_rel_dev(ds)[0, D3_BOSON])


def figD4_polarization_difference(ds) -> float:
    """Fig. D4: max |<Jz_j>_ME - <Jz_j>_EoM| over states, cycles and both ensembles."""
    return float(
        max(
            np.nanmax(np.abs(ds.me_polarization_1 - ds.eom_polarization_1)),
            np.nanmax(np.abs(ds.me_polarization_2 - ds.eom_polarization_2)),
        )
    )


def figD4_variance_ratio_max(ds) -> float:
    """Fig. D4: max over states and cycles of var_EoM / var_ME (< 1 if always underestimated)."""
    return float(np.nanmax(ds.eom_variance / ds.me_variance))


def figD4_steady_state_spread(ds) -> float:
    """Fig. D4: max over ME and EoM of the spread across initial states of <Jz_1>, <Jz_2> and
    the variance at the last cycle (0 if every state ends at the same steady state)."""
    spread = 0.0
    for kind in ("me", "eom"):
        for var in ("polarization_1", "polarization_2", "variance"):
            end = ds[f"{kind}_{var}"].transpose("initial", "n").values[:, -1]
            spread = max(spread, float(np.max(end) - np.min(end)))
    return spread


def figE1_centred_vs_shifted(ds) -> bool:
    """Fig. E1(b), steady state: the centred Gaussian has |<Jz_1>| higher, |<Jz_2>| not lower and
    var_J lower than the shifted one, and Delta_EPR < 1, reached at the last cycle to 1e-3."""
    c, s = (
        {
            v: float(at(ds[f"{v}_steady"], shifted=x))
            for v in ("pol_1", "pol_2", "var_J", "delta_epr")
        }
        for x in (0.0, 1.0)
    )
    end = float(at(ds.delta_epr, shifted=0.0).values[-1])
    return bool(
        abs(c["pol_1"]) > abs(s["pol_1"])
        and abs(c["pol_2"]) >= abs(s["pol_2"]) - 1e-9
        and c["var_J"] < s["var_J"]
        and c["delta_epr"] < 1
        and abs(end - c["delta_epr"]) < 1e-3
    )


def figE1_second_polarization_difference(ds) -> float:
    """Fig. E1(b): |<Jz_2>_centred - <Jz_2>_shifted| at the steady state (QD2 is not shifted)."""
    return float(abs(at(ds.pol_2_steady, shifted=0.0) - at(ds.pol_2_steady, shifted=1.0)))


def figE1_shell_ratio(ds) -> float:
    """Fig. E1: number of shells in QD1, shifted over centred Gaussian (the same nuclei, so more
    shells means fewer nuclei per shell); NaN unless QD2 (not shifted) has the same shells."""
    n1, n2 = (ds[f"n_shells_{j}"] for j in (1, 2))
    if float(at(n2, shifted=0.0)) != float(at(n2, shifted=1.0)):
        return float("nan")
    return float(at(n1, shifted=1.0) / at(n1, shifted=0.0))


def figE1_shifted_metastable(ds) -> bool:
    """Fig. E1(b): shifted Gaussian: Delta_EPR < 1 at every cycle 1e2 <= n <= 1e6, > 1 at the
    steady state."""
    de = at(ds.delta_epr, shifted=1.0)
    window = de.where((de.n >= 1e2) & (de.n <= 1e6), drop=True)
    return bool(np.all(window.values < 1) and float(at(ds.delta_epr_steady, shifted=1.0)) > 1)


def figE2_same_polarization(ds) -> float:
    """Fig. E2: max - min over c/r_max of <J^z_1>/(N1 I) at the last cycle."""
    end = ds.pol_1.transpose("c", "n").values[:, -1]
    return float(end.max() - end.min())


def figE2_delta_detects_more(ds) -> float:
    """Fig. E2: (number of c/r_max with steady Delta < 1) - (number with steady Delta_EPR < 1)."""
    return float(np.sum(ds.delta_steady.values < 1) - np.sum(ds.delta_epr_steady.values < 1))


def figE2_generalized_polarization_differs(ds) -> float:
    """Fig. E2: the smallest difference between the steady <A^(z,2)_1> of two c/r_max."""
    v = np.sort(ds.az2_1_steady.values)
    return float(np.min(np.diff(v)))


def _settle(x: np.ndarray, steady: float, n: np.ndarray, tol: float) -> float:
    """The first cycle from which on |x - steady| <= tol |steady| (inf if never)."""
    off = np.flatnonzero(np.abs(x - steady) > tol * abs(steady))
    if off.size == 0:
        return float(n[0])
    return float(n[off[-1] + 1]) if off[-1] + 1 < n.size else np.inf


def figE2_generalized_polarization_faster(ds) -> float:
    """Fig. E2, most inhomogeneous c/r_max: settling cycle (to 1 % of the steady value) of
    <J^z_1> over that of <A^(z,2)_1> (> 1: <A^(z,2)_1> settles earlier)."""
    n = ds.n.values.astype(float)
    i = int(np.argmin(ds.c.values))
    tj = _settle(ds.pol_1.values[i], float(ds.pol_1_steady.values[i]), n, 1e-2)
    ta = _settle(ds.az2_1.values[i], float(ds.az2_1_steady.values[i]), n, 1e-2)
    return tj / ta
