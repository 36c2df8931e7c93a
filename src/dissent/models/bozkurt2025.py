"""Bozkurt, Lopez & Ryu (2025): entanglement generation and stabilization by coherent collisions.

Units: f_col = 1 (rates in f_col, Larmor frequencies Omega_n in f_col, hbar = 1), angles in radians.

Conventions
-----------
* Spin basis |up> = (1, 0), |down> = (0, 1); sigma_z |up> = +|up>.
* Two-particle space (electron x qubit n), basis order (uu, ud, du, dd) with the electron first.
  Eq. (1) as printed has two typos, ``t_n |dd><dd|`` for ``t_n |du><du|`` (not unitary) and
  ``r_n |uu><du|`` for ``r_n |ud><du|`` (breaks spin conservation): the amplitudes of
  Fig. 1(b)-(d) (and the spin-flip symmetry stated below Fig. 1) give
  s_n = e^{i varphi} (|uu><uu| + |dd><dd|) + t (|ud><ud| + |du><du|) + r (|du><ud| + |ud><du|),
  with t = sqrt(T), r = -+ i sqrt(1-T) (Eq. 3) and varphi = -+ atan sqrt((1-T)/T) (Eq. 4);
  upper sign ferromagnetic, lower antiferromagnetic.  Eq. (4) is equivalent to t + r = e^{i varphi}
  (Eq. A8), i.e. s_n = e^{i varphi} P_triplet + (t - r) P_singlet, which conserves total spin.
* Three-particle space electron x qubit1 x qubit2 (8-dim); the electron meets qubit 1 first:
  S = s_2 s_1 (Fig. 2).
* Two-qubit states: basis (uu, ud, du, dd) with qubit 1 first.  Superoperators act on the row-major
  vec(rho) (the convention of :mod:`dissent.quantum.superop`).
* Collision map Eq. (9): S[rho] = Tr_e[S (chi x rho) S^+].
* Free evolution Eqs. (11)-(15): H = -sum_n Omega_n/2 B_n.sigma_n, emission L_ne = |B_n+><B_n-|,
  absorption L_na = L_ne^+, dephasing sqrt(gamma_n) B_n.sigma_n.  One period: M = exp(L) S (Eq. 10).
  The steady state is the fixed point of M; it is the state of the qubits just BEFORE a collision.
"""

from __future__ import annotations

import inspect
from typing import Annotated

import numpy as np
import xarray as xr
from scipy.linalg import expm

from .. import contract
from ..contract import (
    Count,
    NonNegative,
    NonNegativeInt,
    Number,
    Positive,
    Probability,
    Real,
)
from ..io import cf_flag, cf_variable
from ..optimize import closest_among_ties, continuation, grid_neighbours, multistart_maximize
from ..quantum import (
    IDENTITY_2,
    PAULI,
    SIGMA_Y,
    SIGMA_Z,
    batched_kron,
    concurrence,
    liouvillian,
    pauli_basis,
    pauli_fixed_point,
    pauli_transfer,
    tangle,
)
from ..quantum.superop import sandwich
from ..registry import ParameterError

REFERENCE = (  # the paper reproduced: the `references` attribute of its NetCDF files
    "A. M. Bozkurt, R. López and S. Ryu, Entanglement generation and stabilization by coherent "
    "collisions, preprint (11 February 2025)"
)

SZ_TOTAL = batched_kron(SIGMA_Z, IDENTITY_2) + batched_kron(IDENTITY_2, SIGMA_Z)  # s1z + s2z
INTERACTIONS = {"ferro": 1.0, "antiferro": -1.0}
Interaction = Annotated[str, contract.Choice(tuple(INTERACTIONS))]
# T in the open interval (0, 1): at T = 1 a qubit never collides (steady state not unique)
Transmission = Annotated[float, Number(0.0, 1.0, low_open=True, high_open=True)]

# rho = sum_a c_a P_a / 4 with P_a = sigma_i x sigma_j: rows vec(P_a) (16, 16)
_PAULI_2 = pauli_basis(2).reshape(16, 16)


# ---------------------------------------------------------------------------------------------
# Scattering operators, Eqs. (1)-(4) and Fig. 2
# ---------------------------------------------------------------------------------------------
def _sign(interaction: str) -> float:
    try:
        return INTERACTIONS[interaction]
    except KeyError:
        raise ParameterError("interaction", f"one of {sorted(INTERACTIONS)}") from None


def amplitudes(T, interaction: str = "ferro"):
    """(t, r, e^{i varphi}, varphi) of Eqs. (2)-(4) for transmission probabilities T (any shape)."""
    s = _sign(interaction)
    T = np.asarray(T, dtype=float)
    t = np.sqrt(T).astype(complex)
    r = -s * 1j * np.sqrt(1.0 - T)
    varphi = -s * np.arctan2(np.sqrt(1.0 - T), np.sqrt(T))
    return t, r, np.exp(1j * varphi), varphi


def forward_phase(T, interaction: str = "ferro"):
    """varphi_n of Eq. (4)."""
    return amplitudes(T, interaction)[3]


def two_particle_s(T, interaction: str = "ferro") -> np.ndarray:
    """s_n of Eq. (1) on electron x qubit (basis uu, ud, du, dd, electron first): (..., 4, 4)."""
    t, r, ephi, _ = amplitudes(T, interaction)
    s = np.zeros(np.shape(t) + (4, 4), dtype=complex)
    s[..., 0, 0] = ephi
    s[..., 3, 3] = ephi
    s[..., 1, 1] = t
    s[..., 2, 2] = t
    s[..., 2, 1] = r  # |ud> (electron up, qubit down) -> r |du>
    s[..., 1, 2] = r  # |du> (electron down, qubit up) -> r |ud>   [Fig. 1(d)]
    return s


def three_particle_s(T1, T2, interaction: str = "ferro") -> np.ndarray:
    """S = s_2 s_1 on electron x qubit1 x qubit2 (8-dim), (..., 8, 8)."""
    s1 = two_particle_s(T1, interaction)
    s2 = two_particle_s(T2, interaction)
    s1 = np.broadcast_to(s1, np.broadcast_shapes(s1.shape, s2.shape))
    s2 = np.broadcast_to(s2, s1.shape)
    batch = s1.shape[:-2]
    # s1 x 1_q2: indices (e q1 q2; e' q1' q2') = s1[e q1, e' q1'] delta(q2, q2')
    a = s1.reshape(batch + (2, 2, 2, 2))
    big1 = np.einsum("...abcd,ef->...abecdf", a, IDENTITY_2).reshape(batch + (8, 8))
    b = s2.reshape(batch + (2, 2, 2, 2))  # (e q2; e' q2')
    # s2 x 1_q1: (e q1 q2; e' q1' q2') = s2[e q2, e' q2'] delta(q1, q1')
    big2 = np.einsum("...abcd,ef->...aebcfd", b, IDENTITY_2).reshape(batch + (8, 8))
    return big2 @ big1


def electron_blocks(S: np.ndarray) -> np.ndarray:
    """<sigma'|S|sigma> as (..., 2, 2, 4, 4) indexed [sigma', sigma, j', j] (0 = up, 1 = down)."""
    batch = S.shape[:-2]
    return np.swapaxes(S.reshape(batch + (2, 4, 2, 4)), -3, -2)


def electron_state(p_up=0.0) -> np.ndarray:
    """chi = p_U |up><up| + (1 - p_U) |down><down| (Fig. 6), (..., 2, 2)."""
    p = np.asarray(p_up, dtype=float)
    chi = np.zeros(p.shape + (2, 2), dtype=complex)
    chi[..., 0, 0] = p
    chi[..., 1, 1] = 1.0 - p
    return chi


