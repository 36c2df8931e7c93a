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
C = 2 max(0, |rho_{ud,du}| - sqrt(rho_{uu,uu} rho_{dd,dd})). The stacked 6x6 block is solved with
one batched ``np.linalg.solve`` (first row replaced by the trace condition); tests compare with the
full 16x16 Liouvillian, Wootters' formula and QuTiP.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import j0

from dissent import contract
from dissent.quantum.superop import hamiltonian_part, sandwich, spost, spre
from dissent.registry import ParameterError, validates

# --- operators --------------------------------------------------------------------------------

_SM = np.array([[0.0, 0.0], [1.0, 0.0]], dtype=complex)  # sigma^- = |d><u| in the (u, d) basis
_SZ = np.diag([1.0, -1.0]).astype(complex)
_I2 = np.eye(2, dtype=complex)
SIGMA_MINUS = (np.kron(_SM, _I2), np.kron(_I2, _SM))  # sigma_1^-, sigma_2^-
SIGMA_Z = (np.kron(_SZ, _I2), np.kron(_I2, _SZ))
NEUTRAL = np.array(
    [0, 5, 6, 9, 10, 15]
)  # vec indices of rho_00, rho_11, rho_12, rho_21, rho_22, rho_33
TRACE_ROW = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 1.0])  # trace in the neutral block
SINGLET = np.array([0.0, 1.0, -1.0, 0.0]) / np.sqrt(2.0)


def hamiltonian(delta: float = 1.0) -> np.ndarray:
    """H_S = (Delta/2)(sigma_1^z + sigma_2^z)."""
    return 0.5 * delta * (SIGMA_Z[0] + SIGMA_Z[1])


