"""Figure solvers of the homogeneous part of Bello et al. (2022): Figs. 2, B1, B2, C1-C3, Table II.

Every solver takes keyword-only grid axes (1-D arrays over ``point``) and params, and returns an
``xarray.Dataset`` along ``point``. Dwell times are given as ``mu_sqrt_n = mu sqrt(N)`` (the
papers' mu = 0.5/sqrt(N) is ``mu_sqrt_n: 0.5``) and ``nu_over_mu``; spin-I nuclei, spin-1/2 by
default; N1 = N2 = N unless stated.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import xarray as xr

from ... import contract
from ...registry import ParameterError, validates
from . import homogeneous as hom
from . import hp

ENSEMBLES = np.array([1, 2])


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _var(values, long_name, units="1", dims=("point",)):
    return xr.Variable(dims, np.asarray(values, float), {"long_name": long_name, "units": units})


def _ensemble_coord():
    return {
        "ensemble": (
            "ensemble",
            ENSEMBLES,
            {"long_name": "nuclear ensemble (QD index j)", "units": "1"},
        )
    }


def _check_positive(name, value):
    if np.any(~np.isfinite(np.asarray(value, float))) or np.any(np.asarray(value, float) <= 0):
        raise ParameterError(name, "must be positive and finite")


def _check_ratio(nu_over_mu):
    r = np.asarray(nu_over_mu, float)
    if np.any(r <= 0) or np.any(r >= 1):
        raise ParameterError("nu_over_mu", "needs 0 < nu/mu < 1 (kappa > 0, entangling regime)")


def _check_k(k):
    k = np.asarray(k, float)
    if np.any(k < 1) or np.any(k != np.round(k)):
        raise ParameterError("k", "number of local steps k must be an integer >= 1")


def _check_n(N, spin):
    N = np.asarray(N, float)
    if np.any(N < 1) or np.any(N != np.round(N)):
        raise ParameterError("N", "number of nuclei must be an integer >= 1")
    if spin <= 0 or abs(2 * spin - round(2 * spin)) > 1e-12:
        raise ParameterError("spin", "nuclear spin I must be a positive half-integer")


def _solve(sector, protocol, c1, c2, *, exact=True, direct_max=500):
    """ME and exact steady states of one sector; exact failure -> None plus a diagnostic."""
    L = hom.me_generator(sector, protocol, c1, c2)
    me = hom.MESolver(sector, L)
    x_me = me.steady_state()
    out = {"me": x_me, "exact": None, "iterations": 0, "residual": np.nan}
    if not exact:
        return out
    factors = hom.cycle_factors(sector, protocol, c1, c2)
    try:
        if sector.size <= direct_max:
            T = factors[0]
            for F in factors[1:]:
                T = F @ T
            x, res = hom.steady_state(
                sector, T - sp.identity(sector.size, format="csc"), return_residual=True
            )
            it = 0
        else:
            x, it, res = hom.exact_steady_state_iterative(sector, factors, me)
        out.update(exact=x, iterations=it, residual=res)
    except hom.SteadyStateError:
        out.update(iterations=-1)
    return out


def _observables(sector, x, n1, n2, spin):
    """(Delta_EPR, polarization 1, polarization 2) of a sector vector (NaN if None)."""
    if x is None:
        return np.nan, np.nan, np.nan
    m = hom.moments(sector, x)
    return hom.delta_epr(m), m["jz1"] / (n1 * spin), m["jz2"] / (n2 * spin)


# ---------------------------------------------------------------------------------------------
# Fig. 2(a): HP Delta_EPR map, Eq. (11), J_j = N_j I
# ---------------------------------------------------------------------------------------------
def _check_fig2a(*, n_ratio, nu_over_mu):
    _check_positive("n_ratio", n_ratio)
    _check_ratio(nu_over_mu)


@contract.solver
@validates(_check_fig2a)
def hp_delta_epr_map(*, n_ratio, nu_over_mu) -> xr.Dataset:
    """Eq. (11) with r1 = r2 = 1 and J1/J2 = N1/N2 (mu scales out)."""
    value = hp.eq11(1.0, nu_over_mu, n_ratio, 1.0, 1.0, 1.0)
    return xr.Dataset({"delta_epr_hp": _var(value, "EPR uncertainty Delta_EPR^HP, Eq. (11)")})


# ---------------------------------------------------------------------------------------------
# Fig. 2(b): steady state vs N in the maximal-J sector, exact map vs 2nd-order ME
# ---------------------------------------------------------------------------------------------
def _check_fig2b(*, N, nu_over_mu, mu_sqrt_n, k, spin=0.5, p=0.0):
    _check_n(N, spin)
    _check_ratio(nu_over_mu)
    _check_positive("mu_sqrt_n", mu_sqrt_n)
    _check_k(k)
    if not 0 <= p < 0.5:
        raise ParameterError("p", "phase-flip probability must lie in [0, 0.5)")


HP_VALID = (
    "1 if HP is meaningful: boson number n_j <= J_j/2 in both ensembles (polarization at least"
    " half of the maximal), else 0"
)


def hp_valid(J, n) -> bool:
    """HP (linear in the bosons) needs few bosons on the 2J+1 ladder: n <= J/2 (J > 0)."""
    return bool(J > 0 and n <= J / 2)


@contract.solver
@validates(_check_fig2b)
def steady_state_vs_n(*, N, nu_over_mu, mu_sqrt_n, k, spin=0.5, p=0.0) -> xr.Dataset:
    """Steady state in the sector J1 = J2 = N I from |Psi_FP>: exact map (Eq. 2) and ME (Eq. 3).

    Also the HP value of the same protocol (linear system C5-C13 with its 1/J corrections) and
    Eq. (11)'s J -> infinity limit.
    """
    N = np.asarray(N, float)
    npts = N.size
    mu_sqrt_n = np.broadcast_to(np.asarray(mu_sqrt_n, float), N.shape)  # a param or a grid axis
    epr = np.full((2, npts), np.nan)
    pol = np.full((2, npts, 2), np.nan)
    iters = np.zeros(npts)
    resid = np.full(npts, np.nan)
    hp_n = np.full(npts, np.nan)
    hp_ok = np.zeros(npts, dtype=np.int8)
    for i, n in enumerate(N):
        J = n * spin
        c = float(hom.coupling_constant(n, spin))
        mu = mu_sqrt_n[i] / np.sqrt(n)
        protocol = hom.Protocol.ideal(mu, nu_over_mu * mu, int(k), p)
        sector = hom.Sector(J, J)
        sol = _solve(sector, protocol, c, c)
        for j, key in enumerate(("exact", "me")):
            e, p1, p2 = _observables(sector, sol[key], n, n, spin)
            epr[j, i] = e
            pol[j, i] = (p1, p2)
        iters[i], resid[i] = sol["iterations"], sol["residual"]
        mom = hp.steady_moments(mu, mu, nu_over_mu * mu, nu_over_mu * mu, 1.0, 1.0, p, k)
        hp_ok[i] = hp_valid(J, mom["n1"]) and hp_valid(J, mom["n2"])
        hp_n[i] = hp.delta_epr(J, J, mom["n1"], mom["n2"], mom["c12"]) if hp_ok[i] else np.nan
    mom = hp.steady_moments(1.0, 1.0, nu_over_mu, nu_over_mu, 1.0, 1.0, p, k)
    limit = hp.delta_epr(1.0, 1.0, mom["n1"], mom["n2"], mom["c12"], leading_order=True)
    pdims = ("point", "ensemble")
    return xr.Dataset(
        {
            "delta_epr_exact": _var(epr[0], "Delta_EPR, exact cycle map Eq. (2)"),
            "delta_epr_me": _var(epr[1], "Delta_EPR, 2nd-order master equation Eq. (3)"),
            "polarization_exact": _var(
                pol[0], "polarization <J^z_j>/(N_j I), exact map", dims=pdims
            ),
            "polarization_me": _var(
                pol[1], "polarization <J^z_j>/(N_j I), 2nd-order ME", dims=pdims
            ),
            "delta_epr_hp_finite": _var(
                hp_n, "Delta_EPR, HP linear system (C11-C14) at J=NI (NaN where hp_valid = 0)"
            ),
            "hp_valid": _var(hp_ok, HP_VALID),
            "delta_epr_hp_limit": _var(
                np.full(npts, limit), "Delta_EPR^HP, J -> infinity limit (Eq. 11 for k=1)"
            ),
            "exact_gmres_iterations": _var(
                iters, "GMRES iterations of the exact steady state (0 = direct LU, -1 = failed)"
            ),
            "exact_residual": _var(resid, "relative residual max|(T-1)x| / ||T||_1"),
        },
        coords=_ensemble_coord(),
    )


# ---------------------------------------------------------------------------------------------
# Fig. 2(c), C3: mixed initial states over (J1, J2) sectors
# ---------------------------------------------------------------------------------------------
def dicke_multiplicity(n_nuclei: int, J, spin=0.5):
    """Number of copies D(J) of total angular momentum J among N spin-I (Eq. C18 for I=1/2)."""
    n = int(round(n_nuclei))
    levels = int(round(2 * spin)) + 1
    counts = np.array([1], dtype=object)  # exact integers (N up to thousands)
    for _ in range(n):
        counts = np.convolve(counts, np.ones(levels, dtype=object))
    # counts[i] = number of states with M = N I - i
    J = np.atleast_1d(np.asarray(J, float))
    top = n * spin
    out = np.zeros(J.shape)
    for idx, j in np.ndenumerate(J):
        i = int(round(top - j))
        if j < 0 or j > top + 1e-9 or abs((top - j) - i) > 1e-9:
            continue
        out[idx] = float(counts[i] - (counts[i - 1] if i >= 1 else 0))
    return out


def allowed_j(n_nuclei, spin=0.5):
    """Total angular momenta J = N I, N I - 1, ..., >= 0 of N spin-I nuclei."""
    top = n_nuclei * spin
    return top - np.arange(int(np.floor(top)) + 1)


def j_distribution(kind: str, j_values, n_nuclei, parameter, spin=0.5, width_sq=3.0):
    """p(J) over ``j_values``: 'uniform' = equal-weight mixture of J >= parameter (C17),
    'gaussian' = exp(-(J - parameter)^2/(2 w^2)) (C19); normalised on the allowed J."""
    j = np.asarray(j_values, float)
    if kind == "uniform":
        w = (2 * j + 1) * dicke_multiplicity(n_nuclei, j, spin) * (j >= parameter - 1e-9)
    elif kind == "gaussian":
        w = np.exp(-((j - parameter) ** 2) / (2 * width_sq))
    else:
        raise ValueError(kind)
    total = w.sum()
    return w / total if total > 0 else w * np.nan


def _check_sector(*, J1, J2, N, nu_over_mu, k, spin=0.5, j_axis=None, width_sq=3.0, mirror=0):
    _check_n(N, spin)
    if mirror not in (0, 1):
        raise ParameterError("mirror", "must be 0 or 1")
    if mirror and not np.array_equal(np.unique(J1), np.unique(J2)):
        raise ParameterError("mirror", "needs the same J values on the J1 and J2 axes")
    _check_ratio(nu_over_mu)
    _check_k(k)
    allowed = allowed_j(N, spin)
    for name, J in (("J1", J1), ("J2", J2)):
        if not np.all(np.isin(np.round(2 * np.asarray(J, float)), np.round(2 * allowed))):
            raise ParameterError(name, f"total angular momentum must be one of {allowed[::-1]}")
    if width_sq <= 0:
        raise ParameterError("width_sq", "Gaussian variance w^2 must be positive")


@contract.solver
@validates(_check_sector)
def sector_moments(*, J1, J2, N, nu_over_mu, k, spin=0.5, j_axis=None, width_sq=3.0, mirror=0):
    """Per-(J1, J2) steady-state moments of the 2nd-order ME and of HP (N1 = N2 = N).

    The steady state of a mixed initial state sum p1(J1) p2(J2) rho(J1, J2) is the
    p-weighted mixture of these per-sector steady states (J1, J2 conserved); Delta_EPR's
    numerator and <Jz_j> are linear in rho, so the mixture needs only these moments
    (``j_axis`` and ``width_sq`` are used by :func:`mixed_state_companion`).
    ``mirror=1``: the ME sectors with J1 > J2 are left NaN and filled by
    :func:`mixed_state_companion` from (J2, J1) (the ME is invariant under swapping the
    ensembles together with a pi rotation about x, see :func:`mirror_sectors`).
    """
    J1, J2 = np.asarray(J1, float), np.asarray(J2, float)
    c = float(hom.coupling_constant(N, spin))
    protocol = hom.Protocol.ideal(1.0, nu_over_mu, int(k))  # the ME steady state is scale-free
    out = {
        f"{m}_{q}": np.full(J1.size, np.nan)
        for m in ("me", "hp")
        for q in ("numerator", "jz1", "jz2")
    }
    for i, (j1, j2) in enumerate(zip(J1, J2, strict=True)):
        if mirror and j1 > j2:
            continue
        sector = hom.Sector(j1, j2)
        m = hom.moments(
            sector, hom.MESolver(sector, hom.me_generator(sector, protocol, c, c)).steady_state()
        )
        out["me_numerator"][i], out["me_jz1"][i], out["me_jz2"][i] = (
            m["epr_numerator"],
            m["jz1"],
            m["jz2"],
        )
    r1, r2 = J1 / (N * spin), J2 / (N * spin)
    mom = hp.steady_moments(1.0, 1.0, nu_over_mu, nu_over_mu, r1, r2, 0.0, k)
    out["hp_numerator"] = (
        J1 + J2 + 2 * J1 * mom["n1"] + 2 * J2 * mom["n2"] + 4 * np.sqrt(J1 * J2) * mom["c12"]
    )
    out["hp_jz1"] = np.where(J1 > 0, J1 - mom["n1"], 0.0)
    out["hp_jz2"] = np.where(J2 > 0, -(J2 - mom["n2"]), 0.0)
    names = {"numerator": "var(Jx1+Jx2) + var(Jy1+Jy2)", "jz1": "<J^z_1>", "jz2": "<J^z_2>"}
    method = {"me": "2nd-order ME", "hp": "HP"}
    return xr.Dataset(
        {
            key: _var(v, f"steady-state {names[key[3:]]} of sector (J1, J2), {method[key[:2]]}")
            for key, v in out.items()
        }
    )


def mirror_sectors(ds: xr.Dataset, method: str = "me") -> xr.Dataset:
    """Fill the NaN sectors (J1, J2) of ``method`` from (J2, J1).

    Eq. (3) is invariant under swapping the ensembles together with a pi rotation about x
    (J+ <-> J-, Jz -> -Jz): D(A1-) + D(A2+) and D(mu A1+ + nu A2+) + D(nu A1- + mu A2-) map
    onto themselves. Hence numerator(J1, J2) = numerator(J2, J1) and
    <Jz1>(J1, J2) = -<Jz2>(J2, J1). (Not true of the exact map: QD1 is visited first.)
    """
    out = ds.copy()
    swapped = {
        "numerator": ds[f"{method}_numerator"],
        "jz1": -ds[f"{method}_jz2"],
        "jz2": -ds[f"{method}_jz1"],
    }
    for q, other in swapped.items():
        name = f"{method}_{q}"
        mirrored = other.rename({"J1": "J2", "J2": "J1"}).transpose(*ds[name].dims)
        out[name] = ds[name].fillna(mirrored)
    return out


HP_BAD_WEIGHT = 0.01  # largest weight of a mixture in sectors where HP is not meaningful


@contract.companion
def mixed_state_companion(
    ds: xr.Dataset, *, N, nu_over_mu, k, spin=0.5, j_axis=None, width_sq=3.0, mirror=0
) -> xr.Dataset:
    """Delta_EPR of the mixtures: equal-weight J >= J_min and Gaussian around J_mean."""
    J = ds["J1"].values
    if not np.allclose(J, ds["J2"].values):
        raise ValueError("sector grid must use the same J values for J1 and J2")
    if mirror:
        ds = mirror_sectors(ds)
    axis = np.asarray(j_axis if j_axis is not None else J, float)
    # HP is meaningful in a sector when both boson numbers n_j = J_j - |<Jz_j>| are <= J_j/2
    j1, j2 = np.meshgrid(J, J, indexing="ij")
    n1 = j1 - np.abs(ds["hp_jz1"].transpose("J1", "J2").values)
    n2 = j2 - np.abs(ds["hp_jz2"].transpose("J1", "J2").values)
    sector_ok = (j1 > 0) & (j2 > 0) & (n1 <= j1 / 2) & (n2 <= j2 / 2)
    out = {}
    for kind, label in (("uniform", "J_min"), ("gaussian", "J_mean")):
        for method in ("me", "hp"):
            vals, ok = [], []
            for a in axis:
                pj = j_distribution(kind, J, N, a, spin, width_sq)
                w = np.outer(pj, pj)
                num = np.sum(w * ds[f"{method}_numerator"].transpose("J1", "J2").values)
                den = abs(np.sum(w * ds[f"{method}_jz1"].transpose("J1", "J2").values)) + abs(
                    np.sum(w * ds[f"{method}_jz2"].transpose("J1", "J2").values)
                )
                ok.append(np.sum(w[~sector_ok]) <= HP_BAD_WEIGHT)
                vals.append(num / den if method == "me" or ok[-1] else np.nan)
            if method == "hp":
                out[f"hp_valid_{kind}"] = xr.Variable(
                    label,
                    np.asarray(ok, dtype=np.int8),
                    {
                        "long_name": "1 if at most 1% of the mixture's weight lies in sectors "
                        "where HP is not meaningful (n_j > J_j/2 or J_j = 0), else 0",
                        "units": "1",
                    },
                )
            name = f"delta_epr_{method}_{kind}"
            what = (
                "equal-weight mixture of J1, J2 >= J_min"
                if kind == "uniform"
                else f"Gaussian p(J), mean J_mean, w^2 = {width_sq:g}"
            )
            out[name] = xr.Variable(
                label,
                np.asarray(vals),
                {
                    "long_name": f"steady-state Delta_EPR, {what}, "
                    f"{'2nd-order ME' if method == 'me' else 'HP (NaN where hp_valid = 0)'}",
                    "units": "1",
                },
            )
    coords = {
        "J_min": (
            "J_min",
            axis,
            {"long_name": "smallest total angular momentum J_min", "units": "1"},
        ),
        "J_mean": (
            "J_mean",
            axis,
            {"long_name": "mean total angular momentum of p(J)", "units": "1"},
        ),
    }
    return ds.assign(xr.Dataset(out, coords=coords))


def _check_dist(*, J, N, j_min, j_mean, width_sq=3.0, spin=0.5):
    _check_n(N, spin)
    if width_sq <= 0:
        raise ParameterError("width_sq", "Gaussian variance w^2 must be positive")


@contract.solver
@validates(_check_dist)
def j_distributions(*, J, N, j_min, j_mean, width_sq=3.0, spin=0.5) -> xr.Dataset:
    """Fig. C3: equal-weight (C17) and Gaussian (C19) p(J), normalised over the allowed J."""
    allowed = allowed_j(N, spin)
    J = np.asarray(J, float)
    pu = j_distribution("uniform", allowed, N, j_min, spin, width_sq)
    pg = j_distribution("gaussian", allowed, N, j_mean, spin, width_sq)

    def pick(p):
        return np.array([p[np.isclose(allowed, j)].sum() for j in J])

    return xr.Dataset(
        {
            "p_uniform": _var(pick(pu), f"p(J), equal-weight mixture of J >= {j_min:g} (C17)"),
            "p_gaussian": _var(pick(pg), f"p(J), Gaussian, mean {j_mean:g}, w^2 = {width_sq:g}"),
            "multiplicity": _var(dicke_multiplicity(N, J, spin), "Dicke multiplicity D(J), (C18)"),
        }
    )


# ---------------------------------------------------------------------------------------------
# Figs. B1, B2: small systems vs k
# ---------------------------------------------------------------------------------------------
def _check_vs_k(*, k, N, mu_sqrt_n, nu_over_mu, spin=0.5):
    _check_k(k)
    _check_n(N, spin)
    _check_positive("mu_sqrt_n", mu_sqrt_n)
    _check_ratio(nu_over_mu)


def _per_point(k, N, mu_sqrt_n, nu_over_mu, spin):
    for i, (kk, n) in enumerate(zip(np.asarray(k), np.asarray(N), strict=True)):
        J = n * spin
        c = float(hom.coupling_constant(n, spin))
        mu = mu_sqrt_n / np.sqrt(n)
        protocol = hom.Protocol.ideal(mu, nu_over_mu * mu, int(round(kk)))
        sector = hom.Sector(J, J)
        yield i, n, sector, _solve(sector, protocol, c, c)


@contract.solver
@validates(_check_vs_k)
def fidelity_vs_k(*, k, N, mu_sqrt_n, nu_over_mu, spin=0.5) -> xr.Dataset:
    """Fig. B1: <Psi_TMS| rho_ss |Psi_TMS> of the maximal-J steady state, exact and ME."""
    fid = np.full((2, np.size(k)), np.nan)
    for i, n, sector, sol in _per_point(k, N, mu_sqrt_n, nu_over_mu, spin):
        psi = hom.tms_state(n * spin, nu_over_mu)
        for j, key in enumerate(("exact", "me")):
            if sol[key] is not None:
                fid[j, i] = hom.fidelity_pure(sector, sol[key], psi)
    return xr.Dataset(
        {
            "fidelity_exact": _var(fid[0], "fidelity with |Psi_TMS>, Eq. (7), exact map"),
            "fidelity_me": _var(fid[1], "fidelity with |Psi_TMS>, Eq. (7), 2nd-order ME"),
        }
    )


def singlet_witness(sector, x) -> float:
    """<W> = 1/4 + <I_1 . I_2> (B2) for N1 = N2 = 1 spin-1/2 (NaN otherwise)."""
    if sector.d1 != 2 or sector.d2 != 2:
        return np.nan
    m = hom.moments(sector, x)
    i1_dot_i2 = (
        m["epr_numerator"] + m["jz1_sq"] + m["jz2_sq"] + 2 * _jz1jz2(sector, x) - 2 * 0.75
    ) / 2  # <J^2> = 3/2 + 2 <I1.I2>
    return 0.25 + i1_dot_i2


def _jz1jz2(sector, x) -> float:
    d = sector.diagonal
    i = sector.ket[d]
    return float(np.sum(sector.m1[i] * sector.m2[i] * np.real(x[d])))


def min_pt_eigenvalue(sector, x) -> float:
    """Lowest eigenvalue of rho^{T2} (partial transpose on ensemble 2, Dicke basis; equal to
    the full-space value since the Dicke states are real combinations of product states)."""
    rho = sector.to_dense(x).reshape(sector.d1, sector.d2, sector.d1, sector.d2)
    pt = rho.transpose(0, 3, 2, 1).reshape(sector.D, sector.D)
    return float(np.linalg.eigvalsh(0.5 * (pt + pt.conj().T))[0])


@contract.solver
@validates(_check_vs_k)
def small_system_vs_k(*, k, N, mu_sqrt_n, nu_over_mu, spin=0.5) -> xr.Dataset:
    """Fig. B2: Delta_EPR, lowest eigenvalue of rho^{T2}, singlet witness (N = 1), exact and ME."""
    names = ("delta_epr", "min_pt_eigenvalue", "witness")
    out = {f"{q}_{m}": np.full(np.size(k), np.nan) for q in names for m in ("exact", "me")}
    for i, _, sector, sol in _per_point(k, N, mu_sqrt_n, nu_over_mu, spin):
        for key in ("exact", "me"):
            x = sol[key]
            if x is None:
                continue
            out[f"delta_epr_{key}"][i] = hom.delta_epr(hom.moments(sector, x))
            out[f"min_pt_eigenvalue_{key}"][i] = min_pt_eigenvalue(sector, x)
            out[f"witness_{key}"][i] = singlet_witness(sector, x)
    label = {"exact": "exact map", "me": "2nd-order ME"}
    long = {
        "delta_epr": "Delta_EPR, Eq. (5)",
        "min_pt_eigenvalue": "lowest eigenvalue of the partial transpose rho^{T2}",
        "witness": "singlet witness <W> = 1/4 + <I_1.I_2> (N = 1 only)",
    }
    data = {}
    for q in names:
        for m in ("exact", "me"):
            data[f"{q}_{m}"] = _var(out[f"{q}_{m}"], f"{long[q]}, {label[m]}")
    return xr.Dataset(data)


# ---------------------------------------------------------------------------------------------
# Fig. C1: HP Delta_EPR for general dwell times and transport dephasing
# ---------------------------------------------------------------------------------------------
def _check_c1(
    *, p, n_ratio=1.0, mu2_over_mu1=1.0, nu1_over_mu1=0.8, nu2_over_mu1=None, r1=0.9, r2=0.8, k=1
):
    if np.any(np.asarray(p) < 0) or np.any(np.asarray(p) >= 0.5):
        raise ParameterError("p", "phase-flip probability must lie in [0, 0.5)")
    for name, v in (("n_ratio", n_ratio), ("mu2_over_mu1", mu2_over_mu1), ("r1", r1), ("r2", r2)):
        _check_positive(name, v)
    _check_k(k)


@contract.solver
@validates(_check_c1)
def hp_delta_epr_general(
    *, p, n_ratio=1.0, mu2_over_mu1=1.0, nu1_over_mu1=0.8, nu2_over_mu1=None, r1=0.9, r2=0.8, k=1
) -> xr.Dataset:
    """HP Delta_EPR (C11-C14, leading order in 1/J) for Table A1 dwell times, mu1 = 1.

    J1/J2 = r1 N1 / (r2 N2). ``nu2_over_mu1`` None means nu2 = nu1. Points where the linear
    system has no physical steady state (kappa_j >= 0, negative boson number) are NaN.
    """
    nu2 = nu1_over_mu1 if nu2_over_mu1 is None else nu2_over_mu1
    mu1, mu2, nu1 = 1.0, mu2_over_mu1, nu1_over_mu1
    mom = hp.steady_moments(mu1, mu2, nu1, nu2, r1, r2, p, k)
    J1 = r1 * np.asarray(n_ratio, float)
    J2 = r2 * np.ones_like(J1)
    value = hp.delta_epr(J1, J2, mom["n1"], mom["n2"], mom["c12"], leading_order=True)
    ok = (mom["kappa1"] < 0) & (mom["kappa2"] < 0) & (mom["n1"] >= 0) & (mom["n2"] >= 0)
    value = np.where(ok, value, np.nan)
    value = np.broadcast_to(value, np.broadcast(p, n_ratio, mu2_over_mu1, nu1_over_mu1, nu2).shape)
    return xr.Dataset({"delta_epr_hp": _var(value, "Delta_EPR, HP approximation (C11-C14)")})


# ---------------------------------------------------------------------------------------------
# Fig. C2: stabilization time vs N
# ---------------------------------------------------------------------------------------------
def _check_c2(*, N, mu_sqrt_n, nu_over_mu, k=1, spin=0.5, max_cycles_factor=20.0):
    _check_n(N, spin)
    _check_positive("mu_sqrt_n", mu_sqrt_n)
    _check_ratio(nu_over_mu)
    _check_k(k)


def _crossing_time(values: np.ndarray, target: float) -> float:
    """First (linearly interpolated) cycle at which |values - v_inf| falls below target."""
    below = np.flatnonzero(values <= target)
    if below.size == 0:
        return np.nan
    n = below[0]
    if n == 0:
        return 0.0
    v0, v1 = values[n - 1], values[n]
    return float(n - 1 + (v0 - target) / (v0 - v1))


@contract.solver
@validates(_check_c2)
def stabilization_time_vs_n(
    *, N, mu_sqrt_n, nu_over_mu, k=1, spin=0.5, max_cycles_factor=20.0
) -> xr.Dataset:
    """Cycles for <Jz1> to cover 1 - 1/e of its way to the steady state (2nd-order ME,
    rho_{n+1} = (1 + L) rho_n), from |Psi_FP> and from the maximally mixed state of the
    maximal-J sector; the HP prediction (C16) -1/log(1 - 2 kappa) and 1/(2 kappa)."""
    N = np.asarray(N, float)
    t_fp, t_mix = np.full(N.size, np.nan), np.full(N.size, np.nan)
    for i, n in enumerate(N):
        J = n * spin
        c = float(hom.coupling_constant(n, spin))
        mu = mu_sqrt_n / np.sqrt(n)
        protocol = hom.Protocol.ideal(mu, nu_over_mu * mu, int(k))
        sector = hom.Sector(J, J)
        L = hom.me_generator(sector, protocol, c, c)
        step = (sp.identity(sector.size, format="csr") + L).tocsr()
        x_inf = hom.MESolver(sector, L).steady_state()
        d = sector.diagonal
        m1 = sector.m1[sector.ket[d]]
        jz_inf = float(np.sum(m1 * np.real(x_inf[d])))
        n_max = int(max_cycles_factor / (2 * float(hp.kappa(mu, nu_over_mu * mu))))
        states = np.stack([sector.fully_polarized(), sector.maximally_mixed()], axis=1)
        dist0 = np.abs(np.real(m1 @ states[d]) - jz_inf)
        traj = np.empty((n_max + 1, 2))
        for cycle in range(n_max + 1):
            traj[cycle] = np.abs(np.real(m1 @ states[d]) - jz_inf) / dist0
            if np.all(traj[cycle] < np.exp(-1) * 0.999):
                traj = traj[: cycle + 1]
                break
            states = step @ states
        t_fp[i] = _crossing_time(traj[:, 0], np.exp(-1))
        t_mix[i] = _crossing_time(traj[:, 1], np.exp(-1))
    kap = hp.kappa(mu_sqrt_n / np.sqrt(N), nu_over_mu * mu_sqrt_n / np.sqrt(N))
    return xr.Dataset(
        {
            "time_fully_polarized": _var(
                t_fp, "stabilization time from |Psi_FP>, 2nd-order ME", "cycles"
            ),
            "time_mixed": _var(
                t_mix,
                "stabilization time from the maximally mixed maximal-J state, 2nd-order ME",
                "cycles",
            ),
            "time_hp": _var(1 / (2 * kap), "T = 1/(2 kappa), HP (C16)", "cycles"),
            "time_hp_log": _var(
                -1 / np.log1p(-2 * kap), "T = -1/log(1 - 2 kappa), HP (C16)", "cycles"
            ),
        }
    )


# ---------------------------------------------------------------------------------------------
# Table II
# ---------------------------------------------------------------------------------------------
HBAR_MICRO_EV_NS = 6.582119569e-16 * 1e6 * 1e9  # hbar = 6.582e-16 eV s in micro-eV ns


def _check_table(*, materials: str, N, A_H, spin, T_dd, mu_sqrt_2in=1.5, nu_over_mu=0.8, k=1):
    names = [m.strip() for m in materials.split(",")]
    sizes = {len(np.atleast_1d(v)) for v in (N, A_H, spin, T_dd)}
    if sizes != {len(names)}:
        raise ParameterError("materials", "N, A_H, spin and T_dd need one entry per material")
    for name, v in (("N", N), ("A_H", A_H), ("spin", spin)):
        _check_positive(name, v)
    _check_ratio(nu_over_mu)


@contract.solver
@validates(_check_table)
def experimental_scales(
    *, materials: str, N, A_H, spin, T_dd, mu_sqrt_2in=1.5, nu_over_mu=0.8, k=1
) -> xr.Dataset:
    """Table II: mu = 1.5/sqrt(2 I N), nu = 0.8 mu, g = A_H sqrt(2I/N); Delta t = 2 mu (2/g)
    (dwell times only), T_ent = Delta t / (2 kappa) and the cycle count 1/(2 kappa)."""
    names = [m.strip() for m in materials.split(",")]
    N, A_H, spin, T_dd = (np.asarray(v, float) for v in (N, A_H, spin, T_dd))
    mu = mu_sqrt_2in / np.sqrt(2 * spin * N)
    nu = nu_over_mu * mu
    g = A_H * np.sqrt(2 * spin / N)  # micro-eV
    dt = 2 * mu * (2 / g) * HBAR_MICRO_EV_NS  # ns
    cycles = 1 / (2 * hp.kappa(mu, nu))
    dims = ("point", "material")

    def v(x, name, units):
        return _var(np.asarray(x)[None, :], name, units, dims)

    return xr.Dataset(
        {
            "N": v(N, "number of nuclei per dot N", "1"),
            "A_H": v(A_H, "hyperfine constant A_H", "micro-eV"),
            "spin": v(spin, "nuclear spin I", "1"),
            "cycle_time": v(dt, "time per cycle Delta t = 2 mu (1/g1 + 1/g2)", "ns"),
            "entangling_cycles": v(cycles, "T_ent in cycles, 1/(2 kappa)", "cycles"),
            "cycles_per_IN": v(cycles / (spin * N), "1/(2 kappa) / (I N)", "1"),
            "T_ent": v(cycles * dt * 1e-6, "entangling time T_ent = Delta t/(2 kappa)", "ms"),
            "T_dd": v(T_dd, "nuclear dipole-dipole dephasing time (input, as printed)", "ms"),
        },
        coords={
            "material": (
                "material",
                np.array(names, dtype=object),
                {"long_name": "material", "units": "1"},
            )
        },
    )
