"""Figure solvers of Bello et al. (2022), homogeneous part: Figs. 2, B1, B2, C1-C3, Table II.

Every solver takes keyword-only grid axes (1-D arrays over ``point``) and params, and returns an
``xarray.Dataset`` along ``point``. Dwell times are given as ``mu_sqrt_n = mu sqrt(N)`` (the
papers' mu = 0.5/sqrt(N) is ``mu_sqrt_n: 0.5``) and ``nu_over_mu`` = nu/mu; spin-I nuclei,
spin-1/2 by default; N1 = N2 = N unless stated. Parameter constraints are declared with the
markers of :mod:`dissent.contract`; the ``_check_*`` functions hold only the relations between
parameters.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import scipy.sparse as sp
import xarray as xr

from ... import contract
from ...contract import Count, Number, Numbers, Positive, Real, Vector
from ...io import cf_variable
from ...quantum.measures import min_pt_eigenvalue
from ...registry import ParameterError
from . import dicke, hp, observables, sparse
from .protocol import Protocol, coupling_constant, kappa_ideal

ENSEMBLES = np.array([1, 2])

# markers of this module's parameters
NuOverMu = Annotated[float, Number(0.0, 1.0, low_open=True, high_open=True)]  # kappa > 0
PhaseFlip = Annotated[float, Number(0.0, 0.5, high_open=True)]  # p < 1/2: coherence 1 - 2p > 0
Spin = Annotated[float, Number(low=0.5)]  # nuclear spin I (a half-integer, see _check_spin)
AngularMomentum = Annotated[float, Number(low=0.0)]  # J >= 0 (allowed values: _check_sector)
Mirror = Annotated[int, Number(0, 1, integer=True)]
PositiveNumbers = Annotated[np.ndarray, Vector(element=Number(low=0.0, low_open=True))]


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _var(values, long_name, units="1", dims="point"):
    """A float data variable with its CF attributes (:func:`dissent.io.cf_variable`)."""
    return cf_variable(dims, np.asarray(values, float), long_name, units)


def _ensemble_coord():
    return {"ensemble": cf_variable("ensemble", ENSEMBLES, "nuclear ensemble (QD index j)")}


def _check_spin(spin):
    if abs(2 * spin - round(2 * spin)) > 1e-12:
        raise ParameterError("spin", f"nuclear spin I must be a half-integer; got {spin!r}")


def _solve(sector, protocol, c1, c2, *, exact=True, me=None):
    """ME and exact steady states of one sector; exact failure -> None plus a diagnostic.

    ``me``: the :class:`sparse.MESolver` of this sector and protocol if already built.
    """
    if me is None:
        me = sparse.MESolver(sector, dicke.me_generator(sector, protocol, c1, c2))
    out = {"me": me.steady_state(), "exact": None, "iterations": 0, "residual": np.nan}
    if not exact:
        return out
    factors = dicke.cycle_factors(sector, protocol, c1, c2)
    try:
        x, iterations, residual = sparse.exact_steady_state_of_map(sector, factors, me)
        out.update(exact=x, iterations=iterations, residual=residual)
    except sparse.SteadyStateError:
        out.update(iterations=-1)
    return out


def _observables(sector, x, n1, n2, spin):
    """(Delta_EPR, polarization 1, polarization 2) of a sector vector (NaN if None)."""
    if x is None:
        return np.nan, np.nan, np.nan
    m = dicke.moments(sector, x)
    return observables.delta_epr(m), m["Jz_1"] / (n1 * spin), m["Jz_2"] / (n2 * spin)


# ---------------------------------------------------------------------------------------------
# Fig. 2(a): HP Delta_EPR map, Eq. (11), J_j = N_j I
# ---------------------------------------------------------------------------------------------
@contract.solver
def hp_delta_epr_map(*, n_ratio: Positive, nu_over_mu: NuOverMu) -> xr.Dataset:
    """Eq. (11) with r1 = r2 = 1 and J1/J2 = N1/N2 (mu scales out)."""
    value = hp.eq11(1.0, nu_over_mu, n_ratio, 1.0, 1.0, 1.0)
    return xr.Dataset({"delta_epr_hp": _var(value, "EPR uncertainty Delta_EPR^HP, Eq. (11)")})


# ---------------------------------------------------------------------------------------------
# Fig. 2(b): steady state vs N in the maximal-J sector, exact map vs 2nd-order ME
# ---------------------------------------------------------------------------------------------
HP_VALID = (
    "1 if HP is meaningful: boson number n_j <= J_j/2 in both ensembles (polarization at least"
    " half of the maximal), else 0"
)


def _check_fig2b(*, spin=0.5, **_):
    _check_spin(spin)


def _cost_vs_n(*, N, spin=0.5, **_):
    """Sparse LU and GMRES of the maximal-J sector: ~ size^1.5 (measured N = 30..50)."""
    J = np.asarray(N, float) * spin
    return dicke.sector_size(J, J) ** 1.5


@contract.solver(check=_check_fig2b, cost=_cost_vs_n)
def steady_state_vs_n(
    *,
    N: Count,
    nu_over_mu: NuOverMu,
    mu_sqrt_n: Positive,
    k: Count,
    spin: Spin = 0.5,
    p: PhaseFlip = 0.0,
) -> xr.Dataset:
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
    solved = {}  # N -> (sector, MESolver, its mu): the generator at mu' is (mu'/mu)^2 times it
    for i, n in enumerate(N):
        J = n * spin
        c = float(coupling_constant(n, spin))
        mu = mu_sqrt_n[i] / np.sqrt(n)
        protocol = Protocol.ideal(mu, nu_over_mu * mu, int(k), p)
        if n not in solved:
            sector = dicke.Sector(J, J)
            L = dicke.me_generator(sector, protocol, c, c)
            solved[n] = (sector, sparse.MESolver(sector, L), mu)
        sector, me, mu_factored = solved[n]
        sol = _solve(sector, protocol, c, c, me=me.scaled((mu / mu_factored) ** 2))
        for j, key in enumerate(("exact", "me")):
            e, p1, p2 = _observables(sector, sol[key], n, n, spin)
            epr[j, i] = e
            pol[j, i] = (p1, p2)
        iters[i], resid[i] = sol["iterations"], sol["residual"]
        mom = hp.steady_moments(mu, mu, nu_over_mu * mu, nu_over_mu * mu, 1.0, 1.0, p, k)
        hp_ok[i] = hp.valid(J, mom["n1"]) and hp.valid(J, mom["n2"])
        if hp_ok[i]:
            hp_n[i] = observables.hp_delta_epr(J, J, mom["n1"], mom["n2"], mom["c12"])
    mom = hp.steady_moments(1.0, 1.0, nu_over_mu, nu_over_mu, 1.0, 1.0, p, k)
    limit = observables.hp_delta_epr(1.0, 1.0, mom["n1"], mom["n2"], mom["c12"], leading_order=True)
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
def _check_sector(*, J1, J2, N, spin=0.5, mirror=0, **_):
    _check_spin(spin)
    if mirror and not np.array_equal(np.unique(J1), np.unique(J2)):
        raise ParameterError("mirror", "needs the same J values on the J1 and J2 axes")
    allowed = dicke.allowed_j(N, spin)
    for name, J in (("J1", J1), ("J2", J2)):
        if not np.all(np.isin(np.round(2 * np.asarray(J, float)), np.round(2 * allowed))):
            raise ParameterError(name, f"total angular momentum must be one of {allowed[::-1]}")


def _cost_sector(*, J1, J2, mirror=0, **_):
    """Sparse LU of the steady block (a quarter of the sector if J1 = J2, else half) ~ size^2;
    the mirrored sectors (J1 > J2 with ``mirror``) cost nothing."""
    J1, J2 = np.asarray(J1, float), np.asarray(J2, float)
    block = dicke.sector_size(J1, J2) / np.where(J1 == J2, 4.0, 2.0)
    return np.where(bool(mirror) & (J1 > J2), 0.0, block**2 + 1e4)


@contract.solver(check=_check_sector, cost=_cost_sector)
def sector_moments(
    *,
    J1: AngularMomentum,
    J2: AngularMomentum,
    N: Count,
    nu_over_mu: NuOverMu,
    k: Count,
    spin: Spin = 0.5,
    j_axis: Numbers | None = None,
    width_sq: Positive = 3.0,
    mirror: Mirror = 0,
) -> xr.Dataset:
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
    c = float(coupling_constant(N, spin))
    protocol = Protocol.ideal(1.0, nu_over_mu, int(k))  # the ME steady state is scale-free
    out = {
        f"{m}_{q}": np.full(J1.size, np.nan)
        for m in ("me", "hp")
        for q in ("numerator", "jz1", "jz2")
    }
    for i, (j1, j2) in enumerate(zip(J1, J2, strict=True)):
        if mirror and j1 > j2:
            continue
        sector = dicke.Sector(j1, j2)
        me = sparse.MESolver(sector, dicke.me_generator(sector, protocol, c, c))
        m = dicke.moments(sector, me.steady_state())
        out["me_numerator"][i], out["me_jz1"][i], out["me_jz2"][i] = (
            m["var_J"],
            m["Jz_1"],
            m["Jz_2"],
        )
    r1, r2 = J1 / (N * spin), J2 / (N * spin)
    mom = hp.steady_moments(1.0, 1.0, nu_over_mu, nu_over_mu, r1, r2, 0.0, k)
    out["hp_numerator"] = observables.hp_variance_sum(J1, J2, mom["n1"], mom["n2"], mom["c12"])
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
                pj = dicke.j_distribution(kind, J, N, a, spin, width_sq)
                w = np.outer(pj, pj)
                mixed = [
                    np.sum(w * ds[f"{method}_{q}"].transpose("J1", "J2").values)
                    for q in ("numerator", "jz1", "jz2")
                ]
                ok.append(np.sum(w[~sector_ok]) <= HP_BAD_WEIGHT)
                vals.append(observables.epr_ratio(*mixed) if method == "me" or ok[-1] else np.nan)
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


def _check_dist(*, spin=0.5, **_):
    _check_spin(spin)


@contract.solver(check=_check_dist)
def j_distributions(
    *,
    J: AngularMomentum,
    N: Count,
    j_min: AngularMomentum,
    j_mean: Real,
    width_sq: Positive = 3.0,
    spin: Spin = 0.5,
) -> xr.Dataset:
    """Fig. C3: equal-weight (C17) and Gaussian (C19) p(J), normalised over the allowed J."""
    allowed = dicke.allowed_j(N, spin)
    J = np.asarray(J, float)
    pu = dicke.j_distribution("uniform", allowed, N, j_min, spin, width_sq)
    pg = dicke.j_distribution("gaussian", allowed, N, j_mean, spin, width_sq)

    def pick(p):
        return np.array([p[np.isclose(allowed, j)].sum() for j in J])

    return xr.Dataset(
        {
            "p_uniform": _var(pick(pu), f"p(J), equal-weight mixture of J >= {j_min:g} (C17)"),
            "p_gaussian": _var(pick(pg), f"p(J), Gaussian, mean {j_mean:g}, w^2 = {width_sq:g}"),
            "multiplicity": _var(
                dicke.dicke_multiplicity(N, J, spin), "Dicke multiplicity D(J), (C18)"
            ),
        }
    )


# ---------------------------------------------------------------------------------------------
# Figs. B1, B2: small systems vs k
# ---------------------------------------------------------------------------------------------
def _check_vs_k(*, spin=0.5, **_):
    _check_spin(spin)


def _per_point(k, N, mu_sqrt_n, nu_over_mu, spin):
    for i, (kk, n) in enumerate(zip(np.asarray(k), np.asarray(N), strict=True)):
        J = n * spin
        c = float(coupling_constant(n, spin))
        mu = mu_sqrt_n / np.sqrt(n)
        protocol = Protocol.ideal(mu, nu_over_mu * mu, int(round(kk)))
        sector = dicke.Sector(J, J)
        yield i, n, sector, _solve(sector, protocol, c, c)


def _cost_vs_k(*, k, N, spin=0.5, **_):
    """Sector size^1.5 (LU, GMRES) plus k squarings of the local step's superoperator."""
    J = np.asarray(N, float) * spin
    size = dicke.sector_size(J, J)
    return size**1.5 + size * np.log2(np.asarray(k, float) + 1)