def _kossakowski_term(op_i: np.ndarray, op_j: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> O_i rho O_j^+ - {O_j^+ O_i, rho}/2 (no positivity assumed)."""
    oj_dag = op_j.conj().T
    prod = oj_dag @ op_i
    return sandwich(op_i, oj_dag) - 0.5 * (spre(prod) + spost(prod))


def channel_superoperators() -> dict[str, np.ndarray]:
    """The four constant 16x16 pieces multiplying Gamma_e(0), Gamma_e(r), Gamma_a(0), Gamma_a(r)."""
    lo = SIGMA_MINUS
    hi = tuple(s.conj().T for s in SIGMA_MINUS)  # sigma^+
    return {
        "e_local": sum(_kossakowski_term(lo[i], lo[i]) for i in range(2)),
        "e_nonlocal": sum(_kossakowski_term(lo[i], lo[1 - i]) for i in range(2)),
        "a_local": sum(_kossakowski_term(hi[i], hi[i]) for i in range(2)),
        "a_nonlocal": sum(_kossakowski_term(hi[i], hi[1 - i]) for i in range(2)),
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
    """Batched steady states from the neutral block: returns (rho (..., 4, 4), kernel_dim (...)).

    Points whose neutral block has a kernel of dimension != 1 (e.g. |Gamma(r)| = Gamma(0) in both
    channels: the singlet is dark and the steady state depends on the initial state) get NaN.
    """
    block = neutral_block(liouvillian(gamma_e0, gamma_a0, gamma_er, gamma_ar))
    batch = block.shape[:-2]
    flat = block.reshape(-1, 6, 6)
    sv = np.linalg.svd(flat, compute_uv=False)
    kernel = np.sum(sv <= rtol * np.maximum(sv[:, :1], 1e-300), axis=-1)
    ok = kernel == 1
    a = flat.copy()
    a[:, 0, :] = TRACE_ROW
    a[~ok] = np.eye(6)  # placeholder, overwritten by NaN below
    rhs = np.zeros((flat.shape[0], 6, 1), dtype=complex)
    rhs[:, 0, 0] = 1.0
    x = np.linalg.solve(a, rhs)[..., 0]
    x[~ok] = np.nan
    rho = np.zeros((flat.shape[0], 16), dtype=complex)
    rho[:, NEUTRAL] = x
    rho = rho.reshape(-1, 4, 4)
    rho = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))
    return rho.reshape(batch + (4, 4)), kernel.reshape(batch)


def x_state_concurrence(rho: np.ndarray) -> np.ndarray:
    """C = 2 max(0, |rho_12| - sqrt(rho_00 rho_33)) for states whose only coherence is rho_12."""
    p_uu = np.real(rho[..., 0, 0])
    p_dd = np.real(rho[..., 3, 3])
    coh = np.abs(rho[..., 1, 2])
    return 2.0 * np.maximum(0.0, coh - np.sqrt(np.clip(p_uu * p_dd, 0.0, None)))


def singlet_fraction(rho: np.ndarray) -> np.ndarray:
    """<S|rho|S> with |S> = (|ud> - |du>)/sqrt 2."""
    return np.real(np.einsum("i,...ij,j->...", SINGLET, rho, SINGLET))


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


def _attrs(long_name: str, units: str = "1") -> dict:
    return {"long_name": long_name, "units": units}


def _state_dataset(ge0, ga0, ger, gar, mask_unphysical: bool = True) -> xr.Dataset:
    physical = completely_positive(ge0, ga0, ger, gar)
    rho, kernel = steady_state(
        *(np.where(physical, g, 0.0) if mask_unphysical else g for g in (ge0, ga0, ger, gar))
    )
    conc = x_state_concurrence(rho)
    sf = singlet_fraction(rho)
    if mask_unphysical:
        conc = np.where(physical, conc, np.nan)
        sf = np.where(physical, sf, np.nan)
        kernel = np.where(physical, kernel, 0)
    pops = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
    return xr.Dataset(
        {
            "concurrence": ("point", conc, _attrs("steady-state concurrence C")),
            "singlet_fraction": ("point", sf, _attrs("steady-state singlet population <S|rho|S>")),
            "population_uu": ("point", pops[:, 0], _attrs("steady-state population of |uu>")),
            "population_dd": ("point", pops[:, 3], _attrs("steady-state population of |dd>")),
            "physical": (
                "point",
                physical.astype(np.int8),
                _attrs("1 if |Gamma_e(r)|<=Gamma_e(0) and |Gamma_a(r)|<=Gamma_a(0) (CP), else 0"),
            ),
            "kernel_dimension": (
                "point",
                kernel.astype(np.int8),
                _attrs("Liouvillian kernel dimension, neutral sector (1: unique, 0: masked)"),
            ),
            "gamma_a_local": (
                "point",
                ga0,
                _attrs("local absorption rate Gamma_a(0)", "Gamma_e(0)"),
            ),
            "gamma_e_nonlocal": (
                "point",
                ger,
                _attrs("nonlocal emission rate Gamma_e(r)", "Gamma_e(0)"),
            ),
            "gamma_a_nonlocal": (
                "point",
                gar,
                _attrs("nonlocal absorption rate Gamma_a(r)", "Gamma_e(0)"),
            ),
        }
    )


def _check_temperature_map(*, T_local, T_nonlocal, ratio, relative_sign=1.0, **_):
    r = np.asarray(ratio, dtype=float)
    if np.any((r < 0) | (r > 1)):
        raise ParameterError("ratio", "|Gamma_e(r)|/Gamma_e(0) must lie in [0, 1] (positivity)")
    if relative_sign not in (1, -1, 1.0, -1.0):
        raise ParameterError("relative_sign", "must be +1 or -1")


@contract.solver
@validates(_check_temperature_map)
def temperature_map(*, T_local, T_nonlocal, ratio, relative_sign=1.0) -> xr.Dataset:
    """Fig. 1(b), Fig. 3: steady state vs k_B T(0)/Delta, k_B T(r)/Delta, |Gamma_e(r)|/Gamma_e(0).

    Points violating |Gamma_a(r)| <= Gamma_a(0) (footnote; the paper's "unphysical region") are NaN.
    """
    t0, tr, ratio = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=float)) for v in (T_local, T_nonlocal, ratio))
    )
    rates = rates_from_temperatures(t0, tr, ratio, relative_sign)
    return _state_dataset(*rates)


@contract.companion
def physical_edge(ds: xr.Dataset, *, T_nonlocal, **_) -> xr.Dataset:
    """Companion of Fig. 3: the local temperature where the physical region starts, per ratio.

    |Gamma_a(r)| = Gamma_a(0) with Eq. (8): exp(-1/T0) = ratio exp(-1/Tr), i.e.
    k_B T(0)/Delta = 1/(Delta/k_B T(r) - ln ratio) (for T(r) > 0; the region T(0) below it is
    unphysical). Exact, so the edges of nearby ratios can be drawn apart at any grid spacing.
    """
    ratio = ds["ratio"].values
    tr = float(T_nonlocal)
    edge = 1.0 / (1.0 / tr - np.log(ratio)) if tr > 0 else np.full(ratio.shape, np.nan)
    ds["T_local_edge"] = (
        "ratio",
        edge,
        _attrs(
            "local temperature k_B T(0)/Delta at the edge |Gamma_a(r)| = Gamma_a(0)", "Delta/k_B"
        ),
    )
    return ds


def _check_magnet(*, b, r, lambda_ratio, r_min=1e-3, **_):
    if np.any(np.asarray(b, dtype=float) < 1.0):
        raise ParameterError("b", "b/Delta >= 1 is needed for emission and absorption (Eq. 11)")
    if np.any(np.asarray(r, dtype=float) < 0.0):
        raise ParameterError("r", "the qubit separation must be >= 0")
    if not lambda_ratio > 0:
        raise ParameterError("lambda_ratio", "|lambda_1/lambda_-1| must be > 0")
    if not 0 < r_min < 0.1:
        raise ParameterError("r_min", "must lie in (0, 0.1) sqrt(As/Delta)")


@contract.solver
@validates(_check_magnet)
def inverted_magnet(*, b, r, lambda_ratio, r_min=1e-3) -> xr.Dataset:
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
    ds["T_nonlocal"] = (
        "point",
        effective_temperature(gar_exact, ger_exact),
        _attrs("nonlocal temperature k_B T(r)/Delta, Eq. (8)", "Delta/k_B"),
    )
    ds["T_local"] = (
        "point",
        effective_temperature(ga0, ge0),
        _attrs("local temperature k_B T(0)/Delta, Eq. (8)", "Delta/k_B"),
    )
    ds["absorption_ratio"] = ("point", np.abs(gar_exact) / ga0, _attrs("|Gamma_a(r)|/Gamma_a(0)"))
    ds["emission_ratio"] = ("point", np.abs(ger_exact) / ge0, _attrs("|Gamma_e(r)|/Gamma_e(0)"))
    ds["r_evaluated"] = ("point", r_eval, _attrs("separation used in the solve", "sqrt(As/Delta)"))
    return ds


def _check_dispersion(*, b, k, **_):
    if not b >= 1.0:
        raise ParameterError("b", "b/Delta >= 1 (both omega = +Delta and -Delta are crossed)")


@contract.solver
@validates(_check_dispersion)
def magnet_dispersion(*, b, k) -> xr.Dataset:
    """Fig. 4(a): omega(k) = As k^2 - b of the inverted magnet, and the crossings k(+-Delta)."""
    k = np.asarray(k, dtype=float)
    return xr.Dataset(
        {
            "omega": (
                ("point", "k"),
                dispersion(k, b)[None, :],
                _attrs("magnon energy omega/Delta", "Delta"),
            ),
            "k_emission": (
                "point",
                [float(wavevector(1.0, b))],
                _attrs("k(Delta): wavevector of the emitted magnon", "sqrt(Delta/As)"),
            ),
            "k_absorption": (
                "point",
                [float(wavevector(-1.0, b))],
                _attrs("k(-Delta): wavevector of the antimagnon", "sqrt(Delta/As)"),
            ),
            "b_dispersion": ("point", [float(b)], _attrs("external field b/Delta", "Delta")),
        },
        coords={"k": ("k", k, _attrs("wavevector k sqrt(As/Delta)", "sqrt(Delta/As)"))},
    )


def _check_curves(*, b, r, lambda_ratio, **_):
    _check_magnet(b=b, r=r, lambda_ratio=lambda_ratio)


@contract.solver
@validates(_check_curves)
def nonlocal_temperature(*, b, r, lambda_ratio, n_zeros: int = 6) -> xr.Dataset:
    """Fig. 4(b): k_B T(r)/Delta along r (a param array) for each b, with the Bessel zeros.

    T(r) -> -0 where Gamma_e(r) = 0 (J0[k(Delta) r] = 0) and -> +0 where Gamma_a(r) = 0
    (J0[k(-Delta) r] = 0); it passes through +-infinity where |Gamma_a(r)| = |Gamma_e(r)|.
    """
    from scipy.special import jn_zeros

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
            "T_nonlocal": (
                ("point", "r"),
                effective_temperature(gar, ger),
                _attrs("nonlocal temperature k_B T(r)/Delta, Eq. (8)", "Delta/k_B"),
            ),
            "r_zero_emission": (
                ("point", "zero"),
                z_e,
                _attrs(
                    "zeros of J0[k(Delta) r] (Gamma_e(r) = 0) within the r range", "sqrt(As/Delta)"
                ),
            ),
            "r_zero_absorption": (
                ("point", "zero"),
                z_a,
                _attrs(
                    "zeros of J0[k(-Delta) r] (Gamma_a(r) = 0) within the r range", "sqrt(As/Delta)"
                ),
            ),
            "T_nonlocal_zero_emission": (
                ("point", "zero"),
                t_zero_e,
                _attrs("k_B T(r)/Delta, Eq. (8), at r_zero_emission (Gamma_e(r) = 0)", "Delta/k_B"),
            ),
            "T_nonlocal_zero_absorption": (
                ("point", "zero"),
                t_zero_a,
                _attrs(
                    "k_B T(r)/Delta, Eq. (8), at r_zero_absorption (Gamma_a(r) = 0)", "Delta/k_B"
                ),
            ),
        },
        coords={
            "r": ("r", r, _attrs("qubit separation r/sqrt(As/Delta)", "sqrt(As/Delta)")),
            "zero": ("zero", np.arange(1, n_zeros + 1), _attrs("index of the Bessel zero")),
        },
    )
