"""Hou, Kleinherbers, Kelly & Tserkovnyak (2025): steady-state entanglement, broken conservation.

Two qubits H_S = (Delta/2) sum_i sigma^z_i with the dissipator of Eqs. (6)-(7),

    L[rho] = sum_ij Gamma_e(r_ij) (s_i^- rho s_j^+ - {s_j^+ s_i^-, rho}/2)
           + sum_ij Gamma_a(r_ij) (s_i^+ rho s_j^- - {s_j^- s_i^+, rho}/2),

with r_ii = 0 (local rates Gamma(0)) and r_12 = r (nonlocal rates Gamma(r), real, either sign).
Units: Delta = 1, Gamma_e(0) = 1 (the steady state does not depend on the latter), k_B = 1.

Basis |uu>, |ud>, |du>, |dd> (u = excited, sigma^z|u> = +|u>), qubit 1 first; row-major vec.

Structure used for speed: every term changes the excitation number by a fixed amount, so the
Liouvillian commutes with the U(1) charge superoperator and is block diagonal in it. The steady
state lies in the neutral block spanned by the four populations and the coherence rho_{ud,du}
(6 of the 16 vec components), i.e. it is an X state with a single coherence, and its concurrence is
C = 2 max(0, |rho_{ud,du}| - sqrt(rho_{uu,uu} rho_{dd,dd})). In the triplet-singlet basis it is
diagonal, the kernel of a rate equation written in closed form (:func:`collective_populations`,
accurate at any temperature); the 6x6 block gives the kernel dimension. Tests compare with the full
16x16 Liouvillian, Wootters' formula, QuTiP and an exact rational solve.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import xarray as xr
from scipy.special import j0, jn_zeros

from dissent import contract
from dissent.contract import (
    Count,
    NonNegative,
    Number,
    Numbers,
    Positive,
    Real,
    Vector,
)
from dissent.io import cf_flag, cf_variable
from dissent.quantum import (
    SIGMA_MINUS,
    SIGMA_PLUS,
    SIGMA_Z,
    SINGLET,
    fidelity,
    hamiltonian_part,
    kernel_dimension,
    kossakowski,
    on_each_qubit,
    x_state_concurrence,
)
from dissent.registry import ParameterError

REFERENCE = (  # the paper reproduced: the `references` attribute of its NetCDF files
    "V. Hou, E. Kleinherbers, S. P. Kelly and Y. Tserkovnyak, Breaking conservation law enables "
    "steady-state entanglement out of equilibrium, preprint (20 August 2025)"
)

# --- operators --------------------------------------------------------------------------------

LOWERING = on_each_qubit(SIGMA_MINUS)  # sigma_1^-, sigma_2^- (sigma^- = |d><u|, u excited)
RAISING = on_each_qubit(SIGMA_PLUS)  # sigma_1^+, sigma_2^+
NEUTRAL = np.array(
    [0, 5, 6, 9, 10, 15]
)  # vec indices of rho_00, rho_11, rho_12, rho_21, rho_22, rho_33
TRACE_ROW = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 1.0])  # trace in the neutral block
LOCAL = np.eye(2)  # Kossakowski matrix of the local pieces: r_11 = r_22 = 0
NONLOCAL = np.array([[0.0, 1.0], [1.0, 0.0]])  # ... and of the nonlocal ones, r_12 = r_21 = r


def hamiltonian(delta: float = 1.0) -> np.ndarray:
    """H_S = (Delta/2)(sigma_1^z + sigma_2^z)."""
    return 0.5 * delta * on_each_qubit(SIGMA_Z).sum(axis=0)


def channel_superoperators() -> dict[str, np.ndarray]:
    """The four constant 16x16 pieces multiplying Gamma_e(0), Gamma_e(r), Gamma_a(0), Gamma_a(r).

    Eq. (6) with the coefficient matrix [[Gamma(0), Gamma(r)], [Gamma(r), Gamma(0)]] of each
    channel, split into its local and nonlocal parts (each alone not positive: no check).
    """
    return {
        "e_local": kossakowski(LOWERING, LOCAL),
        "e_nonlocal": kossakowski(LOWERING, NONLOCAL),
        "a_local": kossakowski(RAISING, LOCAL),
        "a_nonlocal": kossakowski(RAISING, NONLOCAL),
    }


_PIECES = channel_superoperators()


def liouvillian(gamma_e0, gamma_a0, gamma_er, gamma_ar, delta: float = 1.0) -> np.ndarray:
    """Stacked 16x16 Liouvillians of Eqs. (6)-(7); rate arrays broadcast to the batch shape."""
    rates = np.broadcast_arrays(
        *(np.asarray(g, dtype=float) for g in (gamma_e0, gamma_er, gamma_a0, gamma_ar))
    )
    out = np.broadcast_to(hamiltonian_part(hamiltonian(delta)), rates[0].shape + (16, 16)).copy()
    for rate, key in zip(rates, ("e_local", "e_nonlocal", "a_local", "a_nonlocal"), strict=True):
        out += rate[..., None, None] * _PIECES[key]
    return out


# --- steady state -----------------------------------------------------------------------------


def neutral_block(generator: np.ndarray) -> np.ndarray:
    """6x6 block of stacked Liouvillians on the charge-neutral sector (populations + rho_12)."""
    return generator[..., NEUTRAL[:, None], NEUTRAL[None, :]]


def steady_state(gamma_e0, gamma_a0, gamma_er, gamma_ar, rtol: float = 1e-11):
    """Batched steady states: returns (rho (..., 4, 4), kernel_dim (...)).

    The kernel dimension is counted on the neutral block (:func:`neutral_block`); where it is 1
    the state is :func:`collective_populations` written in the product basis, elsewhere NaN
    (e.g. |Gamma(r)| = Gamma(0) in both channels: the singlet is dark and the steady state
    depends on the initial state).
    """
    kernel = kernel_dimension(
        neutral_block(liouvillian(gamma_e0, gamma_a0, gamma_er, gamma_ar)), rtol
    )
    p = collective_populations(gamma_e0, gamma_a0, gamma_er, gamma_ar)
    p = np.where((kernel == 1)[..., None], p, np.nan)
    t_plus, t_zero, singlet, t_minus = np.moveaxis(p, -1, 0)
    rho = np.zeros(p.shape[:-1] + (4, 4), dtype=complex)
    rho[..., 0, 0], rho[..., 3, 3] = t_plus, t_minus
    rho[..., 1, 1] = rho[..., 2, 2] = 0.5 * (t_zero + singlet)
    rho[..., 1, 2] = rho[..., 2, 1] = 0.5 * (t_zero - singlet)  # |T0><T0| - |S><S| off-diagonal
    return rho, kernel


def collective_populations(gamma_e0, gamma_a0, gamma_er, gamma_ar) -> np.ndarray:
    """Steady populations (..., 4) of |T+> = |uu>, |T0>, |S>, |T-> = |dd> (sum 1).

    In the triplet-singlet basis the dissipator is diagonal: symmetric jumps (s_1 + s_2)/sqrt(2)
    at Gamma(0) + Gamma(r) connect T+ - T0 - T-, antisymmetric ones at Gamma(0) - Gamma(r) connect
    T+ - S - T-, and no coherence between T0 and S is fed. The steady state is the kernel of a
    rate equation on this 4-cycle, written with the matrix-tree theorem: each population is a sum
    of products of rates, nothing is subtracted, so it keeps its relative accuracy even where it is
    far below round-off of the largest one (k_B T << Delta: populations ~ exp(-2 Delta/k_B T)).
    A linear solve would leave those with absolute errors ~1e-16, of the order of the values
    themselves, and make the concurrence depend on the BLAS kernel. NaN where every spanning tree
    has weight 0 (the kernel is not one-dimensional).
    """
    ge0, ga0, ger, gar = np.broadcast_arrays(
        *(np.asarray(g, dtype=float) for g in (gamma_e0, gamma_a0, gamma_er, gamma_ar))
    )
    emit_s, emit_a = ge0 + ger, ge0 - ger  # symmetric and antisymmetric channel rates
    absorb_s, absorb_a = ga0 + gar, ga0 - gar
    # the cycle T+ -> T0 -> T- -> S -> T+: edge j joins nodes j, j+1 (mod 4); rate along / against
    forward = (emit_s, emit_s, absorb_a, absorb_a)
    backward = (absorb_s, absorb_s, emit_a, emit_a)
    weights = []
    for root in (0, 1, 3, 2):  # order T+, T0, S, T- (cycle nodes T+, T0, T-, S)
        total = np.zeros(ge0.shape)
        for removed in range(4):  # a spanning tree of a cycle: the cycle less one edge
            tree = np.ones(ge0.shape)
            position = [(node - removed - 1) % 4 for node in range(4)]  # along the path
            for edge in range(4):
                if edge != removed:  # edge runs from position[edge] to position[edge] + 1
                    toward_root = position[root] > position[edge]
                    tree = tree * (forward[edge] if toward_root else backward[edge])
            total = total + tree
        weights.append(total)
    weights = np.stack(weights, axis=-1)
    norm = weights.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm != 0, weights / np.where(norm != 0, norm, 1.0), np.nan)


# --- rates ------------------------------------------------------------------------------------


def boltzmann(temperature) -> np.ndarray:
    """exp(-Delta/k_B T) with Delta = 1, including T = 0 (-> 0) and T < 0 (> 1)."""
    t = np.asarray(temperature, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(t == 0.0, 0.0, np.exp(-1.0 / np.where(t == 0.0, 1.0, t)))


def effective_temperature(gamma_a, gamma_e) -> np.ndarray:
    """Eq. (8): k_B T/Delta = -1/ln|Gamma_a/Gamma_e| (+-0 at a zero rate, +-inf at equal ones)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(np.asarray(gamma_a, dtype=float)) / np.abs(np.asarray(gamma_e, dtype=float))
        return -1.0 / np.log(ratio)


