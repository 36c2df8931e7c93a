"""Lindblad superoperators as stacked NumPy arrays.

Convention: density matrices are vectorised row-major, ``vec(rho) = rho.reshape(..., d*d)``, so that
``vec(A @ rho @ B) = kron(A, B.T) @ vec(rho)``. Every function accepts leading batch dimensions.
"""

from __future__ import annotations

import numpy as np


def batched_kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kronecker product over the last two axes, broadcasting the leading ones."""
    a, b = np.asarray(a), np.asarray(b)
    out = a[..., :, None, :, None] * b[..., None, :, None, :]
    shape = out.shape[:-4] + (a.shape[-2] * b.shape[-2], a.shape[-1] * b.shape[-1])
    return out.reshape(shape)


def identity_like(a: np.ndarray) -> np.ndarray:
    """Identity with the dimension of the square matrices ``a``."""
    return np.eye(a.shape[-1], dtype=complex)


def sandwich(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> a @ rho @ b."""
    return batched_kron(a, np.swapaxes(b, -1, -2))


def spre(a: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> a @ rho."""
    return sandwich(a, identity_like(a))


def spost(b: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> rho @ b."""
    return sandwich(identity_like(b), b)


def dag(a: np.ndarray) -> np.ndarray:
    """Conjugate transpose of the last two axes."""
    return np.conj(np.swapaxes(a, -1, -2))


def hamiltonian_part(h: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> -i[h, rho]."""
    return -1j * (spre(h) - spost(h))


def dissipator(jump: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> J rho J^+ - {J^+ J, rho}/2 (standard normalisation)."""
    jj = dag(jump) @ jump
    return sandwich(jump, dag(jump)) - 0.5 * (spre(jj) + spost(jj))


def kossakowski(ops: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Non-diagonal dissipator sum_ij gamma_ij (O_i rho O_j^+ - {O_j^+ O_i, rho}/2).

    ``ops``: (..., k, d, d); ``gamma``: (..., k, k) Hermitian coefficient matrix.
    """
    ops = np.asarray(ops, dtype=complex)
    gamma = np.asarray(gamma, dtype=complex)
    # Diagonalise gamma: sum_ij g_ij O_i . O_j^+ = sum_m w_m J_m . J_m^+, J_m = sum_i U_im O_i.
    w, u = np.linalg.eigh(gamma)
    jumps = (
        np.einsum("...im,...iab->...mab", u, ops) * np.sqrt(np.clip(w, 0, None))[..., None, None]
    )
    if np.any(w < -1e-12 * max(1.0, np.abs(w).max(initial=0.0))):
        raise ValueError("the Kossakowski matrix is not positive semidefinite")
    return dissipator(jumps).sum(axis=-3)


def liouvillian(h: np.ndarray, jumps: np.ndarray | None = None) -> np.ndarray:
    """Lindblad generator -i[H, .] + sum_k D[J_k], shape (..., d^2, d^2).

    ``h``: (..., d, d); ``jumps``: (..., k, d, d) already scaled by the square roots of their rates.
    """
    generator = hamiltonian_part(np.asarray(h, dtype=complex))
    if jumps is not None:
        generator = generator + dissipator(np.asarray(jumps, dtype=complex)).sum(axis=-3)
    return generator


def vec(rho: np.ndarray) -> np.ndarray:
    """Row-major vectorisation of (..., d, d) -> (..., d*d)."""
    return rho.reshape(rho.shape[:-2] + (rho.shape[-1] * rho.shape[-2],))


def unvec(v: np.ndarray) -> np.ndarray:
    """Inverse of :func:`vec`."""
    d = int(round(np.sqrt(v.shape[-1])))
    return v.reshape(v.shape[:-1] + (d, d))
