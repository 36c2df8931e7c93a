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
from typing import Annotated

import numpy as np
import xarray as xr

from .. import contract
from ..contract import NonNegative, Number, Positive, Probability, TimeGrid
from ..io import cf_flag, cf_variable
from ..quantum import (
    DOWN,
    SIGMA_MINUS,
    SIGMA_PLUS,
    SIGMA_Z,
    SINGLET,
    UP,
    concurrence,
    dissipator,
    evolve,
    fidelity,
    liouvillian,
    no_jump_evolution,
    on_each_qubit,
    steady_state,
)
from ..registry import ParameterError

REFERENCE = (  # the paper reproduced: the `references` attribute of its NetCDF files
    "J. Zou, S. Zhang and Y. Tserkovnyak, Bell-state generation for spin qubits via dissipative "
    "coupling, Phys. Rev. B 106, L180406 (2022), doi:10.1103/PhysRevB.106.L180406, with the arXiv "
    "supplement"
)

# sigma^+ = |up><down| takes |down> to |up>: the decay to the ground state of Eq. (5)
UP_DOWN_KET = np.kron(UP, DOWN)  # |ud>
UP_DOWN = np.outer(UP_DOWN_KET, UP_DOWN_KET.conj())  # the initial state |ud><ud|


def _pair(op: np.ndarray, sign: float) -> np.ndarray:
    """op_1 + sign * op_2 on two qubits."""
    on_1, on_2 = on_each_qubit(op)
    return on_1 + sign * on_2


def _unit_jumps() -> np.ndarray:
    """J_1..J_4 of Eq. (5) at unit rates: sigma^-_1 +- sigma^-_2, sigma^+_1 +- sigma^+_2."""
    return np.stack(
        [_pair(SIGMA_MINUS, 1), _pair(SIGMA_MINUS, -1), _pair(SIGMA_PLUS, 1), _pair(SIGMA_PLUS, -1)]
    )


def jump_operators(a, a_tilde, A, A_tilde) -> np.ndarray:
    """The four jump operators J_1..J_4 of Eq. (5), stacked (..., 4, 4, 4) over broadcast rates."""
    a, a_tilde, A, A_tilde = np.broadcast_arrays(
        *(np.asarray(x, float) for x in (a, a_tilde, A, A_tilde))
    )
    rates = np.stack(
        [(a_tilde + A_tilde) / 2, (a_tilde - A_tilde) / 2, (a + A) / 2, (a - A) / 2], axis=-1
    )
    return np.sqrt(np.clip(rates, 0, None))[..., None, None] * _unit_jumps()


def system_hamiltonian(delta) -> np.ndarray:
    """H_S with Delta_1,2 = Delta +- delta and Delta = 0 (see module docstring), (..., 4, 4)."""
    delta = np.asarray(delta, float)
    return -0.5 * delta[..., None, None] * _pair(SIGMA_Z, -1)


@cache
def _unit_superoperators() -> np.ndarray:
    """-i[H_S, .] at delta = 1 and the standard dissipators of the four unit jump operators."""
    return np.concatenate([liouvillian(system_hamiltonian(1.0))[None], dissipator(_unit_jumps())])


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


def _amplitudes_within_rates(a, a_tilde, A, A_tilde, names=("A", "A_tilde")) -> None:
    """|A| <= a and |A~| <= a~ (rates and |couplings| are >= 0 by their markers)."""
    if np.any(np.asarray(A) > np.asarray(a) * (1 + 1e-12)):
        raise ParameterError(names[0], "|A| must not exceed a (h of Eq. 4 positive semidefinite)")
    if np.any(np.asarray(A_tilde) > np.asarray(a_tilde) * (1 + 1e-12) + 1e-300):
        raise ParameterError(names[1], "|A~| must not exceed a~ (h of Eq. 4 positive semidefinite)")


def _check_time(time) -> None:
    """At least two times, equally spaced (the marker: increasing and >= 0)."""
    time = np.asarray(time, float)
    if time.size < 2:
        raise ParameterError("time", "needs >= 2 non-negative, equally spaced values")
    if not np.allclose(np.diff(time), time[1] - time[0]):
        raise ParameterError("time", "must be equally spaced (linspace)")


def _check_dynamics(*, A, a, boltzmann=0.0, time, **_) -> None:
    _amplitudes_within_rates(a, boltzmann * a, A, boltzmann * np.asarray(A))
    _check_time(time)


def _time_coord(time) -> xr.Variable:
    return cf_variable("time", np.asarray(time, float), "time t", "1/rate unit")


@contract.solver(outputs=("concurrence", "singlet_population", "time"), check=_check_dynamics)
def concurrence_dynamics(
    *,
    delta: NonNegative,
    A: NonNegative,
    a: NonNegative,
    boltzmann: Probability = 0.0,
    time: TimeGrid,
) -> xr.Dataset:
    """C(t) of the Lindblad dynamics (7) from |ud>, Fig. 2 and Fig. S4.

    delta = (Delta_1 - Delta_2)/2 >= 0 by convention; |A| <= a. ``boltzmann`` = exp(-Delta/k_B T)
    sets a~ = boltzmann * a and |A~| = boltzmann * |A| (the fluctuation-dissipation relation of
    the text); 0 is zero temperature.
    """
    delta, A = np.broadcast_arrays(np.asarray(delta, float), np.asarray(A, float))
    gen = generator(delta, a, boltzmann * a, A, boltzmann * A)
    rho = evolve(gen, UP_DOWN, np.asarray(time, float))
    return xr.Dataset(
        {
            "concurrence": cf_variable(("point", "time"), concurrence(rho), "concurrence C"),
            "singlet_population": cf_variable(
                ("point", "time"), fidelity(rho, SINGLET), "singlet population"
            ),
        },
        coords={"time": _time_coord(time)},
    )


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


