"""Zou, Zhang & Tserkovnyak, PRB 106, L180406 (2022): Bell states via dissipative coupling.

Two qubits, H_S = -(Delta_1 s1z + Delta_2 s2z)/2, jump operators of Eq. (5), master equation (7)
d rho/dt = -i[H_S, rho] - sum_J (J^+J rho + rho J^+J - 2 J rho J^+). Note the factor 2: in the
standard form rho -> L rho L^+ - {L^+L, rho}/2 the jump operators are L = sqrt(2) J.

Basis: |up> = (1, 0), |down> = (0, 1); two-qubit order (uu, ud, du, dd) = rho_00..rho_33 (S54).
Only the asymmetry delta = (Delta_1 - Delta_2)/2 enters: the mean field Delta commutes with every
term acting on the |ud>, |du> block reached from |ud> and only dresses the (uu, dd) coherence,
which stays zero. Rates (a, |A|, delta, Gamma) are in the figure's rate unit, time in its inverse.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import xarray as xr

from .. import contract
from ..quantum import concurrence, evolve, liouvillian, steady_state
from ..quantum.superop import dissipator
from ..registry import ParameterError, validates

SIGMA_PLUS = np.array([[0, 1], [0, 0]], dtype=complex)  # |down> -> |up>: decay to the ground state
SIGMA_MINUS = SIGMA_PLUS.T.copy()
SIGMA_Z = np.diag([1.0, -1.0]).astype(complex)
EYE = np.eye(2, dtype=complex)
UP_DOWN = np.diag([0.0, 1.0, 0.0, 0.0]).astype(complex)  # initial state |ud><ud|
SINGLET = np.array([0, 1, -1, 0]) / np.sqrt(2)


def _pair(op: np.ndarray, sign: float) -> np.ndarray:
    """op_1 + sign * op_2 on two qubits."""
    return np.kron(op, EYE) + sign * np.kron(EYE, op)


def jump_operators(a, a_tilde, A, A_tilde) -> np.ndarray:
    """The four jump operators J_1..J_4 of Eq. (5), stacked (..., 4, 4, 4) over broadcast rates."""
    a, a_tilde, A, A_tilde = np.broadcast_arrays(
        *(np.asarray(x, float) for x in (a, a_tilde, A, A_tilde))
    )
    rates = np.stack(
        [(a_tilde + A_tilde) / 2, (a_tilde - A_tilde) / 2, (a + A) / 2, (a - A) / 2], axis=-1
    )
    ops = np.stack(
        [_pair(SIGMA_MINUS, 1), _pair(SIGMA_MINUS, -1), _pair(SIGMA_PLUS, 1), _pair(SIGMA_PLUS, -1)]
    )
    return np.sqrt(np.clip(rates, 0, None))[..., None, None] * ops


def system_hamiltonian(delta) -> np.ndarray:
    """H_S with Delta_1,2 = Delta +- delta and Delta = 0 (see module docstring), (..., 4, 4)."""
    delta = np.asarray(delta, float)
    return -0.5 * delta[..., None, None] * _pair(SIGMA_Z, -1)


@cache
def _unit_superoperators() -> np.ndarray:
    """-i[H_S, .] at delta = 1 and the standard dissipators of the four unit jump operators."""
    ops = np.stack(
        [_pair(SIGMA_MINUS, 1), _pair(SIGMA_MINUS, -1), _pair(SIGMA_PLUS, 1), _pair(SIGMA_PLUS, -1)]
    )
    return np.concatenate([liouvillian(system_hamiltonian(1.0))[None], dissipator(ops)])


def generator(delta, a, a_tilde, A, A_tilde) -> np.ndarray:
    """Lindblad generator of Eq. (7) in the standard form, (..., 16, 16).

    Linear in delta and the rates: a contraction of per-point coefficients with five constant
    superoperators (the jump rates of Eq. 5 times 2, the factor of D_J).
    """
    delta, a, a_tilde, A, A_tilde = np.broadcast_arrays(
        *(np.asarray(x, float) for x in (delta, a, a_tilde, A, A_tilde))
    )
    coeff = np.stack(
        [delta, a_tilde + A_tilde, a_tilde - A_tilde, a + A, a - A], axis=-1
    )  # 2 * (rate/2) for each jump operator
    return np.einsum("...k,kij->...ij", coeff.astype(complex), _unit_superoperators())


def _check_rates(a, a_tilde, A, A_tilde, names=("a", "a_tilde", "A", "A_tilde")) -> None:
    for name, value in zip(names, (a, a_tilde, A, A_tilde), strict=True):
        if np.any(np.asarray(value) < 0):
            raise ParameterError(name, "rates and |couplings| must be >= 0")
    if np.any(np.asarray(A) > np.asarray(a) * (1 + 1e-12)):
        raise ParameterError(names[2], "|A| must not exceed a (h of Eq. 4 positive semidefinite)")
    if np.any(np.asarray(A_tilde) > np.asarray(a_tilde) * (1 + 1e-12) + 1e-300):
        raise ParameterError(names[3], "|A~| must not exceed a~ (h of Eq. 4 positive semidefinite)")


def _check_time(time) -> None:
    time = np.asarray(time, float)
    if time.ndim != 1 or time.size < 2 or np.any(time < 0):
        raise ParameterError("time", "needs >= 2 non-negative, equally spaced values")
    if not np.allclose(np.diff(time), time[1] - time[0]):
        raise ParameterError("time", "must be equally spaced (linspace)")


def _check_dynamics(*, delta, A, a, boltzmann, time) -> None:
    if not 0 <= boltzmann <= 1:
        raise ParameterError("boltzmann", "exp(-Delta/k_B T) must lie in [0, 1]")
    if np.any(np.asarray(delta) < 0):
        raise ParameterError("delta", "delta = (Delta_1 - Delta_2)/2 >= 0 by convention")
    _check_rates(a, boltzmann * a, A, boltzmann * np.asarray(A))
    _check_time(time)


def _time_coord(time) -> xr.DataArray:
    return xr.DataArray(
        np.asarray(time, float), dims="time", attrs={"long_name": "time t", "units": "1/rate unit"}
    )


def _concurrence_var(values, long_name="concurrence C") -> xr.Variable:
    return xr.Variable(("point", "time"), values, {"long_name": long_name, "units": "1"})


@contract.solver
@validates(_check_dynamics)
def concurrence_dynamics(*, delta, A, a, boltzmann=0.0, time) -> xr.Dataset:
    """C(t) of the Lindblad dynamics (7) from |ud>, Fig. 2 and Fig. S4.

    ``boltzmann`` = exp(-Delta/k_B T) sets a~ = boltzmann * a and |A~| = boltzmann * |A| (the
    fluctuation-dissipation relation of the text); 0 is zero temperature.
    """
    delta, A = np.broadcast_arrays(np.asarray(delta, float), np.asarray(A, float))
    gen = generator(delta, a, boltzmann * a, A, boltzmann * A)
    rho = evolve(gen, UP_DOWN, np.asarray(time, float))
    ds = xr.Dataset(
        {
            "concurrence": _concurrence_var(concurrence(rho)),
            "singlet_population": xr.Variable(
                ("point", "time"),
                np.real(np.einsum("i,...ij,j->...", SINGLET, rho, SINGLET)),
                {"long_name": "singlet population", "units": "1"},
            ),
        },
        coords={"time": _time_coord(time)},
    )
    return ds


def sinc_like(w2, t) -> np.ndarray:
    """s(t) = sin(w t)/w with w^2 = ``w2`` of either sign: sinh(k t)/k for w2 = -k^2 < 0, t at 0."""
    w2, t = np.broadcast_arrays(np.asarray(w2, float), np.asarray(t, float))
    w = np.sqrt(np.abs(w2))
    wt = w * t
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = np.where(w2 >= 0, np.sin(wt), np.sinh(wt)) / w
    series = t * (1 - np.sign(w2) * wt**2 / 6 + wt**4 / 120)
    return np.where(wt < 1e-4, series, exact)


def concurrence_zero_temperature(delta, A, a, time) -> np.ndarray:
    """The closed forms of the text at zero temperature, initial state |ud>.

    The underdamped C = 2 e^{-2at}|A sin w0 t| sqrt(delta^2 - |A cos w0 t|^2)/w0^2, its overdamped
    continuation (kappa0 = sqrt(|A|^2 - delta^2)) and the critical limit delta = |A| are one
    expression: with s = sin(w0 t)/w0 and cos^2 + w0^2 s^2 = 1,
    C = 2 e^{-2at} |A s| sqrt(1 + |A|^2 s^2).
    """
    delta, A, t = np.broadcast_arrays(*(np.asarray(x, float) for x in (delta, A, time)))
    s = sinc_like(delta**2 - A**2, t)
    return 2 * np.exp(-2 * a * t) * np.abs(A * s) * np.sqrt(1 + (A * s) ** 2)


@contract.companion
def zero_temperature_companion(ds: xr.Dataset, *, A, a, boltzmann=0.0, time, **_) -> xr.Dataset:
    """Add ``concurrence_analytic`` (closed forms of the text, T = 0) to a Fig. 2 panel."""
    if boltzmann != 0:
        raise ValueError("the closed forms of the text hold at zero temperature (boltzmann = 0)")
    delta = ds["delta"].values[:, None]
    ds["concurrence_analytic"] = (
        ("delta", "time"),
        concurrence_zero_temperature(delta, A, a, np.asarray(time)[None, :]),
        {"long_name": "concurrence C, closed form of the text", "units": "1"},
    )
    return ds


# --- Steady state (Fig. S5) -------------------------------------------------------------------


def _check_saturated(*, A, A_tilde, delta=0.0) -> None:
    _check_rates(A, A_tilde, A, A_tilde, names=("A", "A_tilde", "A", "A_tilde"))
    if np.any(np.asarray(delta) < 0):
        raise ParameterError("delta", "delta >= 0 by convention")


@contract.solver
@validates(_check_saturated)
def steady_concurrence_saturated(*, A, A_tilde, delta=0.0) -> xr.Dataset:
    """Long-time concurrence from |ud> with saturated couplings a = |A|, a~ = |A~| (Fig. S5).

    The singlet is dark, so the steady state is not unique: it is the t -> infinity limit of the
    dynamics from |ud>. Points with |A~| > |A| are unphysical (a~/a = exp(-Delta/k_B T) <= 1) and
    are returned as NaN with ``physical`` = 0.
    """
    A, A_tilde = np.broadcast_arrays(np.asarray(A, float), np.asarray(A_tilde, float))
    physical = A_tilde <= A
    gen = generator(delta, A, A_tilde, A, A_tilde)
    rho, _ = steady_state(gen, rho0=UP_DOWN)
    conc = np.where(physical, concurrence(rho), np.nan)
    singlet = np.real(np.einsum("i,...ij,j->...", SINGLET, rho, SINGLET))
    return xr.Dataset(
        {
            "concurrence": (
                "point",
                conc,
                {"long_name": "steady-state concurrence C(inf)", "units": "1"},
            ),
            "singlet_population": (
                "point",
                np.where(physical, singlet, np.nan),
                {"long_name": "steady-state singlet population", "units": "1"},
            ),
            "physical": (
                "point",
                physical.astype("i1"),
                {"long_name": "physical region |A~| <= |A| (1) or masked (0)", "units": "1"},
            ),
        }
    )


# --- Post-selected, non-Hermitian evolution (Fig. 3) -----------------------------------------


def effective_hamiltonian(delta, a, a_tilde, A, A_tilde) -> np.ndarray:
    """Non-Hermitian H_eff = H_S - i sum_i J_i^+ J_i of Eq. (12), (..., 4, 4)."""
    delta, a, a_tilde, A, A_tilde = np.broadcast_arrays(delta, a, a_tilde, A, A_tilde)
    jumps = jump_operators(a, a_tilde, A, A_tilde)
    return system_hamiltonian(delta) - 1j * np.einsum("...kji,...kjl->...il", jumps.conj(), jumps)


def postselected_states(h_eff: np.ndarray, psi0: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Normalised rho(t) of Eq. (13) for a pure initial state, (..., nt, d, d).

    Propagated in equal steps with exp(-i H_eff dt) (exact at the exceptional point too) and
    renormalised at every step, so that the growing/decaying modes never overflow.
    """
    from scipy.linalg import expm

    time = np.asarray(time, float)
    step = expm(-1j * h_eff * (time[1] - time[0]))
    psi = np.broadcast_to((expm(-1j * h_eff * time[0]) @ psi0), h_eff.shape[:-1]).copy()
    out = np.empty(h_eff.shape[:-2] + (time.size, psi0.size), dtype=complex)
    for k in range(time.size):
        if k:
            psi = np.einsum("...ij,...j->...i", step, psi)
        psi /= np.linalg.norm(psi, axis=-1, keepdims=True)
        out[..., k, :] = psi
    return out[..., :, None] * out[..., None, :].conj()