@contract.solver(check=_check_vs_k, cost=_cost_vs_k)
def fidelity_vs_k(
    *, k: Count, N: Count, mu_sqrt_n: Positive, nu_over_mu: NuOverMu, spin: Spin = 0.5
) -> xr.Dataset:
    """Fig. B1: <Psi_TMS| rho_ss |Psi_TMS> of the maximal-J steady state, exact and ME."""
    fid = np.full((2, np.size(k)), np.nan)
    for i, n, sector, sol in _per_point(k, N, mu_sqrt_n, nu_over_mu, spin):
        psi = dicke.tms_state(n * spin, nu_over_mu)
        for j, key in enumerate(("exact", "me")):
            if sol[key] is not None:
                fid[j, i] = dicke.fidelity_pure(sector, sol[key], psi)
    return xr.Dataset(
        {
            "fidelity_exact": _var(fid[0], "fidelity with |Psi_TMS>, Eq. (7), exact map"),
            "fidelity_me": _var(fid[1], "fidelity with |Psi_TMS>, Eq. (7), 2nd-order ME"),
        }
    )


@contract.solver(check=_check_vs_k, cost=_cost_vs_k)
def small_system_vs_k(
    *, k: Count, N: Count, mu_sqrt_n: Positive, nu_over_mu: NuOverMu, spin: Spin = 0.5
) -> xr.Dataset:
    """Fig. B2: Delta_EPR, lowest eigenvalue of rho^{T2}, singlet witness (N = 1), exact and ME."""
    names = ("delta_epr", "min_pt_eigenvalue", "witness")
    out = {f"{q}_{m}": np.full(np.size(k), np.nan) for q in names for m in ("exact", "me")}
    for i, _, sector, sol in _per_point(k, N, mu_sqrt_n, nu_over_mu, spin):
        for key in ("exact", "me"):
            x = sol[key]
            if x is None:
                continue
            out[f"delta_epr_{key}"][i] = observables.delta_epr(dicke.moments(sector, x))
            rho = sector.to_dense(x)  # partial transpose in the Dicke basis: real combinations
            out[f"min_pt_eigenvalue_{key}"][i] = min_pt_eigenvalue(rho, (sector.d1, sector.d2))
            if sector.d1 == sector.d2 == 2:  # N = 1
                out[f"witness_{key}"][i] = observables.singlet_witness(dicke.moments(sector, x))
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
@contract.solver
def hp_delta_epr_general(
    *,
    p: PhaseFlip,
    n_ratio: Positive = 1.0,
    mu2_over_mu1: Positive = 1.0,
    nu1_over_mu1: Real = 0.8,
    nu2_over_mu1: Real | None = None,
    r1: Positive = 0.9,
    r2: Positive = 0.8,
    k: Count = 1,
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
    value = observables.hp_delta_epr(J1, J2, mom["n1"], mom["n2"], mom["c12"], leading_order=True)
    ok = (mom["kappa1"] < 0) & (mom["kappa2"] < 0) & (mom["n1"] >= 0) & (mom["n2"] >= 0)
    value = np.where(ok, value, np.nan)
    value = np.broadcast_to(value, np.broadcast(p, n_ratio, mu2_over_mu1, nu1_over_mu1, nu2).shape)
    return xr.Dataset({"delta_epr_hp": _var(value, "Delta_EPR, HP approximation (C11-C14)")})


# ---------------------------------------------------------------------------------------------
# Fig. C2: stabilization time vs N
# ---------------------------------------------------------------------------------------------
def _check_c2(*, spin=0.5, **_):
    _check_spin(spin)


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


def _relaxation_times(sector, L, states, n_max) -> list[float]:
    """1/e crossing cycles of |<Jz1>_n - <Jz1>_inf| under rho_{n+1} = (1 + L) rho_n.

    The states (columns, sector vectors) and <Jz1> are transpose- and swap-symmetric, so the
    map is iterated in the ("sym", "even") block of :class:`MESolver`'s reduction (a quarter
    of the sector), until both states have crossed or n_max cycles.
    """
    me = sparse.MESolver(sector, L)
    key = me.red.steady_key
    block = me.red.blocks[key]
    step = (sp.identity(block["reps"].size, format="csr") + me.red.restrict(me.L, key)).tocsr()
    d = sector.diagonal
    jz1 = np.zeros(sector.size)
    jz1[d] = sector.m1[sector.ket[d]]
    jz_inf = float(jz1 @ np.real(me.steady_state()))
    X = np.real(np.asarray(states)[block["reps"]])  # (block size, states)
    if not np.allclose(block["expand"] @ X, states, rtol=0, atol=1e-14):
        raise ValueError("initial states must be real, transpose- and swap-symmetric")
    F = block["expand"].T @ jz1
    dist0 = np.abs(F @ X - jz_inf)
    traj = np.empty((n_max + 1, X.shape[1]))
    for cycle in range(n_max + 1):
        traj[cycle] = np.abs(F @ X - jz_inf) / dist0
        if np.all(traj[cycle] < np.exp(-1) * 0.999):
            traj = traj[: cycle + 1]
            break
        X = step @ X
    return [_crossing_time(traj[:, j], np.exp(-1)) for j in range(X.shape[1])]


def _cost_c2(*, N, spin=0.5, **_):
    """~ N cycles (1/kappa ~ N) of a sector vector of size ~ N^3."""
    N = np.asarray(N, float)
    return N * dicke.sector_size(N * spin, N * spin)


@contract.solver(check=_check_c2, cost=_cost_c2)
def stabilization_time_vs_n(
    *,
    N: Count,
    mu_sqrt_n: Positive,
    nu_over_mu: NuOverMu,
    k: Count = 1,
    spin: Spin = 0.5,
    max_cycles_factor: Positive = 20.0,
) -> xr.Dataset:
    """Cycles for <Jz1> to cover 1 - 1/e of its way to the steady state (2nd-order ME,
    rho_{n+1} = (1 + L) rho_n), from |Psi_FP> and from the maximally mixed state of the
    maximal-J sector; the HP prediction (C16) -1/log(1 - 2 kappa) and 1/(2 kappa)."""
    N = np.asarray(N, float)
    t_fp, t_mix = np.full(N.size, np.nan), np.full(N.size, np.nan)
    for i, n in enumerate(N):
        J = n * spin
        c = float(coupling_constant(n, spin))
        mu = mu_sqrt_n / np.sqrt(n)
        protocol = Protocol.ideal(mu, nu_over_mu * mu, int(k))
        sector = dicke.Sector(J, J)
        L = dicke.me_generator(sector, protocol, c, c)
        two_kappa = 2 * float(kappa_ideal(mu, nu_over_mu * mu))
        states = np.stack([sector.fully_polarized(), sector.maximally_mixed()], axis=1)
        t_fp[i], t_mix[i] = _relaxation_times(sector, L, states, int(max_cycles_factor / two_kappa))
    kap = kappa_ideal(mu_sqrt_n / np.sqrt(N), nu_over_mu * mu_sqrt_n / np.sqrt(N))
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


def _check_table(*, materials: str, N, A_H, spin, T_dd, **_):
    names = [m.strip() for m in materials.split(",")]
    sizes = {len(np.atleast_1d(v)) for v in (N, A_H, spin, T_dd)}
    if sizes != {len(names)}:
        raise ParameterError("materials", "N, A_H, spin and T_dd need one entry per material")


@contract.solver(check=_check_table)
def experimental_scales(
    *,
    materials: str,
    N: PositiveNumbers,
    A_H: PositiveNumbers,
    spin: PositiveNumbers,
    T_dd: Numbers,
    mu_sqrt_2in: Positive = 1.5,
    nu_over_mu: NuOverMu = 0.8,
    k: Count = 1,
) -> xr.Dataset:
    """Table II: mu = 1.5/sqrt(2 I N), nu = 0.8 mu, g = A_H sqrt(2I/N); Delta t = 2 mu (2/g)
    (dwell times only), T_ent = Delta t / (2 kappa) and the cycle count 1/(2 kappa)."""
    names = [m.strip() for m in materials.split(",")]
    N, A_H, spin, T_dd = (np.asarray(v, float) for v in (N, A_H, spin, T_dd))
    mu = mu_sqrt_2in / np.sqrt(2 * spin * N)
    nu = nu_over_mu * mu
    g = A_H * np.sqrt(2 * spin / N)  # micro-eV
    dt = 2 * mu * (2 / g) * HBAR_MICRO_EV_NS  # ns
    cycles = 1 / (2 * kappa_ideal(mu, nu))
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