@contract.companion(outputs=("concurrence_analytic",))
def zero_temperature_companion(ds: xr.Dataset, *, A, a, boltzmann=0.0, time, **_) -> xr.Dataset:
    """Add ``concurrence_analytic`` (closed forms of the text, T = 0) to a Fig. 2 panel."""
    if boltzmann != 0:
        raise ValueError("the closed forms of the text hold at zero temperature (boltzmann = 0)")
    delta = ds["delta"].values[:, None]
    ds["concurrence_analytic"] = cf_variable(
        ("delta", "time"),
        concurrence_zero_temperature(delta, A, a, np.asarray(time)[None, :]),
        "concurrence C, closed form of the text",
    )
    return ds


# --- Steady state (Fig. S5) -------------------------------------------------------------------


@contract.solver(outputs=("concurrence", "physical", "singlet_population"))
def steady_concurrence_saturated(
    *, A: NonNegative, A_tilde: NonNegative, delta: NonNegative = 0.0
) -> xr.Dataset:
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
    singlet = np.where(physical, fidelity(rho, SINGLET), np.nan)
    return xr.Dataset(
        {
            "concurrence": cf_variable("point", conc, "steady-state concurrence C(inf)"),
            "singlet_population": cf_variable("point", singlet, "steady-state singlet population"),
            "physical": cf_flag(
                "point", physical, "physical region |A~| <= |A|", {0: "masked", 1: "physical"}
            ),
        }
    )


# --- Post-selected, non-Hermitian evolution (Fig. 3) -----------------------------------------


def effective_hamiltonian(delta, a, a_tilde, A, A_tilde) -> np.ndarray:
    """Non-Hermitian H_eff = H_S - i sum_i J_i^+ J_i of Eq. (12), (..., 4, 4)."""
    delta, a, a_tilde, A, A_tilde = np.broadcast_arrays(delta, a, a_tilde, A, A_tilde)
    jumps = jump_operators(a, a_tilde, A, A_tilde)
    return system_hamiltonian(delta) - 1j * np.einsum("...kji,...kjl->...il", jumps.conj(), jumps)


def _check_postselected(*, a, A, a_tilde=0.0, A_tilde=0.0, time, **_) -> None:
    _amplitudes_within_rates(a, a_tilde, A, A_tilde)
    _check_time(time)


@contract.solver(outputs=("concurrence", "time"), check=_check_postselected)
def postselected_concurrence(
    *,
    delta: NonNegative,
    a: NonNegative,
    A: NonNegative,
    a_tilde: NonNegative = 0.0,
    A_tilde: NonNegative = 0.0,
    time: TimeGrid,
) -> xr.Dataset:
    """C(t) under continuous measurement and post-selection, Eq. (13), from |ud> (Fig. 3).

    Computed in the full two-qubit space with Wootters' concurrence. Only Gamma = |A| + |A~| and
    delta matter: a + a~ is a common decay removed by the normalisation.
    """
    delta = np.asarray(delta, float)
    h = effective_hamiltonian(delta, a, a_tilde, A, A_tilde)
    rho = no_jump_evolution(h, UP_DOWN_KET, time)
    return xr.Dataset(
        {"concurrence": cf_variable(("point", "time"), concurrence(rho), "concurrence C")},
        coords={"time": _time_coord(time)},
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


@contract.companion(outputs=("concurrence_analytic",))
def postselected_companion(
    ds: xr.Dataset, *, delta=None, a, A, a_tilde=0.0, A_tilde=0.0, time, **_
) -> xr.Dataset:
    """Add ``concurrence_analytic`` (closed form in the {ud, du} subspace) to the Fig. 3 panel."""
    ds["concurrence_analytic"] = cf_variable(
        ("delta", "time"),
        postselected_closed_form(
            ds["delta"].values[:, None], A + A_tilde, np.asarray(time)[None, :]
        ),
        "concurrence C, closed form of Eq. (13)",
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


@contract.solver(outputs=("max_concurrence",))
def postselected_max_concurrence(
    *,
    eta: NonNegative,
    gamma: Positive = 1.0,
    samples: Annotated[int, Number(low=11, integer=True)] = 2001,
    long_time: Positive = 200.0,
) -> xr.Dataset:
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
    rho = no_jump_evolution(h, UP_DOWN_KET, tau)
    return xr.Dataset(
        {
            "max_concurrence": cf_variable(
                "point", concurrence(rho).max(axis=-1), "maximal concurrence over time"
            ),
        }
    )


@contract.companion(outputs=("max_concurrence_closed_form", "max_concurrence_text"))
def max_concurrence_companion(ds: xr.Dataset, **_) -> xr.Dataset:
    """Add the derived closed form and the formula printed in the text to the inset panel."""
    eta = ds["eta"].values
    ds["max_concurrence_closed_form"] = cf_variable(
        "eta",
        max_concurrence_closed_form(eta),
        "maximal concurrence, closed form 2 eta/(1 + eta^2)",
    )
    ds["max_concurrence_text"] = cf_variable(
        "eta",
        max_concurrence_text(eta),
        "maximal concurrence as printed, sqrt(2 - 1/eta^2)/eta",
    )
    return ds
