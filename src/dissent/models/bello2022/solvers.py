"""Figure solvers of Bello et al. (2022): homogeneous part (Figs. 2, B1, B2, C1-C3, Table II),
then, in the block at the end, the inhomogeneous part, covariance EoMs and shell model (Figs. 3,
D1-D4, 4, E1, E2).

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
from ...contract import Count, NonNegativeInt, Number, Numbers, Positive, Real, TimeGrid, Vector
from ...io import cf_flag, cf_variable, cycles_coordinate
from ...quantum.measures import min_pt_eigenvalue
from ...registry import ParameterError
from . import continuation, couplings, dicke, eom, fullspace, hp, observables, shell, sparse
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
@contract.solver(outputs=("delta_epr_hp",))
def hp_delta_epr_map(*, n_ratio: Positive, nu_over_mu: NuOverMu) -> xr.Dataset:
    """Eq. (11) with r1 = r2 = 1 and J1/J2 = N1/N2 (mu scales out)."""
    value = hp.eq11(1.0, nu_over_mu, n_ratio, 1.0, 1.0, 1.0)
    return xr.Dataset(
        {"delta_epr_hp": cf_variable("point", value, "EPR uncertainty Delta_EPR^HP, Eq. (11)")}
    )


# ---------------------------------------------------------------------------------------------
# Fig. 2(b): steady state vs N in the maximal-J sector, exact map vs 2nd-order ME
# ---------------------------------------------------------------------------------------------
HP_VALID = (
    "HP meaningful: boson number n_j <= J_j/2 in both ensembles (polarization at least half of"
    " the maximal)"
)


def _check_fig2b(*, spin=0.5, **_):
    _check_spin(spin)


def _cost_vs_n(*, N, spin=0.5, **_):
    """Sparse LU and GMRES of the maximal-J sector: ~ size^1.5 (measured N = 30..50)."""
    J = np.asarray(N, float) * spin
    return dicke.sector_size(J, J) ** 1.5


@contract.solver(
    outputs=(
        "delta_epr_exact",
        "delta_epr_exact_reduced_mu",
        "delta_epr_hp_finite",
        "delta_epr_hp_limit",
        "delta_epr_me",
        "ensemble",
        "exact_gmres_iterations",
        "exact_gmres_iterations_reduced_mu",
        "exact_residual",
        "exact_residual_reduced_mu",
        "hp_valid",
        "polarization_exact",
        "polarization_exact_reduced_mu",
        "polarization_me",
    ),
    check=_check_fig2b,
    cost=_cost_vs_n,
)
def steady_state_vs_n(
    *,
    N: Count,
    nu_over_mu: NuOverMu,
    mu_sqrt_n: Positive,
    k: Count,
    spin: Spin = 0.5,
    p: PhaseFlip = 0.0,
    mu_sqrt_n_reduced: Positive | None = None,
) -> xr.Dataset:
    """Steady state in the sector J1 = J2 = N I from |Psi_FP>: exact map (Eq. 2) and ME (Eq. 3).

    Also the HP value of the same protocol (linear system C5-C13 with its 1/J corrections) and
    Eq. (11)'s J -> infinity limit. ``mu_sqrt_n_reduced``: the exact map also at this second
    interaction time (the ``*_reduced_mu`` variables; the ME and HP values do not depend on mu).
    """
    N = np.asarray(N, float)
    npts = N.size
    mu_sqrt_n = np.broadcast_to(np.asarray(mu_sqrt_n, float), N.shape)  # a param or a grid axis
    mus = (
        [mu_sqrt_n] if mu_sqrt_n_reduced is None else [mu_sqrt_n, np.full(npts, mu_sqrt_n_reduced)]
    )
    epr = np.full((len(mus) + 1, npts), np.nan)  # exact at each mu, then the ME
    pol = np.full((len(mus) + 1, npts, 2), np.nan)
    iters = np.zeros((len(mus), npts))
    resid = np.full((len(mus), npts), np.nan)
    hp_n = np.full(npts, np.nan)
    hp_ok = np.zeros(npts)  # 0/1 flags, stored as float
    # (N, sector, MESolver, its mu) of the last N: the generator at mu' is (mu'/mu)^2 times it,
    # so consecutive points of one N share the LUs (only one N's factors are kept in memory)
    solved = (None, None, None, None)
    for i, n in enumerate(N):
        J = n * spin
        c = float(coupling_constant(n, spin))
        for m, mu_sqrt in enumerate(mus):
            mu = mu_sqrt[i] / np.sqrt(n)
            protocol = Protocol.ideal(mu, nu_over_mu * mu, int(k), p)
            if solved[0] != n:
                sector = dicke.Sector(J, J)
                L = dicke.me_generator(sector, protocol, c, c)
                # float64 factors: they precondition GMRES, where float32 ones (refined or not)
                # cost more in solves or iterations than they save in factorisation
                solved = (n, sector, sparse.MESolver(sector, L, single=False), mu)
            _, sector, me, mu_factored = solved
            sol = _solve(sector, protocol, c, c, me=me.scaled((mu / mu_factored) ** 2))
            for j, key in ((m, "exact"), (-1, "me")):
                e, p1, p2 = _observables(sector, sol[key], n, n, spin)
                epr[j, i] = e
                pol[j, i] = (p1, p2)
            iters[m, i], resid[m, i] = sol["iterations"], sol["residual"]
        mu = mu_sqrt_n[i] / np.sqrt(n)
        mom = hp.steady_moments(mu, mu, nu_over_mu * mu, nu_over_mu * mu, 1.0, 1.0, p, k)
        hp_ok[i] = hp.valid(J, mom["n1"]) and hp.valid(J, mom["n2"])
        if hp_ok[i]:
            hp_n[i] = observables.hp_delta_epr(J, J, mom["n1"], mom["n2"], mom["c12"])
    mom = hp.steady_moments(1.0, 1.0, nu_over_mu, nu_over_mu, 1.0, 1.0, p, k)
    limit = observables.hp_delta_epr(1.0, 1.0, mom["n1"], mom["n2"], mom["c12"], leading_order=True)
    pdims = ("point", "ensemble")
    ds = xr.Dataset(
        {
            "delta_epr_exact": cf_variable("point", epr[0], "Delta_EPR, exact cycle map Eq. (2)"),
            "delta_epr_me": cf_variable(
                "point", epr[-1], "Delta_EPR, 2nd-order master equation Eq. (3)"
            ),
            "polarization_exact": cf_variable(
                pdims, pol[0], "polarization <J^z_j>/(N_j I), exact map"
            ),
            "polarization_me": cf_variable(
                pdims, pol[-1], "polarization <J^z_j>/(N_j I), 2nd-order ME"
            ),
            "delta_epr_hp_finite": cf_variable(
                "point",
                hp_n,
                "Delta_EPR, HP linear system (C11-C14) at J=NI (NaN where hp_valid = 0)",
            ),
            "hp_valid": cf_flag("point", hp_ok, HP_VALID, {0: "not_meaningful", 1: "meaningful"}),
            "delta_epr_hp_limit": cf_variable(
                "point", np.full(npts, limit), "Delta_EPR^HP, J -> infinity limit (Eq. 11 for k=1)"
            ),
            "exact_gmres_iterations": cf_variable(
                "point",
                iters[0],
                "GMRES iterations of the exact steady state (0 = direct LU, -1 = failed)",
            ),
            "exact_residual": cf_variable(
                "point", resid[0], "relative residual max|(T-1)x| / ||T||_1"
            ),
        },
        coords=_ensemble_coord(),
    )
    if mu_sqrt_n_reduced is None:
        return ds
    at = f", at the reduced interaction time mu sqrt(N) = {mu_sqrt_n_reduced:g}"
    return ds.assign(
        delta_epr_exact_reduced_mu=cf_variable(
            "point", epr[1], ds.delta_epr_exact.long_name + at, mu_sqrt_n=mu_sqrt_n_reduced
        ),
        polarization_exact_reduced_mu=cf_variable(
            pdims, pol[1], ds.polarization_exact.long_name + at, mu_sqrt_n=mu_sqrt_n_reduced
        ),
        exact_gmres_iterations_reduced_mu=cf_variable(
            "point", iters[1], ds.exact_gmres_iterations.long_name + at
        ),
        exact_residual_reduced_mu=cf_variable("point", resid[1], ds.exact_residual.long_name + at),
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
    """Sparse LU of the steady block (a quarter of the sector if J1 = J2, else half) ~ size^2,
    plus building the generator ~ size and a fixed cost per sector: fitted to the measured
    CPU time, ~2.3e-9 s x (block^2 + 7e3 block + 6e6). The mirrored sectors (J1 > J2 with
    ``mirror``) cost nothing."""
    J1, J2 = np.asarray(J1, float), np.asarray(J2, float)
    block = dicke.sector_size(J1, J2) / np.where(J1 == J2, 4.0, 2.0)
    return np.where(bool(mirror) & (J1 > J2), 0.0, block**2 + 7e3 * block + 6e6)


@contract.solver(
    outputs=("hp_jz1", "hp_jz2", "hp_numerator", "me_jz1", "me_jz2", "me_numerator"),
    check=_check_sector,
    cost=_cost_sector,
)
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
            key: cf_variable(
                "point", v, f"steady-state {names[key[3:]]} of sector (J1, J2), {method[key[:2]]}"
            )
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


@contract.companion(
    outputs=(
        "J_mean",
        "J_min",
        "delta_epr_hp_gaussian",
        "delta_epr_hp_uniform",
        "delta_epr_me_gaussian",
        "delta_epr_me_uniform",
        "hp_valid_gaussian",
        "hp_valid_uniform",
    )
)
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
                out[f"hp_valid_{kind}"] = cf_flag(
                    label,
                    ok,
                    f"HP meaningful for the {kind} mixture: at most 1% of its weight in sectors "
                    "where HP is not (n_j > J_j/2 or J_j = 0)",
                    {0: "not_meaningful", 1: "meaningful"},
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


@contract.solver(outputs=("multiplicity", "p_gaussian", "p_uniform"), check=_check_dist)
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
            "p_uniform": cf_variable(
                "point", pick(pu), f"p(J), equal-weight mixture of J >= {j_min:g} (C17)"
            ),
            "p_gaussian": cf_variable(
                "point", pick(pg), f"p(J), Gaussian, mean {j_mean:g}, w^2 = {width_sq:g}"
            ),
            "multiplicity": cf_variable(
                "point", dicke.dicke_multiplicity(N, J, spin), "Dicke multiplicity D(J), (C18)"
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


@contract.solver(outputs=("fidelity_exact", "fidelity_me"), check=_check_vs_k, cost=_cost_vs_k)
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
            "fidelity_exact": cf_variable(
                "point", fid[0], "fidelity with |Psi_TMS>, Eq. (7), exact map"
            ),
            "fidelity_me": cf_variable(
                "point", fid[1], "fidelity with |Psi_TMS>, Eq. (7), 2nd-order ME"
            ),
        }
    )


@contract.solver(
    outputs=(
        "delta_epr_exact",
        "delta_epr_me",
        "min_pt_eigenvalue_exact",
        "min_pt_eigenvalue_me",
        "witness_exact",
        "witness_me",
    ),
    check=_check_vs_k,
    cost=_cost_vs_k,
)
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
            data[f"{q}_{m}"] = cf_variable("point", out[f"{q}_{m}"], f"{long[q]}, {label[m]}")
    return xr.Dataset(data)


# ---------------------------------------------------------------------------------------------
# Fig. C1: HP Delta_EPR for general dwell times and transport dephasing
# ---------------------------------------------------------------------------------------------
@contract.solver(outputs=("delta_epr_hp",))
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
    return xr.Dataset(
        {"delta_epr_hp": cf_variable("point", value, "Delta_EPR, HP approximation (C11-C14)")}
    )


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
    of the sector). It is the observable that is iterated (Heisenberg picture,
    <Jz1>_n = ((1 + L)^T)^n F . x_0): one sparse product per cycle for all states, until
    every state has crossed or n_max cycles.
    """
    me = sparse.MESolver(sector, L)
    key = me.red.steady_key
    block = me.red.blocks[key]
    step = sp.identity(block["reps"].size, format="csr") + me.red.restrict(me.L, key)
    step_adjoint = step.T.tocsr()
    d = sector.diagonal
    jz1 = np.zeros(sector.size)
    jz1[d] = sector.m1[sector.ket[d]]
    jz_inf = float(jz1 @ np.real(me.steady_state()))
    X = np.real(np.asarray(states)[block["reps"]])  # (block size, states)
    if not np.allclose(block["expand"] @ X, states, rtol=0, atol=1e-14):
        raise ValueError("initial states must be real, transpose- and swap-symmetric")
    F = block["expand"].T @ jz1  # <Jz1> = F . x on the block
    dist0 = np.abs(F @ X - jz_inf)
    traj = [np.ones(X.shape[1])]
    while np.any(traj[-1] >= np.exp(-1) * 0.999) and len(traj) <= n_max:
        F = step_adjoint @ F
        traj.append(np.abs(F @ X - jz_inf) / dist0)
    traj = np.array(traj)
    return [_crossing_time(traj[:, j], np.exp(-1)) for j in range(X.shape[1])]