def collision_map(S: np.ndarray, chi: np.ndarray) -> np.ndarray:
    """Superoperator of Eq. (9), (..., 16, 16) on row-major vec(rho), for any electron state chi.

    S[rho] = sum_{s'', s, s'} chi_{s s'} <s''|S|s> rho <s''|S|s'>^+, evaluated through the Kraus
    operators of chi's eigen-decomposition: sum_k kron(K_k, conj(K_k)).
    """
    K = collision_kraus(S, chi)
    return sum(batched_kron(K[..., k, :, :], np.conj(K[..., k, :, :])) for k in range(K.shape[-3]))


def collision_kraus(S: np.ndarray, chi: np.ndarray) -> np.ndarray:
    """Kraus operators of Eq. (9), (..., 4, 4, 4) (four for a general chi, some may vanish)."""
    w, v = np.linalg.eigh(chi)  # chi = sum_k w_k |v_k><v_k|
    A = electron_blocks(S)
    # K_{s'', k} = sqrt(w_k) sum_s A[s'', s] v_k[s]
    K = (
        np.einsum("...abjk,...bc->...acjk", A, v)
        * np.sqrt(np.clip(w, 0, None))[..., None, :, None, None]
    )
    return K.reshape(K.shape[:-4] + (4, 4, 4))


# ---------------------------------------------------------------------------------------------
# Local fields and baths, Eqs. (11)-(18)
# ---------------------------------------------------------------------------------------------
def field_direction(theta, phi) -> np.ndarray:
    """Unit vector B = (sin th cos ph, sin th sin ph, cos th), (..., 3)."""
    theta, phi = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
    return np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], -1)