def rates_from_temperatures(t_local, t_nonlocal, ratio, relative_sign=1.0):
    """Rates (Gamma_e(0), Gamma_a(0), Gamma_e(r), Gamma_a(r)) from T(0), T(r) via Eq. (8).

    Gamma_e(0) = 1, ``ratio`` = |Gamma_e(r)|/Gamma_e(0), Gamma_e(r) >= 0 and
    sign(Gamma_a(r)) = ``relative_sign`` (only the relative sign is invariant under a local
    unitary on one qubit). The complete-positivity constraints are NOT enforced here.
    """
    t0, tr, ratio = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (t_local, t_nonlocal, ratio))
    )
    ge0 = np.ones_like(t0)
    ga0 = boltzmann(t0) * ge0
    ger = ratio * ge0
    gar = relative_sign * boltzmann(tr) * ger
    return ge0, ga0, ger, gar


def completely_positive(ge0, ga0, ger, gar, tol: float = 1e-12) -> np.ndarray:
    """The footnote's constraints |Gamma_e(r)| <= Gamma_e(0), |Gamma_a(r)| <= Gamma_a(0)."""
    ge0, ga0, ger, gar = (np.asarray(v, dtype=float) for v in (ge0, ga0, ger, gar))
    return (np.abs(ger) <= ge0 * (1 + tol)) & (np.abs(gar) <= ga0 * (1 + tol))