def _check_postselected(*, delta, a, A, a_tilde=0.0, A_tilde=0.0, time) -> None:
    _check_rates(a, a_tilde, A, A_tilde)
    if np.any(np.asarray(delta) < 0):
        raise ParameterError("delta", "delta >= 0 by convention")
    _check_time(time)


@contract.solver
@validates(_check_postselected)
def postselected_concurrence(*, delta, a, A, a_tilde=0.0, A_tilde=0.0, time) -> xr.Dataset:
    """C(t) under continuous measurement and post-selection, Eq. (13), from |ud> (Fig. 3).

    Computed in the full two-qubit space with Wootters' concurrence. Only Gamma = |A| + |A~| and
    delta matter: a + a~ is a common decay removed by the normalisation.
    """
    delta = np.asarray(delta, float)
    h = effective_hamiltonian(delta, a, a_tilde, A, A_tilde)
    rho = postselected_states(h, np.array([0, 1, 0, 0], dtype=complex), time)
    return xr.Dataset(
        {"concurrence": _concurrence_var(concurrence(rho))}, coords={"time": _time_coord(time)}
    )


def postselected_closed_form(delta, gamma, time) -> np.ndarray:
    """C(t) from |ud> under Eq. (13), solved in closed form in the {ud, du} subspace.

    With H = -delta tau_z - i Gamma tau_x (common decay dropped), psi(t) = (cos wt + i delta s,
    -Gamma s), s = sin(wt)/w, w^2 = delta^2 - Gamma^2. Special cases printed in the text:
    tanh(2 Gamma t) at delta = 0 and 2Gt sqrt(1+G^2t^2)/(1+2G^2t^2) at delta = Gamma.
    """
    delta, gamma, t = np.broadcast_arrays(*(np.asarray(x, float) for x in (delta, gamma, time)))
    w2 = delta**2 - gamma**2
    s = sinc_like(w2, t)
    cos2 = 1 - w2 * s**2  # cos^2(wt), or cosh^2 in the broken phase
    p1 = cos2 + (delta * s) ** 2
    p2 = (gamma * s) ** 2
    return 2 * np.sqrt(p1 * p2) / (p1 + p2)


