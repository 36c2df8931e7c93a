"""Time evolution: batched Lindblad generators, and the no-jump (post-selected) trajectory."""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from .superop import unvec, vec


def evolve(generator: np.ndarray, rho0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """rho(t) = exp(L t) rho0 on a uniform time grid starting at 0 or later.

    ``generator``: (..., d^2, d^2); ``rho0``: (d, d) or broadcastable (..., d, d);
    ``times``: 1-D, equally spaced. Returns (..., nt, d, d). Exact up to round-off (one matrix
    exponential per generator for the step, one for the first time), no ODE tolerance involved.
    """
    times = np.asarray(times, dtype=float)
    steps = np.diff(times)
    if times.ndim != 1 or times.size == 0:
        raise ValueError("times must be a non-empty 1-D array")
    if steps.size and not np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12):
        raise ValueError("times must be equally spaced")
    generator = np.asarray(generator, dtype=complex)
    batch = generator.shape[:-2]
    d = int(round(np.sqrt(generator.shape[-1])))
    state = vec(np.broadcast_to(np.asarray(rho0, dtype=complex), batch + (d, d)))
    state = (expm(generator * times[0]) @ state[..., None])[..., 0]
    out = np.empty(batch + (times.size, d * d), dtype=complex)
    out[..., 0, :] = state
    if steps.size:
        step = expm(generator * steps[0])
        for k in range(1, times.size):
            state = (step @ state[..., None])[..., 0]
            out[..., k, :] = state
    return unvec(out)


def no_jump_evolution(h_eff: np.ndarray, psi0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Normalised rho(t) = |psi(t)><psi(t)|/<psi(t)|psi(t)>, psi(t) = exp(-i H_eff t) psi0.

    The conditional state of a trajectory without quantum jumps (post-selection), for
    non-Hermitian ``h_eff`` (..., d, d) and a pure ``psi0`` (d,); ``times`` 1-D, equally spaced.
    Returns (..., nt, d, d). Propagated in equal exact steps exp(-i H_eff dt) (also at an
    exceptional point) and renormalised at every step, so growing or decaying modes never
    overflow.
    """
    times = np.asarray(times, float)
    step = expm(-1j * h_eff * (times[1] - times[0]))
    psi = np.broadcast_to((expm(-1j * h_eff * times[0]) @ psi0), h_eff.shape[:-1]).copy()
    out = np.empty(h_eff.shape[:-2] + (times.size, psi0.size), dtype=complex)
    for k in range(times.size):
        if k:
            psi = np.einsum("...ij,...j->...i", step, psi)
        psi /= np.linalg.norm(psi, axis=-1, keepdims=True)
        out[..., k, :] = psi
    return out[..., :, None] * out[..., None, :].conj()