def inverted_magnet_rates(b, r, lambda_ratio):
    """Eq. (11) in units Delta = 1, sqrt(As/Delta) = 1, Gamma_e(0) = 1 (sign of J0 kept).

    k(omega) = sqrt((omega + b)/As): k(Delta) = sqrt(b + 1), k(-Delta) = sqrt(b - 1) (b >= 1).
    Gamma_a(0)/Gamma_e(0) = |lambda_{-1}/lambda_1|^2 = 1/lambda_ratio^2.
    """
    b, r = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(r, dtype=float))
    ge0 = np.ones_like(b)
    ga0 = ge0 / lambda_ratio**2
    ger = ge0 * j0(wavevector(1.0, b) * r)
    gar = ga0 * j0(wavevector(-1.0, b) * r)
    return ge0, ga0, ger, gar


def wavevector(omega, b) -> np.ndarray:
    """k(omega) sqrt(As/Delta) = sqrt(omega/Delta + b/Delta) (NaN: no magnon of energy omega)."""
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.asarray(omega, dtype=float) + np.asarray(b, dtype=float))


def dispersion(k, b) -> np.ndarray:
    """Magnons on the inverted state |dd...>: omega(k)/Delta = As k^2/Delta - b/Delta."""
    return np.asarray(k, dtype=float) ** 2 - b