@contract.companion
def postselected_companion(
    ds: xr.Dataset, *, delta=None, a, A, a_tilde=0.0, A_tilde=0.0, time, **_
) -> xr.Dataset:
    """Add ``concurrence_analytic`` (closed form in the {ud, du} subspace) to the Fig. 3 panel."""
    ds["concurrence_analytic"] = (
        ("delta", "time"),
        postselected_closed_form(
            ds["delta"].values[:, None], A + A_tilde, np.asarray(time)[None, :]
        ),
        {"long_name": "concurrence C, closed form of Eq. (13)", "units": "1"},
    )
    return ds


def max_concurrence_closed_form(eta) -> np.ndarray:
    """sup_t C(t) from |ud> vs eta = delta/Gamma: 1 for eta <= 1, 2 eta/(1 + eta^2) above.

    Derived from :func:`postselected_closed_form`: with u = Gamma^2 s^2,
    C = 2 sqrt(u(1+u))/(1+2u) grows with u, whose maximum is 1/(eta^2 - 1) in the PT-exact phase.
    The text prints sqrt(2 - 1/eta^2)/eta instead (see docs/reproduction-notes.md).
    """
    eta = np.asarray(eta, float)
    with np.errstate(divide="ignore"):
        return np.where(eta <= 1, 1.0, 2 * eta / (1 + eta**2))