def _b_sigma(b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,iab->...ab", b.astype(complex), PAULI[1:])


def larmor_unitary(theta, phi, omega) -> np.ndarray:
    """exp(i omega/2 B.sigma) = exp(-i H_n / f_col) for one qubit, (..., 2, 2)."""
    omega = np.asarray(omega, float)
    bs = _b_sigma(field_direction(theta, phi))
    c = np.cos(omega / 2)[..., None, None]
    s = np.sin(omega / 2)[..., None, None]
    return c * IDENTITY_2 + 1j * s * bs


def qubit_hamiltonian(theta1, phi1, omega1, theta2, phi2, omega2) -> np.ndarray:
    """H of Eq. (12) with hbar = 1, (..., 4, 4)."""
    h1 = -0.5 * np.asarray(omega1, float)[..., None, None] * _b_sigma(field_direction(theta1, phi1))
    h2 = -0.5 * np.asarray(omega2, float)[..., None, None] * _b_sigma(field_direction(theta2, phi2))
    h1, h2 = np.broadcast_arrays(h1, h2)
    return batched_kron(h1, IDENTITY_2) + batched_kron(IDENTITY_2, h2)


def _spinors(theta, phi):
    """|B;+>, |B;-> for the direction (theta, phi), (..., 2) each."""
    theta, phi = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
    plus = np.stack([np.cos(theta / 2) + 0j, np.exp(1j * phi) * np.sin(theta / 2)], -1)
    minus = np.stack([-np.exp(-1j * phi) * np.sin(theta / 2), np.cos(theta / 2) + 0j], -1)
    return plus, minus


def jump_operators(
    theta1, phi1, theta2, phi2, gamma_e1, gamma_a1, gamma_e2, gamma_a2, dephasing1, dephasing2
) -> np.ndarray:
    """The six jump operators of Eq. (11) scaled by sqrt(rate), (..., 6, 4, 4)."""
    ops = []
    for n, (th, ph, ge, ga, gd) in enumerate(
        (
            (theta1, phi1, gamma_e1, gamma_a1, dephasing1),
            (theta2, phi2, gamma_e2, gamma_a2, dephasing2),
        )
    ):
        plus, minus = _spinors(th, ph)
        low = plus[..., :, None] * np.conj(minus)[..., None, :]  # |B+><B-|: emission
        bs = _b_sigma(field_direction(th, ph))
        for op, rate in ((low, ge), (np.conj(np.swapaxes(low, -1, -2)), ga), (bs, gd)):
            op = np.sqrt(np.asarray(rate, float))[..., None, None] * op
            ops.append(batched_kron(op, IDENTITY_2) if n == 0 else batched_kron(IDENTITY_2, op))
    ops = np.broadcast_arrays(*ops)
    return np.stack(ops, axis=-3)


def free_map(theta1, phi1, omega1, theta2, phi2, omega2, gamma_relax=0.0, gamma_dephase=0.0):
    """exp(L / f_col) of Eq. (11), (..., 16, 16); a unitary conjugation without decoherence.

    ``gamma_relax`` = Gamma_{1e} = Gamma_{1a} = Gamma_{2e} = Gamma_{2a} (high-temperature limit of
    Eq. 15, as in Fig. 5a); ``gamma_dephase`` = gamma_1 = gamma_2 (Fig. 5b).
    """
    args = np.broadcast_arrays(
        *(
            np.asarray(x, float)
            for x in (theta1, phi1, omega1, theta2, phi2, omega2, gamma_relax, gamma_dephase)
        )
    )
    theta1, phi1, omega1, theta2, phi2, omega2, g, gd = args
    if np.all(g == 0) and np.all(gd == 0):
        U = batched_kron(larmor_unitary(theta1, phi1, omega1), larmor_unitary(theta2, phi2, omega2))
        return sandwich(U, np.conj(np.swapaxes(U, -1, -2)))
    H = qubit_hamiltonian(theta1, phi1, omega1, theta2, phi2, omega2)
    J = jump_operators(theta1, phi1, theta2, phi2, g, g, g, g, gd, gd)
    return expm(liouvillian(H, J))


def period_map(
    T1,
    T2,
    theta1,
    phi1,
    omega1,
    theta2,
    phi2,
    omega2,
    p_up=0.0,
    gamma_relax=0.0,
    gamma_dephase=0.0,
    interaction: str = "ferro",
) -> np.ndarray:
    """One-period map M = exp(L / f_col) S of Eq. (10), (..., 16, 16), f_col = 1."""
    T1, T2, p_up = np.broadcast_arrays(*(np.asarray(x, float) for x in (T1, T2, p_up)))
    smap = collision_map(three_particle_s(T1, T2, interaction), electron_state(p_up))
    free = free_map(theta1, phi1, omega1, theta2, phi2, omega2, gamma_relax, gamma_dephase)
    return free @ smap


def symmetric_fields(phi):
    """Eqs. (16)-(18): (theta1, phi1, omega1, theta2, phi2, omega2) with B1 = x, B2 at angle phi."""
    phi = np.asarray(phi, float)
    half = np.full_like(phi, np.pi / 2)
    return half, np.zeros_like(phi), np.full_like(phi, np.pi), half, phi, np.full_like(phi, np.pi)


def analytic_steady_state(T, interaction: str = "ferro") -> np.ndarray:
    """|psi> of Eq. (22): (|ud> - e^{-i varphi} sqrt(T) |du>) / sqrt(1 + T), (..., 4)."""
    T = np.asarray(T, float)
    varphi = forward_phase(T, interaction)
    psi = np.zeros(T.shape + (4,), dtype=complex)
    psi[..., 1] = 1.0
    psi[..., 2] = -np.exp(-1j * varphi) * np.sqrt(T)
    return psi / np.sqrt(1.0 + T)[..., None]


def concurrence_eq23(T):
    """C = 4T / (1 + T)^2, Eq. (23)."""
    T = np.asarray(T, float)
    return 4 * T / (1 + T) ** 2


# ---------------------------------------------------------------------------------------------
# Steady states and observables
# ---------------------------------------------------------------------------------------------
MAX_MIXED = np.eye(4, dtype=complex) / 4


def steady_state(M: np.ndarray, rtol: float = 1e-9):
    """(rho_st, kernel dimension of M - 1) for stacked period maps M (..., 16, 16), by the core's
    Pauli-basis fixed point; degenerate points (no collision, T = 1) resolved from rho = 1/4."""
    return pauli_fixed_point(pauli_transfer(M), MAX_MIXED, rtol)


def apply_map(M: np.ndarray, rho: np.ndarray) -> np.ndarray:
    v = (M @ rho.reshape(rho.shape[:-2] + (16,))[..., None])[..., 0]
    return v.reshape(v.shape[:-1] + (4, 4))


def spin_current_change(rho: np.ndarray, smap: np.ndarray) -> np.ndarray:
    """Output minus input electron z spin current in units of hbar f_col, Fig. 3(b).

    Spin conservation, Eq. (8): the electron gains what the qubits lose during a collision,
    Delta I = (hbar f_col / 2) [<s1z + s2z>_rho - <s1z + s2z>_{S[rho]}].
    """
    after = apply_map(smap, rho)
    before_z = np.real(np.einsum("ij,...ji->...", SZ_TOTAL, rho))
    after_z = np.real(np.einsum("ij,...ji->...", SZ_TOTAL, after))
    return 0.5 * (before_z - after_z)


def electron_spin_currents(T1, T2, rho: np.ndarray, chi: np.ndarray, interaction: str = "ferro"):
    """Electron z spin currents (input, between the qubits, output) in units of hbar f_col.

    Computed directly from the three-particle state S (chi x rho) S^+ (no use of Eq. 8): the
    current between the qubits uses s_1 only (chirality: nothing downstream acts back).
    """
    tz = batched_kron(SIGMA_Z, np.eye(4))
    full = batched_kron(np.asarray(chi, complex), np.asarray(rho, complex))
    s1 = three_particle_s(T1, np.ones_like(np.asarray(T2, float)), interaction)  # T2 = 1: detached
    S = three_particle_s(T1, T2, interaction)

    def mean_tz(U):
        out = U @ full @ np.conj(np.swapaxes(U, -1, -2))
        return 0.5 * np.real(np.einsum("ij,...ji->...", tz, out))

    return mean_tz(np.eye(8)), mean_tz(s1), mean_tz(S)


# The paper's numbers (Eq. 23, C = 0.9972 at T = 0.9, Eq. B6) are the tangle C^2 of the states its
# equations define; every steady-state solver stores both (docs/reproduction-notes.md).
TANGLE_NAME = "tangle C^2 (squared Wootters concurrence; the paper's printed convention)"


# Eigenvalues of a steady state below this (relative to its trace) are rounding of the fixed
# point (measured ~1e-16 where the state has rank 2, on the T2 = 0 edge): taken as 0 by the
# concurrence of Figs. 7/8, which otherwise carries ~1e-8 of their square roots (our threshold)
RHO_FLOOR = 1e-14


@contract.companion(outputs=("tangle", "concurrence_residual"))
def optimum_companion(ds: xr.Dataset, interaction: str = "ferro", **_params) -> xr.Dataset:
    """Companion for Fig. 7, on the whole grid: ``tangle`` = concurrence^2 of the optimised
    steady state, and ``concurrence_residual`` = C of the reported fields minus the reported C.

    C^2 is monotone in C, so the fields maximising C also maximise the tangle: the paper's
    convention needs no second optimisation.  The residual recomputes C from the stored
    (canonical) fields on the complex 16 x 16 path of Eq. (10) (:func:`period_map`,
    :func:`steady_state`, :func:`dissent.quantum.concurrence`), not the optimiser's objective:
    it is ~1e-13 where the reported fields are a maximiser of the reported C."""
    out = ds.copy()
    out["tangle"] = ds["concurrence"] ** 2
    out["tangle"].attrs = {"long_name": f"maximal {TANGLE_NAME}", "units": "1"}
    T1, T2 = xr.broadcast(ds["T1"], ds["T2"])
    M = period_map(
        T1.values,
        T2.values,
        ds["theta1"].values,
        0.0,
        ds["omega1"].values,
        ds["theta2"].values,
        ds["delta_phi"].values,
        ds["omega2"].values,
        interaction=interaction,
    )
    resid = concurrence(steady_state(M)[0], RHO_FLOOR) - ds["concurrence"].values
    out["concurrence_residual"] = (ds["concurrence"].dims, resid)
    out["concurrence_residual"].attrs = {
        "long_name": "C of the reported fields (Eq. 10 recomputed) minus the reported C",
        "units": "1",
    }
    return out


# ---------------------------------------------------------------------------------------------
# Fig. 2: the three-particle scattering matrix
# ---------------------------------------------------------------------------------------------
J_LABELS = ["uu", "ud", "du", "dd"]
# s_n of Eq. (1) (as corrected, see the module docstring) as a table of symbols, electron x qubit n
_S_SYMBOLS = {(0, 0): "e", (3, 3): "e", (1, 1): "t", (2, 2): "t", (2, 1): "r", (1, 2): "r"}
_SYMBOL_TEX = {"e": r"e^{i\varphi_{n}}", "t": "t_{n}", "r": "r_{n}"}


def symbolic_three_particle_s() -> np.ndarray:
    """The entries of S = s_2 s_1 as products of the amplitudes of Eq. (1), the paper's Fig. 2.

    Returns an (8, 8) array of mathtext strings on electron x qubit1 x qubit2 ("" where S = 0),
    e.g. "r_{1}e^{i\\varphi_{2}}"; each term lists qubit 1's amplitude first.  Built from the same
    index structure as :func:`three_particle_s` (tested: substituting the numbers gives S).
    """

    def lifted(n):
        out = {}
        for (a, b), sym in _S_SYMBOLS.items():
            ea, qa = divmod(a, 2)
            eb, qb = divmod(b, 2)
            for other in (0, 1):  # the untouched qubit
                if n == 1:
                    out[(4 * ea + 2 * qa + other, 4 * eb + 2 * qb + other)] = sym
                else:
                    out[(4 * ea + 2 * other + qa, 4 * eb + 2 * other + qb)] = sym
        return out

    s1, s2 = lifted(1), lifted(2)
    table = np.full((8, 8), "", dtype=object)
    for i in range(8):
        for j in range(8):
            terms = [
                _SYMBOL_TEX[s1[k, j]].replace("n", "1") + _SYMBOL_TEX[s2[i, k]].replace("n", "2")
                for k in range(8)
                if (i, k) in s2 and (k, j) in s1
            ]
            table[i, j] = "+".join(terms)
    return table.astype(str)


@contract.solver(
    outputs=("S_imag", "S_real", "S_symbol", "j_in", "j_out", "sigma_out", "unitarity_error")
)
def scattering_matrix(
    *, T1: Probability, T2: Probability, interaction: Interaction = "ferro"
) -> xr.Dataset:
    """<sigma' j'|S|down j> of Fig. 2, real and imaginary parts (point, sigma_out, j_out, j_in)."""
    S = three_particle_s(
        np.atleast_1d(T1).astype(float), np.atleast_1d(T2).astype(float), interaction
    )
    A = electron_blocks(S)[..., :, 1, :, :]  # sigma = down: (point, sigma', j', j)
    dims = ("point", "sigma_out", "j_out", "j_in")
    symbols = electron_blocks(symbolic_three_particle_s())[:, 1]  # (sigma', j', j)
    unit = np.abs(np.einsum("...ij,...kj->...ik", S, np.conj(S)) - np.eye(8)).max(axis=(-1, -2))
    return xr.Dataset(
        {
            "S_real": cf_variable(dims, A.real, "Re <sigma' j'|S|down j>", "1"),
            "S_imag": cf_variable(dims, A.imag, "Im <sigma' j'|S|down j>", "1"),
            "unitarity_error": cf_variable(("point",), unit, "max |S S^+ - 1|", "1"),
            "S_symbol": cf_variable(
                ("sigma_out", "j_out", "j_in"),
                symbols,
                "<sigma' j'|S|down j> in the amplitudes of Eq. (1) (mathtext), the paper's Fig. 2",
                "1",
            ),
        },
        coords={
            "sigma_out": cf_variable(
                ("sigma_out",), ["up", "down"], "final electron spin sigma'", "1"
            ),
            "j_out": cf_variable(
                ("j_out",), J_LABELS, "final two-qubit state j' (qubit 1 first)", "1"
            ),
            "j_in": cf_variable(
                ("j_in",), J_LABELS, "initial two-qubit state j (qubit 1 first)", "1"
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Fig. 3 (and Figs. 5a/b, 6): steady states of the symmetric configuration
# ---------------------------------------------------------------------------------------------
def _distinct(*columns: np.ndarray):
    """(distinct rows as columns (n_columns, k), each point's row index (n,)) of columns (n,)."""
    index = np.zeros(len(columns[0]), np.int64)
    for column in columns:  # rank of (rows so far, this column): 1-D sorts only, index < n
        values, rank = np.unique(column, return_inverse=True)
        index = np.unique(index * len(values) + rank.reshape(-1), return_inverse=True)[1]
    index = index.reshape(-1)
    first = np.zeros(index.max(initial=-1) + 1, np.int64)
    first[index] = np.arange(len(index))  # a point of each distinct row
    return np.stack([column[first] for column in columns]), index


def _pauli_vector(rho: np.ndarray) -> np.ndarray:
    """c_a = tr(P_a rho) (..., 16) of two-qubit states rho (..., 4, 4); inverse of _density."""
    return np.real(np.einsum("aij,...ji->...a", _PAULI_2.reshape(16, 4, 4), rho))


# <s1z + s2z>_rho = c . SZ_PAULI for rho = sum_a c_a P_a / 4
SZ_PAULI = _pauli_vector(SZ_TOTAL) / 4
# the screen of screened_fixed_point: a solve whose smallest singular value is certainly above
# SCREEN_MARGIN times the kernel threshold is unique; the others get the SVD
SCREEN_MARGIN = 1e3


def screened_fixed_point(R: np.ndarray, rtol: float = 1e-9):
    """(Pauli vector c (n, 16), kernel dimension (n,)) of trace-preserving Pauli transfer
    matrices R (n, 16, 16): the result of :func:`steady_state` at a fraction of its cost.

    One LU solve of (1 - R') [c', X] = [b, 1] gives the fixed point c = (1, c') and the inverse X,
    whose Frobenius norm bounds the smallest singular value: sigma_min >= 1 / |X|_F. Where that
    bound exceeds SCREEN_MARGIN times rtol max(|1 - R'|_F, 1) (>= the kernel threshold
    rtol max(sigma_max, 1) of the core's SVD test) the state is unique; the other points (and
    blocks with an exactly singular matrix) go to :func:`~dissent.quantum.pauli_fixed_point` (SVD,
    degenerate points resolved from 1/4), so the kernel dimensions are the SVD test's.
    """
    A = np.eye(15) - R[:, 1:, 1:]
    c = np.empty((len(R), 16))
    c[:, 0] = 1.0
    try:
        X = np.linalg.solve(
            A, np.concatenate([R[:, 1:, :1], np.broadcast_to(np.eye(15), A.shape)], -1)
        )
        threshold = SCREEN_MARGIN * rtol * np.maximum(np.linalg.norm(A, axis=(-2, -1)), 1.0)
        unique = 1.0 / np.linalg.norm(X[..., 1:], axis=(-2, -1)) > threshold  # NaN: not unique
        c[unique, 1:] = X[unique, :, 0]
    except np.linalg.LinAlgError:  # an exactly singular A in the block
        unique = np.zeros(len(R), bool)
    kdim = np.ones(len(R), int)
    if not unique.all():
        rho, kdim[~unique] = pauli_fixed_point(R[~unique], MAX_MIXED, rtol)
        c[~unique] = _pauli_vector(rho)
    return c, kdim


def _symmetric_steady(
    T, phi, p_up=0.0, gamma_relax=0.0, gamma_dephase=0.0, interaction="ferro", block=4096
):
    """Steady state, spin-current change and kernel dimension for Eqs. (16)-(18).

    The period map factorises, R = R_free(phi, gammas) R_collision(T, p_up) in the Pauli transfer
    basis: each factor is built once per distinct value, one real 16 x 16 product per point.
    """
    T, phi, p_up, g, gd = (
        a.ravel()
        for a in np.broadcast_arrays(
            *(np.asarray(x, float) for x in (T, phi, p_up, gamma_relax, gamma_dephase))
        )
    )
    (Tc, pc), collision_index = _distinct(T, p_up)
    R_collision = pauli_transfer(
        collision_map(three_particle_s(Tc, Tc, interaction), electron_state(pc))
    )
    (phf, gf, gdf), free_index = _distinct(phi, g, gd)
    R_free = pauli_transfer(free_map(*symmetric_fields(phf), gamma_relax=gf, gamma_dephase=gdf))
    # Eq. (8): Delta I = (<s1z + s2z>_rho - <s1z + s2z>_{S[rho]}) / 2 = current . c
    current = 0.5 * (SZ_PAULI - SZ_PAULI @ R_collision)
    n = T.size
    c = np.empty((n, 16))
    kdim = np.empty(n, int)
    for lo in range(0, n, block):
        sl = slice(lo, min(n, lo + block))
        R = R_free[free_index[sl]] @ R_collision[collision_index[sl]]
        c[sl], kdim[sl] = screened_fixed_point(R)
    dI = np.einsum("pa,pa->p", current[collision_index], c)
    return _density(c), dI, kdim


def _steady_vars(rho, kdim):
    pur = np.real(np.einsum("...ij,...ji->...", rho, rho))
    C = concurrence(rho)
    return {
        "concurrence": cf_variable(("point",), C, "steady-state concurrence", "1"),
        "tangle": cf_variable(("point",), C**2, f"steady-state {TANGLE_NAME}", "1"),
        "purity": cf_variable(("point",), pur, "steady-state purity tr(rho^2)", "1"),
        "kernel_dim": cf_variable(
            ("point",),
            kdim,
            "degeneracy of the eigenvalue 1 of the period map (1 = unique steady state)",
            "1",
        ),
    }


@contract.solver(outputs=("concurrence", "kernel_dim", "purity", "spin_current", "tangle"))
def symmetric_steady_state(
    *, T: Transmission, phi: Real, interaction: Interaction = "ferro"
) -> xr.Dataset:
    """Fig. 3(a,b): concurrence and spin-current change over (T, phi), no decoherence."""
    rho, dI, kdim = _symmetric_steady(T, phi, interaction=interaction)
    data = _steady_vars(rho, kdim)
    data["spin_current"] = cf_variable(
        ("point",),
        dI,
        "z spin current of the electrons, output minus input",
        "hbar f_col",
    )
    return xr.Dataset(data)


@contract.solver(
    outputs=(
        "concurrence_eq22",
        "concurrence_eq23",
        "concurrence_optimal",
        "fidelity_eq22",
        "kernel_dim",
        "purity",
        "spin_current_optimal",
        "tangle_optimal",
        "varphi",
    )
)
def optimal_line(
    *, T: Transmission, interaction: Interaction = "ferro", p_up: Probability = 0.0
) -> xr.Dataset:
    """Fig. 3 inset / Fig. 6: steady state on the optimal line phi = varphi(T)."""
    T = np.asarray(T, float)
    p_up = np.broadcast_to(np.asarray(p_up, float), T.shape)
    varphi = forward_phase(T, interaction)
    rho, dI, kdim = _symmetric_steady(T, varphi, p_up=p_up, interaction=interaction)
    psi = analytic_steady_state(T, interaction)
    fid = np.real(np.einsum("...i,...ij,...j->...", np.conj(psi), rho, psi))
    data = _steady_vars(rho, kdim)
    data["concurrence_optimal"] = data.pop("concurrence")
    data["concurrence_optimal"] = cf_variable(
        ("point",),
        data["concurrence_optimal"].values,
        "steady-state concurrence at phi = varphi(T)",
        "1",
    )
    data["tangle_optimal"] = cf_variable(
        ("point",),
        data.pop("tangle").values,
        f"{TANGLE_NAME} at phi = varphi(T)",
        "1",
    )
    data["concurrence_eq22"] = cf_variable(
        ("point",),
        2 * np.sqrt(T) / (1 + T),
        "Wootters concurrence 2 sqrt(T)/(1+T) of the state of Eq. (22)",
        "1",
    )
    data["concurrence_eq23"] = cf_variable(
        ("point",), concurrence_eq23(T), "4T/(1+T)^2, Eq. (23)", "1"
    )
    data["fidelity_eq22"] = cf_variable(("point",), fid, "fidelity with the state of Eq. (22)", "1")
    data["spin_current_optimal"] = cf_variable(
        ("point",),
        dI,
        "spin current change at phi = varphi",
        "hbar f_col",
    )
    data["varphi"] = cf_variable(
        ("point",), varphi, "forward-scattering phase varphi(T), Eq. (4)", "rad"
    )
    return xr.Dataset(data)


@contract.solver(outputs=("concurrence", "kernel_dim", "purity", "tangle"))
def optimal_line_mixed(
    *, p_U: Probability, T: Transmission, interaction: Interaction = "ferro"
) -> xr.Dataset:
    """Fig. 6: concurrence at phi = varphi for chi = p_U |up><up| + (1 - p_U) |down><down|."""
    T = np.asarray(T, float)
    rho, _, kdim = _symmetric_steady(
        T, forward_phase(T, interaction), p_up=p_U, interaction=interaction
    )
    return xr.Dataset(_steady_vars(rho, kdim))


@contract.solver(outputs=("concurrence", "kernel_dim", "purity", "tangle"))
def decoherence_steady_state(
    *,
    T: Transmission,
    gamma_relax: NonNegative = 0.0,
    gamma_dephase: NonNegative = 0.0,
    interaction: Interaction = "ferro",
) -> xr.Dataset:
    """Fig. 5(a,b): steady-state concurrence at phi = varphi with relaxation or dephasing."""
    T = np.asarray(T, float)
    rho, _, kdim = _symmetric_steady(
        T,
        forward_phase(T, interaction),
        gamma_relax=gamma_relax,
        gamma_dephase=gamma_dephase,
        interaction=interaction,
    )
    return xr.Dataset(_steady_vars(rho, kdim))


# ---------------------------------------------------------------------------------------------
# Fig. 5(c): dynamics from 1/4 and the half-convergence collision number
# ---------------------------------------------------------------------------------------------
def _dynamics(T, n_max, interaction):
    T = np.asarray(T, float)
    M = period_map(T, T, *symmetric_fields(forward_phase(T, interaction)), interaction=interaction)
    v = np.broadcast_to(MAX_MIXED.reshape(16), T.shape + (16,)).copy()
    conc = np.empty(T.shape + (int(n_max) + 1,))
    rhos = np.empty(T.shape + (int(n_max) + 1, 4, 4), complex)
    for n in range(int(n_max) + 1):
        rhos[..., n, :, :] = v.reshape(T.shape + (4, 4))
        v = (M @ v[..., None])[..., 0]
    conc[:] = concurrence(rhos)
    return conc, rhos, M


@contract.solver(
    outputs=("concurrence_n", "concurrence_steady", "n", "p_upup_n", "tangle_n", "tangle_steady")
)
def collision_dynamics(
    *, T: Transmission, n_max: Count, interaction: Interaction = "ferro"
) -> xr.Dataset:
    """Fig. 5(c): concurrence after n collision periods from rho = 1/4 (before collision n+1),
    and the steady state (fixed point of the period map) the dynamics converge to."""
    conc, rhos, M = _dynamics(T, n_max, interaction)
    rho_inf, _ = steady_state(M)
    p_uu = np.real(rhos[..., 0, 0])
    n = np.arange(int(n_max) + 1)
    pt = ("point",)
    return xr.Dataset(
        {
            "concurrence_n": cf_variable(
                ("point", "n"), conc, "concurrence after n collisions", "1"
            ),
            "tangle_n": cf_variable(
                ("point", "n"), conc**2, f"{TANGLE_NAME} after n collisions", "1"
            ),
            "p_upup_n": cf_variable(
                ("point", "n"), p_uu, "probability of |up up> after n collisions", "1"
            ),
            "concurrence_steady": cf_variable(
                pt, concurrence(rho_inf), "steady-state concurrence", "1"
            ),
            "tangle_steady": cf_variable(pt, tangle(rho_inf), f"steady-state {TANGLE_NAME}", "1"),
        },
        coords={"n": cf_variable(("n",), n, "number of collisions", "1")},
    )


def half_convergence(T, interaction="ferro", n_cap=10**6, measure=concurrence):
    """First n with E_n >= E_inf / 2 (dynamics from 1/4 at phi = varphi), and E_inf, for the
    entanglement measure E = ``measure`` (default the concurrence; :func:`tangle` for the paper's).

    Uses exact powers of M by repeated squaring over a doubling search and then bisection, so that
    T close to 1 (n ~ (1-T)^-2 large) stays cheap: an exact linear scan up to n = 2000, then a
    doubling search and bisection (exact as long as E_n does not decrease, which holds for every T
    tested: only the step sizes alternate, see ``test_fig5c_no_concurrence_reduction``).
    """
    T = np.atleast_1d(np.asarray(T, float))
    M = period_map(T, T, *symmetric_fields(forward_phase(T, interaction)), interaction=interaction)
    rho_inf, _ = steady_state(M)
    c_inf = measure(rho_inf)
    v0 = MAX_MIXED.reshape(16)
    out = np.empty(T.shape, dtype=float)
    for i in range(T.size):
        target = 0.5 * c_inf[i]

        def c_at(n, i=i):
            v = np.linalg.matrix_power(M[i], int(n)) @ v0
            return float(measure(v.reshape(4, 4)))

        found = None
        v = v0.copy()
        for n in range(0, 2000):
            if float(measure(v.reshape(4, 4))) >= target:
                found = n
                break
            v = M[i] @ v
        if found is None:
            lo, hi = 1999, 4000
            while c_at(hi) < target and hi < n_cap:
                lo, hi = hi, 2 * hi
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if c_at(mid) >= target:
                    hi = mid
                else:
                    lo = mid
            found = hi
        out[i] = found
    return out, c_inf


@contract.solver(
    outputs=("concurrence_converged", "n_half", "n_half_tangle", "n_scale", "tangle_converged")
)
def half_convergence_number(*, T: Transmission, interaction: Interaction = "ferro") -> xr.Dataset:
    """Collision number at which C (and the tangle C^2) first reaches half its converged value
    (Fig. 5c, text)."""
    n_half, c_inf = half_convergence(T, interaction)
    n_half_tangle, _ = half_convergence(T, interaction, measure=tangle)
    T = np.asarray(T, float)
    return xr.Dataset(
        {
            "n_half": cf_variable(
                ("point",),
                n_half,
                "collisions to reach half the steady-state concurrence",
                "1",
            ),
            "n_half_tangle": cf_variable(
                ("point",),
                n_half_tangle,
                f"collisions to reach half the steady-state {TANGLE_NAME}",
                "1",
            ),
            "n_scale": cf_variable(
                ("point",), (1 - T) ** -2.0, "(1 - T)^-2 time scale of the text", "1"
            ),
            "concurrence_converged": cf_variable(
                ("point",),
                c_inf,
                "steady-state concurrence at phi = varphi",
                "1",
            ),
            "tangle_converged": cf_variable(
                ("point",),
                c_inf**2,
                f"steady-state {TANGLE_NAME} at phi = varphi",
                "1",
            ),
        }
    )


# ---------------------------------------------------------------------------------------------
# Figs. 7/8: maximal steady-state concurrence over the local fields
# ---------------------------------------------------------------------------------------------
# Parameters x = (theta1, theta2, delta_phi, Omega1, Omega2), phi1 = 0.  Without decoherence the
# period map is M = (U x U*) S: in the real Pauli basis (c_a = tr(P_a rho)) its transfer matrix is
# R = kron(r1, r2) R_S, with R_S the collision (fixed per point) and r_n = diag(1, O_n) the Bloch
# rotation of qubit n.  The fixed point c = (1, c') solves the real 15x15 system (1 - R') c' = b;
# its derivative needs one more (adjoint) solve, so value and exact gradient cost two solves.
PARAM_NAMES = ("theta1", "theta2", "delta_phi", "omega1", "omega2")
_SIGN4 = np.array([1.0, -1.0, -1.0, -1.0])
_YY = batched_kron(SIGMA_Y, SIGMA_Y)
_LAMBDA_FLOOR = 1e-7  # below this a Wootters lambda is rounding noise: no derivative through it


def collision_transfer(T1, T2, interaction: str = "ferro") -> np.ndarray:
    """Real Pauli transfer matrix (..., 16, 16) of the collision map with chi = |down><down|."""
    A = electron_blocks(three_particle_s(T1, T2, interaction))
    M = sum(batched_kron(A[..., s, 1, :, :], np.conj(A[..., s, 1, :, :])) for s in (0, 1))
    return pauli_transfer(M)


def _cross_matrix(b: np.ndarray) -> np.ndarray:
    """[b]_x (..., 3, 3): the matrix of b x (.)."""
    out = np.zeros(b.shape + (3,))
    out[..., 0, 1], out[..., 0, 2] = -b[..., 2], b[..., 1]
    out[..., 1, 0], out[..., 1, 2] = b[..., 2], -b[..., 0]
    out[..., 2, 0], out[..., 2, 1] = -b[..., 1], b[..., 0]
    return out


def rotation_transfer(theta, phi, omega, derivative: bool = True):
    """Pauli transfer r (..., 4, 4) of exp(i omega/2 B.sigma) and dr/d(theta, phi, omega)
    (..., 3, 4, 4) (``derivative``; else None): the Bloch rotation by -omega about B
    (Rodrigues), r = diag(1, O)."""
    th, ph, om = np.broadcast_arrays(*(np.asarray(v, float) for v in (theta, phi, omega)))
    st, ct, sp, cp = np.sin(th), np.cos(th), np.sin(ph), np.cos(ph)
    b = np.stack([st * cp, st * sp, ct], -1)
    co, si = np.cos(om)[..., None, None], np.sin(om)[..., None, None]
    bb = b[..., :, None] * b[..., None, :]
    eye3 = np.eye(3)
    r = np.zeros(th.shape + (4, 4))
    r[..., 0, 0] = 1.0
    r[..., 1:, 1:] = co * eye3 + (1 - co) * bb - si * _cross_matrix(b)
    if not derivative:
        return r, None
    db = np.stack(  # d b / d theta, d b / d phi: (..., 2, 3)
        [np.stack([ct * cp, ct * sp, -st], -1), np.stack([-st * sp, st * cp, 0 * th], -1)], -2
    )
    sym = db[..., :, :, None] * b[..., None, None, :]
    dr = np.zeros(th.shape + (3, 4, 4))
    dr[..., :2, 1:, 1:] = (1 - co[..., None]) * (sym + np.swapaxes(sym, -1, -2)) - si[
        ..., None
    ] * _cross_matrix(db)
    dr[..., 2, 1:, 1:] = si * (bb - eye3) - co * _cross_matrix(b)
    return r, dr


def _rotate(r1: np.ndarray, r2: np.ndarray, RS: np.ndarray) -> np.ndarray:
    """kron(r1, r2) @ RS (..., 16, 16) as two 4 x 4 contractions (half the work of the kron)."""
    batch = np.broadcast_shapes(r1.shape[:-2], r2.shape[:-2], RS.shape[:-2])
    y = r2[..., None, :, :] @ RS.reshape(RS.shape[:-2] + (4, 4, 16))  # qubit 2 index
    y = r1 @ y.reshape(y.shape[:-3] + (4, 64))  # qubit 1 index
    return y.reshape(batch + (16, 16))


def _pauli_steady(R: np.ndarray):
    """(1 - R', c) of trace-preserving Pauli transfer matrices R (..., 16, 16): the fixed point's
    Pauli vector c = (1, c') with (1 - R') c' = b (unique: T1, T2 < 1)."""
    A = np.eye(15) - R[..., 1:, 1:]
    cp = np.linalg.solve(A, R[..., 1:, :1])[..., 0]
    return A, np.concatenate([np.ones(cp.shape[:-1] + (1,)), cp], -1)


def _density(c: np.ndarray) -> np.ndarray:
    """rho = sum_a c_a P_a / 4 (..., 4, 4) from the Pauli vector c (..., 16)."""
    return (c.astype(complex) @ _PAULI_2).reshape(c.shape[:-1] + (4, 4)) / 4


def _wootters_value(rho: np.ndarray) -> np.ndarray:
    """lambda_1 - lambda_2 - lambda_3 - lambda_4 (the concurrence where >= 0), (...)."""
    X = rho @ (_YY @ np.conj(rho) @ _YY)
    mu = np.sort(np.linalg.eigvals(X).real, axis=-1)[..., ::-1]
    return np.sqrt(np.clip(mu, 0, None)) @ _SIGN4


def objective(x: np.ndarray, RS: np.ndarray, grad: bool = False):
    """Wootters lambda_1 - lambda_2 - lambda_3 - lambda_4 of the steady state, x (..., 5).

    Equals the concurrence where >= 0 (C = max(0, value)); below 0 it still ranks the fields,
    which gives the optimiser a slope where C = 0.  ``RS`` (..., 16, 16) from
    :func:`collision_transfer` with T1, T2 < 1 (unique steady state).  With ``grad`` also returns
    the exact gradient (..., 5): d lambda_i = Re(l_i dX r_i) / (2 lambda_i) for the eigenvalues
    lambda_i^2 of X = rho rho~ (left/right eigenvectors l_i, r_i), and the adjoint of the fixed
    point equation.  Lambdas below 1e-7 (pure-state directions, a kink) add no derivative.
    """
    r1, dr1 = rotation_transfer(x[..., 0], 0.0, x[..., 3], grad)
    r2, dr2 = rotation_transfer(x[..., 1], x[..., 2], x[..., 4], grad)
    A, c = _pauli_steady(_rotate(r1, r2, RS))
    rho = _density(c)
    if not grad:
        return _wootters_value(rho)
    flipped = _YY @ np.conj(rho) @ _YY
    mu, V = np.linalg.eig(rho @ flipped)
    order = np.argsort(-mu.real, axis=-1, kind="stable")
    mu = np.take_along_axis(mu.real, order, -1)
    V = np.take_along_axis(V, order[..., None, :], -1)
    lam = np.sqrt(np.clip(mu, 0, None))
    weight = np.where(lam > _LAMBDA_FLOOR, _SIGN4 / (2 * np.maximum(lam, _LAMBDA_FLOOR)), 0.0)
    Z = (V * weight[..., None, :]) @ np.linalg.inv(V)  # d value = Re tr(Z dX)
    # dX = drho rho~ + rho YY drho* YY, drho = sum_a dc_a P_a / 4: d value = g_c . dc
    G = flipped @ Z + np.conj(_YY @ Z @ rho @ _YY)  # d value = Re tr(G drho)
    g_c = np.real(np.swapaxes(G, -1, -2).reshape(G.shape[:-2] + (16,)) @ _PAULI_2.T) / 4
    w = np.linalg.solve(np.swapaxes(A, -1, -2), g_c[..., 1:, None])[..., 0]  # adjoint
    d = (RS @ c[..., None])[..., 0].reshape(c.shape[:-1] + (4, 4))  # Pauli vector of S[rho]
    # d R c = d(kron(r1, r2)) (RS c) = (dr1 d r2^T or r1 d dr2^T) as 4 x 4 matrices
    dR = np.concatenate(
        [
            dr1[..., 0::2, :, :] @ (d @ np.swapaxes(r2, -1, -2))[..., None, :, :],
            (r1 @ d)[..., None, :, :] @ np.swapaxes(dr2, -1, -2),
        ],
        -3,
    )  # (..., 5, 4, 4) in the order theta1, omega1, theta2, delta_phi, omega2
    g = (dR.reshape(dR.shape[:-2] + (16,))[..., 1:] @ w[..., :, None])[..., 0]
    return lam @ _SIGN4, g[..., [0, 2, 3, 1, 4]]


OMEGA_SNAP = 1e-6  # |Omega - pi| below this is reported as Omega = pi (B and -B then tie exactly)


def canonical_parameters(x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The canonical representative of parameters x (..., 5): a pure function of x and
    ``reference`` (broadcastable (..., 5)).

    Each qubit's rotation exp(i omega/2 B.sigma) is unchanged (up to a global sign) by
    omega -> omega + 2 pi and by (B, omega) -> (-B, 2 pi - omega); the joint rotation about z is
    a symmetry (only phi2 - phi1 matters).  Domain: omega in [0, pi], theta in [0, pi],
    delta_phi in (-pi, pi].  Where |omega_n - pi| < ``OMEGA_SNAP`` omega_n is set to pi (the
    rotation moves by less than 1e-6 rad; :func:`optimise_fields` evaluates C at the canonical
    fields), where B_n and -B_n give the same map: of these exactly equivalent representations
    the one closest to ``reference`` (:func:`_param_distance`) is reported, B_n itself on an
    exact tie of the distances.
    """
    x = np.array(x, dtype=float, copy=True)
    th = [x[..., 0], x[..., 1]]
    ph = [np.zeros_like(x[..., 0]), x[..., 2]]
    om = [x[..., 3], x[..., 4]]
    for n in range(2):
        b = field_direction(th[n], ph[n])  # theta may be any real
        w = np.mod(om[n], 2 * np.pi)
        flip = w > np.pi
        w = np.where(flip, 2 * np.pi - w, w)
        b = np.where(flip[..., None], -b, b)
        th[n] = np.arccos(np.clip(b[..., 2], -1, 1))
        ph[n] = np.arctan2(b[..., 1], b[..., 0])
        om[n] = np.where(np.abs(w - np.pi) < OMEGA_SNAP, np.pi, w)
    at_pi = [om[0] == np.pi, om[1] == np.pi]
    best, best_d = None, None
    for f1 in (False, True):
        for f2 in (False, True):
            t1 = np.pi - th[0] if f1 else th[0]
            t2 = np.pi - th[1] if f2 else th[1]
            dphi = np.angle(np.exp(1j * (ph[1] + f2 * np.pi - ph[0] - f1 * np.pi)))
            cand = np.stack([t1, t2, dphi, om[0], om[1]], -1)
            allowed = (at_pi[0] if f1 else True) & (at_pi[1] if f2 else True)
            dist = np.where(allowed, _param_distance(cand, reference), np.inf)
            if best is None:
                best, best_d = cand, dist
            else:
                take = dist < best_d
                best = np.where(take[..., None], cand, best)
                best_d = np.where(take, dist, best_d)
    return best


def _param_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance of parameter sets (..., 5) with delta_phi taken modulo 2 pi."""
    diff = np.array(a - b, dtype=float)
    diff[..., 2] = np.angle(np.exp(1j * diff[..., 2]))
    return np.sqrt(np.sum(diff**2, -1))


def _random_fields(n: int, seed: int) -> np.ndarray:
    """n seeded parameter sets: isotropic directions; Omega uniform in the canonical [0, pi] for
    the first half and log-uniform in [0.01, pi] for the second (near T = 1 the optimal
    rotations are small, Omega ~ 0.2 at T = 0.97, a basin uniform starts rarely hit)."""
    rng = np.random.default_rng(seed)
    k = n - n // 2
    omega = np.concatenate(
        [
            rng.uniform(0, np.pi, (k, 2)),
            np.exp(rng.uniform(np.log(0.01), np.log(np.pi), (n - k, 2))),
        ]
    )
    return np.column_stack(
        [
            np.arccos(rng.uniform(-1, 1, n)),
            np.arccos(rng.uniform(-1, 1, n)),
            rng.uniform(-np.pi, np.pi, n),
            omega[:, 0],
            omega[:, 1],
        ]
    )


def reference_fields(T1, T2, interaction: str = "ferro") -> np.ndarray:
    """The symmetric-case optimum of Sec. IV A as a start: (pi/2, pi/2, (varphi1 + varphi2)/2,
    pi, pi), (npoints, 5)."""
    T1, T2 = np.broadcast_arrays(np.atleast_1d(np.asarray(T1, float)), np.asarray(T2, float))
    half, full = np.full(T1.shape, np.pi / 2), np.full(T1.shape, np.pi)
    dphi = 0.5 * (forward_phase(T1, interaction) + forward_phase(T2, interaction))
    return np.stack([half, half, dphi, full, full], -1)


def start_values(starts: np.ndarray, RS: np.ndarray, block: int = 1 << 14) -> np.ndarray:
    """:func:`objective` of the same ``starts`` (nc, 5) at every point of ``RS`` (npt, 16, 16),
    (npt, nc): the rotations are computed once, the points in blocks of ~``block`` rows."""
    r1, _ = rotation_transfer(starts[:, 0], 0.0, starts[:, 3], derivative=False)
    r2, _ = rotation_transfer(starts[:, 1], starts[:, 2], starts[:, 4], derivative=False)
    out = np.empty((len(RS), len(starts)))
    step = max(1, block // len(starts))
    for lo in range(0, len(RS), step):
        R = _rotate(r1, r2, RS[lo : lo + step, None])
        out[lo : lo + step] = _wootters_value(_density(_pauli_steady(R)[1]))
    return out


def _by_owner(owner: np.ndarray, x: np.ndarray, f: np.ndarray, n: int):
    """Results (m,) of ``n`` problems as padded per-problem arrays: x (n, k, d) (NaN padding),
    f (n, k) (-inf padding), in their order of appearance."""
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    counts = np.bincount(owner, minlength=n)
    slot = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
    xs = np.full((n, max(counts.max(), 1), x.shape[-1]), np.nan)
    fs = np.full(xs.shape[:2], -np.inf)
    xs[owner, slot], fs[owner, slot] = x[order], f[order]
    return xs, fs


def steady_concurrence(x: np.ndarray, RS: np.ndarray) -> np.ndarray:
    """Wootters concurrence (:func:`dissent.quantum.concurrence`, full precision also for nearly
    pure states, eigenvalues below ``RHO_FLOOR`` as 0) of the steady state for the fields x
    (..., 5) and collisions ``RS``."""
    r1, _ = rotation_transfer(x[..., 0], 0.0, x[..., 3], derivative=False)
    r2, _ = rotation_transfer(x[..., 1], x[..., 2], x[..., 4], derivative=False)
    return concurrence(_density(_pauli_steady(_rotate(r1, r2, RS))[1]), RHO_FLOOR)


def optimise_fields(
    T1,
    T2,
    *,
    n_starts=128,
    n_explore=16,
    explore_iter=8,
    n_refine=4,
    gtol=1e-9,
    max_iter=300,
    seed=20250211,
    max_rounds=100,
    pick_tol=1e-9,
    tie_tol=1e-6,
    distinct_tol=1e-2,
    interaction="ferro",
):
    """Maximise the steady-state concurrence over (theta1, theta2, delta_phi, Omega1, Omega2).

    1. Every point on its own: the symmetric optimum x_ref of Sec. IV A and ``n_starts`` seeded
       random fields (the same for every point) are evaluated; x_ref and the best others,
       ``n_explore`` in all, get ``explore_iter`` BFGS iterations with exact gradients; the
       ``n_refine`` best are polished until |grad| <= ``gtol`` (:func:`dissent.optimize.
       multistart_maximize`).
    2. Continuation over the points of the call as a product grid in (T1, T2): every point is
       polished from the optima of its eight neighbours until no point improves by more than
       1e-9 (:func:`dissent.optimize.continuation`, at most ``max_rounds`` Jacobi rounds; the
       result does not depend on the order of the points, but does on which points are in
       the call: a figure is solved in one call).

    Of all polished optima of a point, the optimum is the one with the largest
    :func:`steady_concurrence` (full precision) at its canonical fields
    (:func:`canonical_parameters`), ties within ``pick_tol`` broken towards x_ref; C is that
    value, x those fields (diagnostic ``canonical_loss``: C at the raw maximiser minus C).  The
    optimum is flagged unique when C > ``tie_tol``, T1, T2 < 1 and all polished optima within
    ``tie_tol`` of the best have canonical fields within ``distinct_tol`` (rad) of the reported
    ones.  T1 = 1 or T2 = 1 (a qubit never collides; resolved from rho = 1/4 it stays mixed)
    give C = 0 and x_ref.
    Returns (C, x (npoints, 5), diagnostics dict).
    """
    T1, T2 = np.broadcast_arrays(np.atleast_1d(np.asarray(T1, float)), np.asarray(T2, float))
    T1, T2 = T1.ravel(), T2.ravel()
    npts = T1.size
    ref = reference_fields(T1, T2, interaction)
    live = np.flatnonzero((T1 < 1) & (T2 < 1))
    cmax = np.zeros(npts)
    x_best = ref.copy()
    diag = {
        "n_ties": np.zeros(npts, int),
        "start_best": np.zeros(npts),
        "multistart_best": np.zeros(npts),
        "canonical_loss": np.zeros(npts),
        "unique": np.zeros(npts, bool),
        "rounds": 0,
    }
    if live.size == 0:
        return cmax, x_best, diag
    RS = collision_transfer(T1[live], T2[live], interaction)
    rf = ref[live]
    nl = live.size
    starts = _random_fields(int(n_starts), int(seed))
    cand = np.concatenate([rf[:, None, :], np.broadcast_to(starts, (nl,) + starts.shape)], 1)
    values = np.concatenate([objective(rf, RS)[:, None], start_values(starts, RS)], 1)

    def value_and_grad(x, i):
        return objective(x, RS[i], grad=True)

    xs, fs, _ = multistart_maximize(
        value_and_grad,
        cand,
        values,
        n_explore=n_explore,
        explore_iter=explore_iter,
        n_refine=n_refine,
        gtol=gtol,
        max_iter=max_iter,
    )
    top = np.argmax(fs, axis=1)
    _, _, (owner, xo, fo), rounds = continuation(
        value_and_grad,
        xs[np.arange(nl), top],
        fs[np.arange(nl), top],
        grid_neighbours(T1[live], T2[live]),
        gtol=gtol,
        max_iter=max_iter,
        max_rounds=max_rounds,
    )
    xa, fa = _by_owner(
        np.concatenate([np.repeat(np.arange(nl), xs.shape[1]), owner]),
        np.concatenate([xs.reshape(-1, 5), xo]),
        np.concatenate([fs.ravel(), fo]),
        nl,
    )
    canon = canonical_parameters(np.nan_to_num(xa), rf[:, None, :])
    fmax = fa.max(axis=1)
    tie = fa >= fmax[:, None] - tie_tol
    # the near-best re-valued at full precision (the objective's Wootters lambdas carry ~1e-8
    # of rounding where rho rho~ is nearly of rank one), then the closest to x_ref among equals
    # (at the canonical fields: C is that of the reported fields)
    ip, ik = np.nonzero(tie)
    acc = np.full(fa.shape, -np.inf)
    acc[ip, ik] = steady_concurrence(canon[ip, ik], RS[ip])
    acc[ip, ik] = np.where(fa[ip, ik] > 0, acc[ip, ik], fa[ip, ik])  # keep the slope below C = 0
    best, _, _ = closest_among_ties(acc, canon, rf, _param_distance, pick_tol)
    chosen = canon[np.arange(nl), best]
    spread = np.where(tie, _param_distance(canon, chosen[:, None, :]), 0.0).max(axis=1)
    cmax[live] = np.maximum(acc[np.arange(nl), best], 0.0)
    raw = steady_concurrence(xa[np.arange(nl), best], RS)
    diag["canonical_loss"][live] = np.maximum(raw, 0.0) - cmax[live]
    x_best[live] = chosen
    diag["n_ties"][live] = tie.sum(axis=1)
    diag["start_best"][live] = np.maximum(values.max(axis=1), 0.0)
    diag["multistart_best"][live] = np.maximum(fs.max(axis=1), 0.0)
    diag["unique"][live] = (fmax > tie_tol) & (spread < distinct_tol)
    diag["rounds"] = rounds
    return cmax, x_best, diag


def optimiser_defaults() -> dict:
    """The optimiser settings of Figs. 7/8 and their defaults, from :func:`optimal_fields`."""
    params = inspect.signature(optimal_fields).parameters.values()
    skip = {"T1", "T2", "interaction"}
    return {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY and p.name not in skip}


def _check_opt(**arguments):
    """Relations between the optimiser settings (each one's range is in the signature)."""
    settings = optimiser_defaults() | arguments
    if settings["n_explore"] > settings["n_starts"] + 1:
        raise ParameterError("n_explore", "at most n_starts + 1 (the random starts and x_ref)")
    if settings["n_refine"] > settings["n_explore"]:
        raise ParameterError("n_refine", "at most n_explore")


@contract.solver(
    outputs=(
        "concurrence",
        "concurrence_best_start",
        "delta_phi",
        "n_ties",
        "omega1",
        "omega2",
        "optimum_unique",
        "theta1",
        "theta2",
    ),
    check=_check_opt,
)
def optimal_fields(
    *,
    T1: Probability,
    T2: Probability,
    n_starts: NonNegativeInt = 128,
    n_explore: Count = 16,
    explore_iter: NonNegativeInt = 8,
    n_refine: Count = 4,
    gtol: Positive = 1e-9,
    max_iter: Count = 300,
    seed: NonNegativeInt = 20250211,
    max_rounds: NonNegativeInt = 100,
    interaction: Interaction = "ferro",
) -> xr.Dataset:
    """Figs. 7/8: maximal steady-state concurrence over the local fields and the optimal fields."""
    c, x, diag = optimise_fields(
        T1,
        T2,
        n_starts=n_starts,
        n_explore=n_explore,
        explore_iter=explore_iter,
        n_refine=n_refine,
        gtol=float(gtol),
        max_iter=max_iter,
        seed=seed,
        max_rounds=max_rounds,
        interaction=interaction,
    )
    pt = ("point",)
    return xr.Dataset(
        {
            "concurrence": cf_variable(
                pt, c, "steady-state concurrence maximised over the local fields", "1"
            ),
            "theta1": cf_variable(pt, x[:, 0], "optimal polar angle of B1", "rad"),
            "theta2": cf_variable(pt, x[:, 1], "optimal polar angle of B2", "rad"),
            "delta_phi": cf_variable(
                pt, x[:, 2], "optimal azimuthal difference phi2 - phi1", "rad"
            ),
            "omega1": cf_variable(pt, x[:, 3], "optimal Larmor frequency Omega1", "f_col"),
            "omega2": cf_variable(pt, x[:, 4], "optimal Larmor frequency Omega2", "f_col"),
            "optimum_unique": cf_flag(
                pt,
                diag["unique"],
                "uniqueness of the optimal fields (unique: C > 0, T < 1, no tie with other fields)",
                {0: "not_unique", 1: "unique"},
            ),
            "n_ties": cf_variable(
                pt, diag["n_ties"], "polished optima within 1e-6 of the maximum (with copies)", "1"
            ),
            "concurrence_best_start": cf_variable(
                pt,
                diag["start_best"],
                "best concurrence among the starting points",
                "1",
            ),
        }
    )