def rates_from_channels(couplings, charges, c_plus_local, c_plus_nonlocal, mu, t_env):
    """Eqs. (5), (7): Gamma_{e,a}(0), Gamma_{e,a}(r) from channels n with C_n^+(Delta, r).

    ``couplings`` |lambda_n|, ``charges`` n, ``c_plus_*`` C_n^+(Delta, 0) and C_n^+(Delta, r);
    C_n^- = exp(-(Delta - n mu)/k_B T_E) C_n^+ (generalised KMS condition, Delta = 1).
    """
    lam2 = np.abs(np.asarray(couplings, dtype=float)) ** 2
    kms = np.exp(-(1.0 - np.asarray(charges, dtype=float) * mu) / t_env)
    cp0, cpr = np.asarray(c_plus_local, dtype=float), np.asarray(c_plus_nonlocal, dtype=float)
    return (
        np.sum(lam2 * cp0),
        np.sum(lam2 * kms * cp0),
        np.sum(lam2 * cpr),
        np.sum(lam2 * kms * cpr),
    )


# --- solvers (config entries) -----------------------------------------------------------------


def _state_dataset(ge0, ga0, ger, gar, mask_unphysical: bool = True) -> xr.Dataset:
    physical = completely_positive(ge0, ga0, ger, gar)
    rho, kernel = steady_state(
        *(np.where(physical, g, 0.0) if mask_unphysical else g for g in (ge0, ga0, ger, gar))
    )
    conc = x_state_concurrence(rho)
    sf = fidelity(rho, SINGLET)
    if mask_unphysical:
        conc = np.where(physical, conc, np.nan)
        sf = np.where(physical, sf, np.nan)
        kernel = np.where(physical, kernel, 0)
    pops = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
    return xr.Dataset(
        {
            "concurrence": cf_variable("point", conc, "steady-state concurrence C"),
            "singlet_fraction": cf_variable(
                "point", sf, "steady-state singlet population <S|rho|S>"
            ),
            "population_uu": cf_variable("point", pops[:, 0], "steady-state population of |uu>"),
            "population_dd": cf_variable("point", pops[:, 3], "steady-state population of |dd>"),
            "physical": cf_flag(
                "point",
                physical,
                "complete positivity: |Gamma_e(r)|<=Gamma_e(0) and |Gamma_a(r)|<=Gamma_a(0)",
                {0: "unphysical", 1: "physical"},
            ),
            "kernel_dimension": cf_variable(
                "point",
                kernel.astype(np.int16),  # a count (int8 is kept for flags)
                "Liouvillian kernel dimension, neutral sector (1: unique, 0: masked)",
            ),
            "gamma_a_local": cf_variable(
                "point",
                ga0,
                "local absorption rate Gamma_a(0)",
                "Gamma_e(0)",
            ),
            "gamma_e_nonlocal": cf_variable(
                "point",
                ger,
                "nonlocal emission rate Gamma_e(r)",
                "Gamma_e(0)",
            ),
            "gamma_a_nonlocal": cf_variable(
                "point",
                gar,
                "nonlocal absorption rate Gamma_a(r)",
                "Gamma_e(0)",
            ),
        }
    )


# parameter constraints (dissent.contract markers)
RateRatio = Annotated[float, Number(0.0, 1.0)]  # |Gamma_e(r)|/Gamma_e(0): positivity
FieldAboveGap = Annotated[float, Number(low=1.0)]  # b/Delta >= 1: magnons at omega = +-Delta
Separations = Annotated[np.ndarray, Vector(element=Number(low=0.0))]  # r >= 0, a param list
SmallSeparation = Annotated[float, Number(0.0, 0.1, low_open=True, high_open=True)]


def _check_sign(*, relative_sign=1.0, **_):
    if relative_sign not in (1, -1):
        raise ParameterError("relative_sign", f"must be +1 or -1; got {relative_sign}")


# the variables of every steady-state solve (Figs. 1, 3, 4)
STEADY_OUTPUTS = (
    "concurrence",
    "gamma_a_local",
    "gamma_a_nonlocal",
    "gamma_e_nonlocal",
    "kernel_dimension",
    "physical",
    "population_dd",
    "population_uu",
    "singlet_fraction",
)