def max_concurrence_text(eta) -> np.ndarray:
    """The formula printed in the text, C_max = sqrt(2 - 1/eta^2)/eta for eta > 1 (1 below)."""
    eta = np.asarray(eta, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(eta <= 1, 1.0, np.sqrt(2 - 1 / eta**2) / eta)


def _check_max(*, eta, gamma=1.0, samples=2001, long_time=200.0) -> None:
    if np.any(np.asarray(eta) < 0):
        raise ParameterError("eta", "eta = delta/Gamma must be >= 0")
    if gamma <= 0:
        raise ParameterError("gamma", "Gamma must be > 0")
    if samples < 11:
        raise ParameterError("samples", "at least 11 time samples")


@contract.solver
@validates(_check_max)
def postselected_max_concurrence(*, eta, gamma=1.0, samples=2001, long_time=200.0) -> xr.Dataset:
    """Numerical max_t C(t) of Eq. (13) from |ud> vs eta = delta/Gamma (inset of Fig. 3).

    Each point is propagated on its own window: half an oscillation period pi/(2w) - where the
    PT-exact maximum lies - capped at ``long_time``/Gamma, which is also the window of the
    PT-broken phase and the exceptional point (there C -> 1 only as t -> infinity).
    """
    eta = np.asarray(eta, float)
    delta = eta * gamma
    w = np.sqrt(np.clip(delta**2 - gamma**2, 0, None))
    with np.errstate(divide="ignore"):
        window = np.where(
            w > 0, np.minimum(np.pi / (2 * w) * 1.5, long_time / gamma), long_time / gamma
        )
    tau = np.linspace(0.0, 1.0, samples)
    h = effective_hamiltonian(delta, gamma, 0.0, gamma, 0.0) * window[:, None, None]
    rho = postselected_states(h, np.array([0, 1, 0, 0], dtype=complex), tau)
    return xr.Dataset(
        {
            "max_concurrence": (
                "point",
                concurrence(rho).max(axis=-1),
                {"long_name": "maximal concurrence over time", "units": "1"},
            ),
        }
    )


@contract.companion
def max_concurrence_companion(ds: xr.Dataset, **_) -> xr.Dataset:
    """Add the derived closed form and the formula printed in the text to the inset panel."""
    eta = ds["eta"].values
    ds["max_concurrence_closed_form"] = (
        "eta",
        max_concurrence_closed_form(eta),
        {"long_name": "maximal concurrence, closed form 2 eta/(1 + eta^2)", "units": "1"},
    )
    ds["max_concurrence_text"] = (
        "eta",
        max_concurrence_text(eta),
        {"long_name": "maximal concurrence as printed, sqrt(2 - 1/eta^2)/eta", "units": "1"},
    )
    return ds