def _cost_c2(*, N, spin=0.5, **_):
    """~ N cycles (1/kappa ~ N) of one sparse product on a block of size ~ N^3."""
    N = np.asarray(N, float)
    return N * dicke.sector_size(N * spin, N * spin)


@contract.solver(
    outputs=("time_fully_polarized", "time_hp", "time_hp_log", "time_mixed"),
    check=_check_c2,
    cost=_cost_c2,
)
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
            "time_fully_polarized": cf_variable(
                "point", t_fp, "stabilization time from |Psi_FP>, 2nd-order ME", "cycles"
            ),
            "time_mixed": cf_variable(
                "point",
                t_mix,
                "stabilization time from the maximally mixed maximal-J state, 2nd-order ME",
                "cycles",
            ),
            "time_hp": cf_variable("point", 1 / (2 * kap), "T = 1/(2 kappa), HP (C16)", "cycles"),
            "time_hp_log": cf_variable(
                "point", -1 / np.log1p(-2 * kap), "T = -1/log(1 - 2 kappa), HP (C16)", "cycles"
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


@contract.solver(
    outputs=(
        "A_H",
        "N",
        "T_dd",
        "T_ent",
        "cycle_time",
        "cycles_per_IN",
        "entangling_cycles",
        "material",
        "spin",
    ),
    check=_check_table,
)
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
        return cf_variable(dims, np.asarray(x, float)[None, :], name, units)

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


# =============================================================================================
# Inhomogeneous part, covariance EoMs and shell model: Figs. 3, D1-D4, 4, E1, E2
# (physics in fullspace, continuation, eom, shell; couplings in couplings). Dwell times as
# ``mu_sqrt_n`` = mu sqrt(N) (N1 = N2 = N) or ``mu_sqrt_n1`` = mu sqrt(N1), and ``nu_over_mu``.
# =============================================================================================
FIG_D_SCHEMES = ("spin_temperature", "boson", "hartree", "wick", "spin")  # Figs. D1, D2: 1-5
FIG_D3_SCHEMES = ("boson", "hartree_cross", "half_hartree", "majority", "z_rules")  # 2-6
FIG_D4_STATES = ("ud", "du", "uu")  # initial z-product states (QD1, QD2)

SchemeD12 = Annotated[int, Number(0, len(FIG_D_SCHEMES) - 1, integer=True)]
SchemeD3 = Annotated[int, Number(0, len(FIG_D3_SCHEMES) - 1, integer=True)]
InitialD4 = Annotated[int, Number(0, len(FIG_D4_STATES) - 1, integer=True)]
Flag = Annotated[int, Number(0, 1, integer=True)]
DickeN = Annotated[int, Number(1, 80, integer=True)]  # the Dicke sector grows as N^3
FullSpaceN = Annotated[int, Number(1, 6, integer=True)]  # 2^(N1 + N2) Hilbert space
RelativeStd = Annotated[float, Number(low=0.0)]
LatticeRadius = Annotated[float, Number(1.0, 10.0, low_open=True)]
Scheme = Annotated[str, contract.Choice(eom.SCHEMES)]
ShellWidth = Annotated[str, contract.Choice(("ratio", "absolute"))]
Couplings = Annotated[np.ndarray, Vector(element=Number(low=0.0, low_open=True))]
Shift = Annotated[np.ndarray, Vector(size=2)]


def _cycles(cycles) -> np.ndarray:
    """Integer cycle numbers: rounded, sorted, without repeats."""
    return np.unique(np.round(np.asarray(cycles, float)).astype(np.int64))


def _floats(values, long_name, units="1", dims="point"):
    """A float variable with its CF attributes (:func:`dissent.io.cf_variable`)."""
    return cf_variable(dims, np.asarray(values, float), long_name, units)


def _series(values, long_name, units="1"):
    """A float variable over (point, n): one value per point and cycle number."""
    return _floats(values, long_name, units, ("point", "n"))


# --- Fig. 3: exact map ------------------------------------------------------------------------
def _check_fig3_couplings(*, g1, g2, **_):
    for key, g in (("g1", g1), ("g2", g2)):
        if len(np.atleast_1d(g)) > 4:
            raise ParameterError(key, "1 to 4 couplings (the exact map is dense on 2^(N1+N2))")


@contract.solver(
    outputs=("Jz_1", "Jz_2", "delta", "delta_epr", "label", "lambda_min", "n", "trace"),
    check=_check_fig3_couplings,
)
def exact_dynamics(
    *,
    inhomogeneous: Flag,
    g1: Couplings,
    g2: Couplings,
    mu_sqrt_n1: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
) -> xr.Dataset:
    """Fig. 3: exact cycle map (Eq. 2) from |Psi_FP>: Delta, Delta_EPR and lambda_min(rho^T2).

    ``inhomogeneous`` (grid, 0/1): 0 uses homogeneous couplings g = 1/sqrt(N_j), 1 the given
    ``g1``, ``g2`` (normalised here); mu = ``mu_sqrt_n1``/sqrt(N1), nu = ``nu_over_mu`` mu.
    """
    cycles = _cycles(cycles)
    out = {key: [] for key in ("delta", "delta_epr", "lambda_min", "Jz_1", "Jz_2", "trace")}
    labels = []
    for inhom in np.asarray(inhomogeneous, int):
        G1, G2 = couplings.normalise(g1), couplings.normalise(g2)
        if inhom == 0:
            G1, G2 = couplings.normalise(np.ones(len(G1))), couplings.normalise(np.ones(len(G2)))
        n1, n2 = len(G1), len(G2)
        mu = mu_sqrt_n1 / np.sqrt(n1)
        M, idx = fullspace.cycle_map_sector(G1, G2, mu, nu_over_mu * mu, int(k))
        d = 2 ** (n1 + n2)
        rho0 = np.zeros((d, d))
        p = fullspace.product_state_index("u" * n1 + "d" * n2)
        rho0[p, p] = 1.0
        xs = continuation.evolve_powers(M, rho0.reshape(-1)[idx].astype(complex), cycles)
        rhos = np.zeros((len(cycles), d * d), complex)
        rhos[:, idx] = xs
        rhos = rhos.reshape(-1, d, d)
        obs = fullspace.observables_full(rhos, G1, G2)
        out["delta"].append(obs["delta"])
        out["delta_epr"].append(obs["delta_epr"])
        out["Jz_1"].append(obs["Jz_1"] / (n1 / 2))
        out["Jz_2"].append(obs["Jz_2"] / (n2 / 2))
        out["lambda_min"].append(min_pt_eigenvalue(rhos, (2**n1, 2**n2), 1))
        out["trace"].append(np.real(np.trace(rhos, axis1=1, axis2=2)))
        labels.append(("hom.", "inhom.")[inhom])
    names = {
        "delta": "Delta, Eq. (6)",
        "delta_epr": "Delta_EPR, Eq. (5)",
        "lambda_min": "lowest eigenvalue of the partial transpose rho^T2",
        "Jz_1": "polarization <J^z_1>/(N1 I)",
        "Jz_2": "polarization <J^z_2>/(N2 I)",
        "trace": "trace of rho (numerical check)",
    }
    return xr.Dataset(
        {key: _series(v, names[key]) for key, v in out.items()},
        coords={
            "n": cycles_coordinate(cycles),
            "label": cf_variable("point", np.array(labels, dtype=str), "coupling set"),
        },
    )


# --- Figs. D1, D2: polarizations, closure schemes 1-5 and the Dicke ME --------------------------
@contract.solver(outputs=("n", "ode_status", "polarization_1", "polarization_2"))
def polarization_dynamics(
    *,
    scheme: SchemeD12,
    n_nuclei: Annotated[int, Number(2, 10**6, integer=True)],
    mu_sqrt_n: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    zz: Flag,
    cycles: TimeGrid,
    n_switch: NonNegativeInt,
) -> xr.Dataset:
    """Figs. D1/D2: polarizations <J^z_j>/(N I) of two identical homogeneous ensembles (one shell
    each) for the closure schemes 1-5 (index into FIG_D_SCHEMES); mu = ``mu_sqrt_n``/sqrt(N).
    ``zz`` (0/1) evolves the zz correlations with their own EoM (schemes 3-5)."""
    cycles = _cycles(cycles)
    N = int(n_nuclei)
    g = np.ones(N) / np.sqrt(N)
    mu = mu_sqrt_n / np.sqrt(N)
    p1, p2, status = [], [], []
    for idx in np.asarray(scheme, int):
        sh = eom.Shells(g, g)
        E = eom.CovarianceEoM(sh, mu, nu_over_mu * mu, int(k), FIG_D_SCHEMES[idx], bool(zz))
        obs, _, info = continuation.iterate(
            E, E.initial(np.array([1.0, -1.0])), cycles, n_switch=n_switch
        )
        p1.append(continuation.stack(obs, "Jz_1") / (N / 2))
        p2.append(continuation.stack(obs, "Jz_2") / (N / 2))
        status.append(info["ode_status"])
    return xr.Dataset(
        {
            "polarization_1": _series(p1, "polarization <J^z_1>/(N1 I)"),
            "polarization_2": _series(p2, "polarization <J^z_2>/(N2 I)"),
            "ode_status": cf_variable(
                "point", np.array(status), "solve_ivp status of the slow tail (0 = ok)"
            ),
        },
        coords={"n": cycles_coordinate(cycles)},
    )


@contract.solver(outputs=("me_polarization_1", "me_polarization_2", "n"))
def dicke_polarization_me(
    *,
    n_nuclei: Count,
    mu_sqrt_n: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
) -> xr.Dataset:
    """Polarizations from the 2nd-order ME, Eq. (3), for homogeneous ensembles started fully
    polarized: each ensemble's reduced dynamics is closed (the cross terms cancel, Eq. D2) and
    stays diagonal in its Dicke basis (J = N/2), a birth-death difference equation per cycle.
    mu = ``mu_sqrt_n``/sqrt(N)."""
    cycles = _cycles(cycles)
    N = int(n_nuclei)
    J = N / 2
    m = np.arange(-J, J + 1)
    up = J * (J + 1) - m * (m + 1)  # |<m+1|J+|m>|^2
    down = J * (J + 1) - m * (m - 1)  # |<m-1|J-|m>|^2
    mu = mu_sqrt_n / np.sqrt(N)
    nu = nu_over_mu * mu
    loc = (mu - nu) ** 2 / (4 * k)
    rates = {1: (mu**2 / 4, nu**2 / 4 + loc), 2: (nu**2 / 4 + loc, mu**2 / 4)}
    out = {}
    for j, start in ((1, -1), (2, 0)):
        p, q = rates[j]
        r_up, r_down = p * up / N, q * down / N  # D(sqrt(p) J+/sqrt(N)), D(sqrt(q) J-/sqrt(N))
        pop = np.zeros(len(m))
        pop[start] = 1.0
        res, c_i = np.empty(len(cycles)), 0
        for n in range(int(cycles[-1]) + 1):
            while c_i < len(cycles) and cycles[c_i] == n:
                res[c_i] = pop @ m / J
                c_i += 1
            flow_up, flow_down = r_up * pop, r_down * pop
            pop = pop - flow_up - flow_down
            pop[1:] += flow_up[:-1]
            pop[:-1] += flow_down[1:]
        out[j] = res
    return xr.Dataset(
        {
            f"me_polarization_{j}": _series(
                out[j][None, :], f"polarization <J^z_{j}>/(N{j} I), 2nd-order ME"
            )
            for j in (1, 2)
        },
        coords={"n": cycles_coordinate(cycles)},
    )


# --- Fig. D3: transverse variance, schemes 2-6 vs the 2nd-order ME in the Dicke basis -------------
def dicke_functionals(sector):
    """Rows (trace, <J^z_1>, <J^z_2>, var(J^x_1 + J^x_2)) as linear functionals of a real sector
    vector (Dicke basis, q = 0 sector): var = <J^2 - J_z^2>/2 as in :func:`.dicke.moments`."""
    d = sector.diagonal
    m1, m2 = sector.m1[sector.ket[d]], sector.m2[sector.ket[d]]
    a1, a2 = np.divmod(sector.ket, sector.d2)
    b1, b2 = np.divmod(sector.bra, sector.d2)
    sel = np.flatnonzero((b1 == a1 - 1) & (b2 == a2 + 1))
    mi1, mi2 = sector.J1 - a1[sel], sector.J2 - a2[sel]
    J1, J2 = sector.J1, sector.J2
    amp = np.sqrt(np.clip(J1 * (J1 + 1) - mi1 * (mi1 + 1), 0, None)) * np.sqrt(
        np.clip(J2 * (J2 + 1) - mi2 * (mi2 - 1), 0, None)
    )
    F = np.zeros((4, sector.size))
    F[0, d] = 1.0
    F[1, d] = m1
    F[2, d] = m2
    F[3, d] = (J1 * (J1 + 1) + J2 * (J2 + 1) - m1**2 - m2**2) / 2
    F[3, sel] += amp  # 2 Re<J1+ J2-> / 2
    return F


def dicke_me_generator(N, mu_sqrt_n, nu_over_mu, k):
    """Real sparse generator L (Delta rho = L rho per cycle) of Eq. (3) for J1 = J2 = N/2 on the
    q = 0 sector, and the sector; mu = mu_sqrt_n/sqrt(N) (via :func:`.dicke.me_generator`)."""
    sec = dicke.Sector(N / 2, N / 2)
    mu = mu_sqrt_n / np.sqrt(N)
    c = np.sqrt(N)  # c_j = sqrt(2 I N_j)
    L = dicke.me_generator(sec, Protocol.ideal(mu, nu_over_mu * mu, int(k)), c, c)
    if L.nnz and abs(L.imag).max() > 1e-14:
        raise ValueError("ideal protocol generator should be real")
    return sp.csr_matrix(L.real), sec


# the variables of the Krylov master-equation solves (Figs. D3, D4)
ME_OUTPUTS = (
    "me_krylov_dim",
    "me_krylov_err",
    "me_polarization_1",
    "me_polarization_2",
    "me_trace",
    "me_variance",
    "n",
)


@contract.solver(
    outputs=ME_OUTPUTS,
    cost=lambda *, n_nuclei, **_: (np.asarray(n_nuclei, float) + 1) ** 3,
)
def dicke_me_variance(
    *,
    n_nuclei: DickeN,
    mu_sqrt_n: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
    n_switch: NonNegativeInt,
    tol: Positive = 1e-9,
) -> xr.Dataset:
    """Fig. D3 reference: var(J^x_1 + J^x_2) and polarizations from the 2nd-order ME, Eq. (3), for
    two identical homogeneous ensembles (J1 = J2 = N/2, from |Psi_FP>) in the Dicke basis.

    Exact difference equation to ``n_switch`` cycles, then the block Krylov projection of the
    same map (error estimate ``me_krylov_err``, relative to the functional's initial scale).
    Cost per point ~ (N + 1)^3, the size of the sector."""
    cycles = _cycles(cycles)
    res = {key: [] for key in ("var", "p1", "p2", "trace", "err", "dim")}
    for N in np.atleast_1d(n_nuclei).astype(int):
        L, sec = dicke_me_generator(N, mu_sqrt_n, nu_over_mu, k)
        F = dicke_functionals(sec)
        x0 = np.real(sec.fully_polarized())[None, :]
        vals, info = continuation.linear_dynamics(L, x0, F, cycles, n_switch, tol=tol)
        vals = vals[:, 0]
        res["trace"].append(vals[:, 0])
        res["p1"].append(vals[:, 1] / (N / 2))
        res["p2"].append(vals[:, 2] / (N / 2))
        res["var"].append(vals[:, 3])
        res["err"].append(info["err"])
        res["dim"].append(max(info["dims"], default=0))
    return xr.Dataset(
        {
            "me_variance": _series(res["var"], "var(J^x_1 + J^x_2), 2nd-order ME"),
            "me_polarization_1": _series(res["p1"], "<J^z_1>/(N1 I), 2nd-order ME"),
            "me_polarization_2": _series(res["p2"], "<J^z_2>/(N2 I), 2nd-order ME"),
            "me_trace": _series(res["trace"], "trace of rho, 2nd-order ME (check)"),
            "me_krylov_err": cf_variable(
                "point", np.array(res["err"]), "Krylov continuation error estimate (relative)"
            ),
            "me_krylov_dim": cf_variable(
                "point", np.array(res["dim"]), "largest Krylov dimension used"
            ),
        },
        coords={"n": cycles_coordinate(cycles)},
    )


@contract.solver(
    outputs=("n", "ode_status", "variance"),
    cost=lambda *, scheme, **_: np.where(np.asarray(scheme) == 0, 0.15, 1.0),
)
def variance_dynamics(
    *,
    n_nuclei: DickeN,
    scheme: SchemeD3,
    mu_sqrt_n: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
    n_switch: NonNegativeInt,
) -> xr.Dataset:
    """Fig. D3: var(J^x_1 + J^x_2) for the variance schemes 2-6 (index into FIG_D3_SCHEMES),
    homogeneous N1 = N2 = n_nuclei (one shell each), zz equations on, from |Psi_FP>;
    mu = ``mu_sqrt_n``/sqrt(N). Cost per point: the Boson scheme (linear, no zz equations) is
    ~7x cheaper than the others (measured)."""
    cycles = _cycles(cycles)
    res, status = [], []
    for N, idx in zip(np.asarray(n_nuclei, int), np.asarray(scheme, int), strict=True):
        g = np.ones(N) / np.sqrt(N)
        mu = mu_sqrt_n / np.sqrt(N)
        sh = eom.Shells(g, g)
        E = eom.CovarianceEoM(sh, mu, nu_over_mu * mu, int(k), FIG_D3_SCHEMES[idx], True)
        obs, _, info = continuation.iterate(
            E, E.initial(np.array([1.0, -1.0])), cycles, n_switch=n_switch
        )
        res.append(continuation.stack(obs, "var_J") / 2)
        status.append(info["ode_status"])
    return xr.Dataset(
        {
            "variance": _series(res, "var(J^x_1 + J^x_2), covariance EoMs"),
            "ode_status": cf_variable(
                "point",
                np.array(status),
                "tail status (0 ok, -2 closure diverged: NaN afterwards)",
            ),
        },
        coords={"n": cycles_coordinate(cycles)},
    )


# --- Fig. D4: inhomogeneous N1 = N2 = 5, ME (full space) and Z-rules EoMs -------------------------
def _check_d4_spread(*, n1, n2, rel_std1, rel_std2, **_):
    for key, r, m in (("rel_std1", rel_std1, n1), ("rel_std2", rel_std2, n2)):
        if m > 1 and 1 - r * np.sqrt(3 * (m - 1) / (m + 1)) <= 0:
            raise ParameterError(key, f"relative std with all {m} couplings positive")


def _d4_dataset(initial, cycles, p1, p2, var, prefix, what, extra):
    data = {
        f"{prefix}polarization_1": _series(p1, f"<J^z_1>/(N1 I), {what}"),
        f"{prefix}polarization_2": _series(p2, f"<J^z_2>/(N2 I), {what}"),
        f"{prefix}variance": _series(var, f"var(J^x_1 + J^x_2), {what}"),
    }
    for key, (dims, v, long_name) in extra.items():
        data[key] = cf_variable(dims, np.asarray(v), long_name)
    states = np.array([FIG_D4_STATES[int(i)] for i in np.asarray(initial)], dtype=str)
    return xr.Dataset(
        data,
        coords={
            "n": cycles_coordinate(cycles),
            f"{prefix}state": cf_variable(
                "point", states, "initial z-product state (QD1, QD2: u = up, d = down)"
            ),
        },
    )


@contract.solver(
    outputs=(
        "eom_polarization_1",
        "eom_polarization_2",
        "eom_state",
        "eom_status",
        "eom_variance",
        "n",
    ),
    check=_check_d4_spread,
)
def d4_eom(
    *,
    initial: InitialD4,
    n1: FullSpaceN,
    n2: FullSpaceN,
    rel_std1: RelativeStd,
    rel_std2: RelativeStd,
    mu_sqrt_n1: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
    n_switch: NonNegativeInt,
    scheme: Scheme = "z_rules",
) -> xr.Dataset:
    """Fig. D4, dashed: covariance EoMs (Eqs. 12-14, Z-rules, zz equations on) for inhomogeneous
    N1, N2 from the z-product states FIG_D4_STATES[initial]; mu = ``mu_sqrt_n1``/sqrt(N1).
    Exact difference equation to ``n_switch``, then dx/dn = Delta x with BDF and the exact
    Jacobian (the tail is stiff: DOP853 needed ~5e4 right-hand sides per state, BDF ~500; the
    two agree to 2e-9). A run whose closure diverges is NaN from the divergence on (status -2)."""
    cycles = _cycles(cycles)
    g1, g2 = couplings.d4_couplings(n1, n2, rel_std1, rel_std2)
    mu = mu_sqrt_n1 / np.sqrt(n1)
    sh = eom.Shells(g1, g2, group=False)
    p1, p2, var, status = [], [], [], []
    for i in np.asarray(initial, int):
        lab = FIG_D4_STATES[i]
        s0 = np.where(sh.ens == 0, 1.0 if lab[0] == "u" else -1.0, 1.0 if lab[1] == "u" else -1.0)
        E = eom.CovarianceEoM(sh, mu, nu_over_mu * mu, int(k), scheme, True)
        obs, _, info = continuation.iterate(
            E, E.initial(s0), cycles, n_switch=n_switch, method="BDF", atol=1e-10
        )
        p1.append(continuation.stack(obs, "Jz_1") / (n1 / 2))
        p2.append(continuation.stack(obs, "Jz_2") / (n2 / 2))
        var.append(continuation.stack(obs, "var_J") / 2)
        status.append(info["ode_status"])
    extra = {
        "eom_status": (
            "point",
            status,
            "EoM tail status (0 ok, -2 closure diverged: NaN afterwards, 1 ODE failed)",
        )
    }
    return _d4_dataset(initial, cycles, p1, p2, var, "eom_", "Z-rules EoMs", extra)


def full_space_me(g1, g2, mu, nu, k, initial_states, cycles, n_switch=None, tol=1e-7, m_max=120):
    """Iterate Eq. (3) from z-product states (``initial_states``: labels, see
    :func:`.fullspace.initial_pattern`); observables at the requested cycles. mu, nu absolute.

    Exact difference equation up to ``n_switch`` (default: all cycles), then the block Krylov
    projection of the same map, the states as one block (:func:`.continuation.linear_dynamics`).

    Returns a dict of arrays with shape (len(cycles), S, ...).
    """
    n = len(g1) + len(g2)
    me, X0, F = fullspace.me_problem(g1, g2, mu, nu, k, initial_states)
    cycles = np.asarray(cycles, dtype=np.int64)
    n_switch = int(cycles[-1]) if n_switch is None else min(int(n_switch), int(cycles[-1]))
    vals, info = continuation.linear_dynamics(
        me.apply_rows, X0, F, cycles, n_switch, tol=tol, m_max=m_max
    )
    return {
        "sz": vals[..., :n],
        "var_A": vals[..., n],
        "var_J": vals[..., n + 1],
        "trace": vals[..., n + 2],
        "ode_status": 0 if np.all(np.isfinite(vals)) else 1,
        "krylov_err": info["err"],
        "krylov_dims": info["dims"],
    }


@contract.solver(outputs=(*ME_OUTPUTS, "me_state"), check=_check_d4_spread)
def d4_me(
    *,
    initial: InitialD4,
    n1: FullSpaceN,
    n2: FullSpaceN,
    rel_std1: RelativeStd,
    rel_std2: RelativeStd,
    mu_sqrt_n1: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
    n_switch: NonNegativeInt,
    tol: Positive = 1e-7,
    m_max: Annotated[int, Number(2, 10**4, integer=True)] = 100,
) -> xr.Dataset:
    """Fig. D4, solid: the 2nd-order ME, Eq. (3), in the full 2^(N1+N2) space (q = 0 sector,
    blocks by up-spin number), each initial state on its own (so a point's result does not
    depend on the chunk it is in): exact difference equation to ``n_switch``, then the Krylov
    projection of the same map. mu = ``mu_sqrt_n1``/sqrt(N1)."""
    cycles = _cycles(cycles)
    g1, g2 = couplings.d4_couplings(n1, n2, rel_std1, rel_std2)
    mu = mu_sqrt_n1 / np.sqrt(n1)
    labels = [FIG_D4_STATES[int(i)] for i in np.asarray(initial)]
    runs = [
        full_space_me(g1, g2, mu, nu_over_mu * mu, int(k), [lab], cycles, n_switch, tol, m_max)
        for lab in labels
    ]
    r = {
        key: np.concatenate([run[key] for run in runs], axis=1)
        for key in ("sz", "trace", "var_A", "var_J")
    }
    o = fullspace.derived_observables(r["sz"], r["var_A"], r["var_J"], g1, g2)
    extra = {
        "me_trace": (("point", "n"), r["trace"].T, "trace of rho, 2nd-order ME (check)"),
        "me_krylov_err": (
            "point",
            [run["krylov_err"] for run in runs],
            "Krylov continuation error estimate (relative)",
        ),
        "me_krylov_dim": (
            "point",
            [max(run["krylov_dims"], default=0) for run in runs],
            "largest Krylov dimension used",
        ),
    }
    return _d4_dataset(
        initial,
        cycles,
        o["Jz_1"].T / (n1 / 2),
        o["Jz_2"].T / (n2 / 2),
        o["var_J"].T / 2,
        "me_",
        "2nd-order ME",
        extra,
    )


# --- Figs. 4, E1, E2: shell model -------------------------------------------------------------
SHELL_OBSERVABLES = {
    "delta": ("Delta, Eq. (6)", "1"),
    "delta_epr": ("Delta_EPR, Eq. (5)", "1"),
    "pol_1": ("polarization <J^z_1>/(N1 I)", "1"),
    "pol_2": ("polarization <J^z_2>/(N2 I)", "1"),
    "az2_1": ("generalized polarization <A^(z,2)_1>", "1"),
    "az2_2": ("generalized polarization <A^(z,2)_2>", "1"),
    "var_J": ("var(J^x_1+J^x_2) + var(J^y_1+J^y_2)", "1"),
    "var_A": ("var(A^x_1+A^x_2) + var(A^y_1+A^y_2)", "1"),
}


def _shell_observables(model, V, n1, n2):
    """The stored observables of shell-model states V."""
    o = model.observables(V)
    return {
        "delta": o["delta"],
        "delta_epr": o["delta_epr"],
        "pol_1": o["Jz_1"] / (n1 / 2),
        "pol_2": o["Jz_2"] / (n2 / 2),
        "az2_1": o["Az2_1"],
        "az2_2": o["Az2_2"],
        "var_J": o["var_J"],
        "var_A": o["var_A"],
    }


@contract.solver(
    outputs=(
        "az2_1",
        "az2_1_hom",
        "az2_1_steady",
        "az2_2",
        "az2_2_hom",
        "az2_2_steady",
        "delta",
        "delta_epr",
        "delta_epr_hom",
        "delta_epr_steady",
        "delta_hom",
        "delta_steady",
        "end_cross_shell",
        "end_eig",
        "end_rate",
        "kappa",
        "lm_status",
        "min_dg",
        "mu_abs",
        "n",
        "n_nuclei_1",
        "n_nuclei_2",
        "n_shells_1",
        "n_shells_2",
        "ode_status",
        "pol_1",
        "pol_1_hom",
        "pol_1_steady",
        "pol_2",
        "pol_2_hom",
        "pol_2_steady",
        "steady_eig",
        "steady_ok",
        "steady_residual",
        "t_stab",
        "var_A",
        "var_A_hom",
        "var_A_steady",
        "var_J",
        "var_J_hom",
        "var_J_steady",
    )
)
def gaussian_dynamics(
    *,
    c: Positive,
    r_max1: LatticeRadius,
    r_max2: LatticeRadius,
    mu_sqrt_n1: Positive,
    nu_over_mu: NuOverMu,
    k: Count,
    cycles: TimeGrid,
    n_switch: NonNegativeInt,
    width: ShellWidth = "ratio",
    shifted: Real = 0.0,
    shift1: Shift = (0.2, 0.1),
    tstab_tol: Positive = 1e-3,
) -> xr.Dataset:
    """Shell-model dynamics for Gaussian couplings g ~ exp(-|r - r0|^2 / c_j) on the square
    lattice |r| < r_max_j, c_j = c * r_max_j (width 'ratio') or c (width 'absolute'); c = inf:
    homogeneous. r0 of QD1 = shifted * shift1 (QD2 centred). From |Psi_FP>.

    mu = ``mu_sqrt_n1``/sqrt(N1), nu = ``nu_over_mu`` mu. Per point: time series of the
    observables, the steady state (E7)-(E8) + LM, the stabilization time of <A^(z,2)_1> (text:
    deviation 10^-3 of the steady value), the smallest coupling difference in QD1 and the
    equivalent homogeneous system (same N1, N2, g = 1/sqrt(N_j))."""
    ratios, shifts = np.broadcast_arrays(
        np.atleast_1d(np.asarray(c, float)), np.atleast_1d(np.asarray(shifted, float))
    )
    cyc = np.unique(np.round(np.asarray(cycles, float)).astype(np.int64))
    n1, n2 = len(shell.lattice(r_max1)), len(shell.lattice(r_max2))
    mu_a = float(mu_sqrt_n1) / np.sqrt(n1)
    nu_a = float(nu_over_mu) * mu_a
    series = {key: [] for key in SHELL_OBSERVABLES}
    steady = {key: [] for key in SHELL_OBSERVABLES}
    extra = {
        k_: []
        for k_ in (
            "t_stab", "min_dg", "n_shells_1", "n_shells_2", "ode", "lm", "res", "ok", "eig",
            "end_rate", "end_eig", "end_cross",
        )
    }  # fmt: skip

    def gaussian_pair(ratio, shift=0.0):
        if np.isinf(ratio):
            return np.ones(n1) / np.sqrt(n1), np.ones(n2) / np.sqrt(n2)
        f1, f2 = (r_max1, r_max2) if width == "ratio" else (1.0, 1.0)
        g1 = shell.gaussian_couplings(r_max1, ratio * f1, shift * np.asarray(shift1, float))
        g2 = shell.gaussian_couplings(r_max2, ratio * f2)
        return g1, g2

    runs = [(r, *gaussian_pair(r, sh)) for r, sh in zip(ratios, shifts, strict=True)]
    hom = shell.ShellModel(*gaussian_pair(np.inf), mu_a, nu_a, k)
    hom_series = _shell_observables(hom, hom.evolve(cyc, n_switch)[0], n1, n2)
    for _ratio, g1, g2 in runs:
        m = shell.ShellModel(g1, g2, mu_a, nu_a, k)
        V, status = m.evolve(cyc, n_switch)
        vs, info = m.steady_state()
        o, oi = _shell_observables(m, V, n1, n2), _shell_observables(m, vs, n1, n2)
        for key in SHELL_OBSERVABLES:
            series[key].append(o[key])
            steady[key].append(oi[key][0])
        extra["t_stab"].append(shell.stabilization_time(cyc, o["az2_1"], oi["az2_1"][0], tstab_tol))
        extra["min_dg"].append(shell.min_difference(g1))
        extra["n_shells_1"].append(m.S1)
        extra["n_shells_2"].append(m.S2)
        extra["ode"].append(status)
        extra["lm"].append(info["lm_status"])
        extra["res"].append(info["residual"])
        extra["ok"].append(float(info["physical"] and info["stable"]))
        extra["eig"].append(info["eig"])
        extra["end_rate"].append(float(np.max(np.abs(m.rhs(V[-1])))))
        extra["end_eig"].append(m.leading_eigenvalue(V[-1]) if status == 0 else np.nan)
        extra["end_cross"].append(m.cross_shell_correlation(V[-1]))
    data = {}
    for key, (ln, u) in SHELL_OBSERVABLES.items():
        data[key] = _floats(series[key], ln + ", shell model", u, ("point", "n"))
        data[f"{key}_steady"] = _floats(steady[key], ln + ", steady state (E7)-(E8) + LM", u)
        data[f"{key}_hom"] = _floats(
            np.tile(hom_series[key], (len(ratios), 1)),
            ln + ", equivalent homogeneous system",
            u,
            ("point", "n"),
        )
    data["t_stab"] = _floats(extra["t_stab"], "stabilization time of <A^(z,2)_1>", "cycles")
    data["min_dg"] = _floats(extra["min_dg"], "smallest non-zero coupling difference in QD1", "1")
    data["n_shells_1"] = _floats(extra["n_shells_1"], "number of shells in QD1")
    data["n_shells_2"] = _floats(extra["n_shells_2"], "number of shells in QD2")
    data["ode_status"] = _floats(extra["ode"], "solve_ivp status of the slow tail (0 = ok)")
    data["lm_status"] = _floats(extra["lm"], "least_squares(method='lm') status (>0 = converged)")
    data["steady_ok"] = _floats(
        extra["ok"], "(E7)-(E8) + LM state physical and a stable fixed point of (E1)-(E5) (1/0)"
    )
    data["steady_eig"] = _floats(
        extra["eig"], "leading eigenvalue of linearised (E1)-(E5) at the (E7)-(E8) state", "1/cycle"
    )
    data["end_rate"] = _floats(extra["end_rate"], "max |Delta| at the last cycle", "1/cycle")
    data["end_eig"] = _floats(
        extra["end_eig"], "leading eigenvalue of linearised (E1)-(E5) at the last cycle", "1/cycle"
    )
    data["end_cross_shell"] = _floats(
        extra["end_cross"], "max |y^jj_ab| (a != b, same QD) at the last cycle", "1"
    )
    data["steady_residual"] = _floats(extra["res"], "max |Delta| at the computed steady state")
    ds = xr.Dataset(data, coords={"n": cycles_coordinate(cyc)})
    npt = len(ratios)
    kap, _ = couplings.kappa_eta_from_rates(mu_a, nu_a, int(k))
    ds["mu_abs"] = _floats(np.full(npt, mu_a), "mu (absolute, coupling normalisation sum g^2 = 1)")
    ds["kappa"] = _floats(np.full(npt, kap), "kappa of Sec. D")
    ds["n_nuclei_1"] = _floats(np.full(npt, n1), "N1")
    ds["n_nuclei_2"] = _floats(np.full(npt, n2), "N2")
    return ds


@contract.solver(outputs=("gaussian", "rx", "ry", "site_x_1", "site_x_2", "site_y_1", "site_y_2"))
def coupling_map(
    *,
    r_max1: LatticeRadius,
    r_max2: LatticeRadius,
    c: Positive,
    extent: Positive,
    resolution: Count,
) -> xr.Dataset:
    """Fig. E1(a): lattice sites of both QDs and the Gaussian exp(-|r|^2/c) on a square grid
    (centred case); the dataset has the single point of an empty grid."""
    ax = np.linspace(-float(extent), float(extent), int(resolution))
    X, Y = np.meshgrid(ax, ax, indexing="xy")
    gauss = np.exp(-(X**2 + Y**2) / float(c))
    data = {"gaussian": _floats(gauss[None], "exp(-|r|^2/c)", "1", ("point", "ry", "rx"))}
    for j, r in ((1, r_max1), (2, r_max2)):
        pts = shell.lattice(float(r))
        pad = np.full((int(np.ceil(2 * r + 1) ** 2), 2), np.nan)
        pad[: len(pts)] = pts
        data[f"site_x_{j}"] = _floats(
            pad[None, :, 0], f"lattice site x, QD{j}", "1", ("point", f"site_{j}")
        )
        data[f"site_y_{j}"] = _floats(
            pad[None, :, 1], f"lattice site y, QD{j}", "1", ("point", f"site_{j}")
        )
    return xr.Dataset(
        data,
        coords={
            "rx": ("rx", ax, {"long_name": "x", "units": "lattice constant"}),
            "ry": ("ry", ax, {"long_name": "y", "units": "lattice constant"}),
        },
    )