@contract.solver(outputs=STEADY_OUTPUTS, check=_check_sign)
def temperature_map(
    *, T_local: Real, T_nonlocal: Real, ratio: RateRatio, relative_sign: Real = 1.0
) -> xr.Dataset:
    """Fig. 1(b), Fig. 3: steady state vs k_B T(0)/Delta, k_B T(r)/Delta, |Gamma_e(r)|/Gamma_e(0).

    Points violating |Gamma_a(r)| <= Gamma_a(0) (footnote; the paper's "unphysical region") are NaN.
    """
    t0, tr, ratio = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=float)) for v in (T_local, T_nonlocal, ratio))
    )
    rates = rates_from_temperatures(t0, tr, ratio, relative_sign)
    return _state_dataset(*rates)


@contract.companion(outputs=("T_local_edge",))
def physical_edge(ds: xr.Dataset, *, T_nonlocal, **_) -> xr.Dataset:
    """Companion of Fig. 3: the local temperature where the physical region starts, per ratio.

    |Gamma_a(r)| = Gamma_a(0) with Eq. (8): exp(-1/T0) = ratio exp(-1/Tr), i.e.
    k_B T(0)/Delta = 1/(Delta/k_B T(r) - ln ratio) (for T(r) > 0; the region T(0) below it is
    unphysical). Exact, so the edges of nearby ratios can be drawn apart at any grid spacing.
    """
    ratio = ds["ratio"].values
    tr = float(T_nonlocal)
    edge = 1.0 / (1.0 / tr - np.log(ratio)) if tr > 0 else np.full(ratio.shape, np.nan)
    ds["T_local_edge"] = cf_variable(
        "ratio",
        edge,
        "local temperature k_B T(0)/Delta at the edge |Gamma_a(r)| = Gamma_a(0)",
        "Delta/k_B",
    )
    return ds


@contract.solver(
    outputs=(
        *STEADY_OUTPUTS,
        "T_local",
        "T_nonlocal",
        "absorption_ratio",
        "emission_ratio",
        "r_evaluated",
    )
)
def inverted_magnet(
    *,
    b: FieldAboveGap,
    r: NonNegative,
    lambda_ratio: Positive,
    r_min: SmallSeparation = 1e-3,
) -> xr.Dataset:
    """Fig. 4(b)-(c): steady state and T(r) for two NV centres on the inverted magnet, Eq. (11).

    At r = 0 both nonlocal ratios equal 1, the singlet is dark and the steady state is not unique;
    the paper takes t -> infinity before r -> 0, so r = 0 is evaluated at r = r_min (the limit is
    reached to O(r_min^2), see tests).
    """
    b, r = np.broadcast_arrays(
        np.atleast_1d(np.asarray(b, dtype=float)), np.atleast_1d(np.asarray(r, dtype=float))
    )
    r_eval = np.maximum(r, r_min)
    ge0, ga0, ger, gar = inverted_magnet_rates(b, r_eval, lambda_ratio)
    ds = _state_dataset(ge0, ga0, ger, gar)
    _, _, ger_exact, gar_exact = inverted_magnet_rates(b, r, lambda_ratio)
    ds["T_nonlocal"] = cf_variable(
        "point",
        effective_temperature(gar_exact, ger_exact),
        "nonlocal temperature k_B T(r)/Delta, Eq. (8)",
        "Delta/k_B",
    )
    ds["T_local"] = cf_variable(
        "point",
        effective_temperature(ga0, ge0),
        "local temperature k_B T(0)/Delta, Eq. (8)",
        "Delta/k_B",
    )
    ds["absorption_ratio"] = cf_variable(
        "point", np.abs(gar_exact) / ga0, "|Gamma_a(r)|/Gamma_a(0)"
    )
    ds["emission_ratio"] = cf_variable("point", np.abs(ger_exact) / ge0, "|Gamma_e(r)|/Gamma_e(0)")
    ds["r_evaluated"] = cf_variable(
        "point", r_eval, "separation used in the solve", "sqrt(As/Delta)"
    )
    return ds


@contract.solver(outputs=("b_dispersion", "k", "k_absorption", "k_emission", "omega"))
def magnet_dispersion(*, b: FieldAboveGap, k: Numbers) -> xr.Dataset:
    """Fig. 4(a): omega(k) = As k^2 - b of the inverted magnet, and the crossings k(+-Delta)."""
    k = np.asarray(k, dtype=float)
    return xr.Dataset(
        {
            "omega": cf_variable(
                ("point", "k"),
                dispersion(k, b)[None, :],
                "magnon energy omega/Delta",
                "Delta",
            ),
            "k_emission": cf_variable(
                "point",
                [float(wavevector(1.0, b))],
                "k(Delta): wavevector of the emitted magnon",
                "sqrt(Delta/As)",
            ),
            "k_absorption": cf_variable(
                "point",
                [float(wavevector(-1.0, b))],
                "k(-Delta): wavevector of the antimagnon",
                "sqrt(Delta/As)",
            ),
            "b_dispersion": cf_variable("point", [float(b)], "external field b/Delta", "Delta"),
        },
        coords={"k": cf_variable("k", k, "wavevector k sqrt(As/Delta)", "sqrt(Delta/As)")},
    )


@contract.solver(
    outputs=(
        "T_nonlocal",
        "T_nonlocal_zero_absorption",
        "T_nonlocal_zero_emission",
        "r",
        "r_zero_absorption",
        "r_zero_emission",
        "zero",
    )
)
def nonlocal_temperature(
    *, b: FieldAboveGap, r: Separations, lambda_ratio: Positive, n_zeros: Count = 6
) -> xr.Dataset:
    """Fig. 4(b): k_B T(r)/Delta along r (a param array) for each b, with the Bessel zeros.

    T(r) -> -0 where Gamma_e(r) = 0 (J0[k(Delta) r] = 0) and -> +0 where Gamma_a(r) = 0
    (J0[k(-Delta) r] = 0); it passes through +-infinity where |Gamma_a(r)| = |Gamma_e(r)|.
    """
    b = np.atleast_1d(np.asarray(b, dtype=float))
    r = np.asarray(r, dtype=float)
    ge0, ga0, ger, gar = inverted_magnet_rates(b[:, None], r[None, :], lambda_ratio)
    zeros = jn_zeros(0, n_zeros)
    with np.errstate(divide="ignore"):
        z_e = zeros[None, :] / wavevector(1.0, b)[:, None]
        z_a = zeros[None, :] / wavevector(-1.0, b)[:, None]  # inf at b = 1 (k(-Delta) = 0)
    z_e = np.where(z_e <= r.max(), z_e, np.nan)
    z_a = np.where(z_a <= r.max(), z_a, np.nan)
    # Eq. (8) at the zeros themselves, with the vanishing rate exactly 0 there (a floating-point
    # zero of J0 leaves |J0| ~ 1e-17 and T ~ -1/ln(1e-17) ~ 0.03: T -> 0 only logarithmically)
    _, _, ger_e, gar_e = inverted_magnet_rates(b[:, None], np.nan_to_num(z_e), lambda_ratio)
    _, _, ger_a, gar_a = inverted_magnet_rates(b[:, None], np.nan_to_num(z_a), lambda_ratio)
    t_zero_e = np.where(np.isfinite(z_e), effective_temperature(gar_e, 0.0 * ger_e), np.nan)
    t_zero_a = np.where(np.isfinite(z_a), effective_temperature(0.0 * gar_a, ger_a), np.nan)
    return xr.Dataset(
        {
            "T_nonlocal": cf_variable(
                ("point", "r"),
                effective_temperature(gar, ger),
                "nonlocal temperature k_B T(r)/Delta, Eq. (8)",
                "Delta/k_B",
            ),
            "r_zero_emission": cf_variable(
                ("point", "zero"),
                z_e,
                "zeros of J0[k(Delta) r] (Gamma_e(r) = 0) within the r range",
                "sqrt(As/Delta)",
            ),
            "r_zero_absorption": cf_variable(
                ("point", "zero"),
                z_a,
                "zeros of J0[k(-Delta) r] (Gamma_a(r) = 0) within the r range",
                "sqrt(As/Delta)",
            ),
            "T_nonlocal_zero_emission": cf_variable(
                ("point", "zero"),
                t_zero_e,
                "k_B T(r)/Delta, Eq. (8), at r_zero_emission (Gamma_e(r) = 0)",
                "Delta/k_B",
            ),
            "T_nonlocal_zero_absorption": cf_variable(
                ("point", "zero"),
                t_zero_a,
                "k_B T(r)/Delta, Eq. (8), at r_zero_absorption (Gamma_a(r) = 0)",
                "Delta/k_B",
            ),
        },
        coords={
            "r": cf_variable("r", r, "qubit separation r/sqrt(As/Delta)", "sqrt(As/Delta)"),
            "zero": cf_variable("zero", np.arange(1, n_zeros + 1), "index of the Bessel zero"),
        },
    )
