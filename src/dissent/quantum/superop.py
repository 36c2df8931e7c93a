"""Lindblad superoperators as stacked NumPy arrays.

Convention: density matrices are vectorised row-major, ``vec(rho) = rho.reshape(..., d*d)``, so that
``vec(A @ rho @ B) = kron(A, B.T) @ vec(rho)``. Every function accepts leading batch dimensions.
"""

from __future__ import annotations

import numpy as np

from .operators import batched_kron, pauli_basis


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
    """General (Kossakowski) dissipator rho -> sum_ij gamma_ij (A_i rho A_j^+ - {A_j^+ A_i, rho}/2).

    ``ops``: (..., k, d, d) operators A_i; ``gamma``: (..., k, k) coefficients, any complex matrix:
    no positivity is assumed, so that the pieces of a rate matrix can be built one by one (the map
    generated is completely positive iff the sum of the pieces is Hermitian positive
    semidefinite). A diagonal ``gamma`` gives sum_i gamma_ii D[A_i]. Returns (..., d^2, d^2).
    """
    ops = np.asarray(ops, dtype=complex)
    gamma = np.asarray(gamma, dtype=complex)
    d = ops.shape[-1]
    # sum_ij g_ij kron(A_i, conj(A_j)): rows (a, c), columns (b, d) of A_i[a, b] conj(A_j)[c, d]
    jump = np.einsum("...ij,...iab,...jcd->...acbd", gamma, ops, np.conj(ops))
    jump = jump.reshape(jump.shape[:-4] + (d * d, d * d))
    anti = np.einsum("...ij,...jba,...ibc->...ac", gamma, np.conj(ops), ops)  # sum g_ij A_j^+ A_i
    return jump - 0.5 * (spre(anti) + spost(anti))


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


def pauli_transfer(superop: np.ndarray) -> np.ndarray:
    """Real Pauli transfer matrix R_ab = tr(P_a M[P_b]) / d of Hermiticity-preserving maps.

    ``superop``: (..., d^2, d^2) in the row-major vec basis, d = 2^n; R acts on the Pauli vectors
    c_a = tr(P_a rho) of :func:`~dissent.quantum.operators.pauli_basis`. A trace-preserving map
    has the first row (1, 0, ..., 0).
    """
    superop = np.asarray(superop, dtype=complex)
    d2 = superop.shape[-1]
    d = int(round(np.sqrt(d2)))
    basis = pauli_basis(int(round(np.log2(d)))).reshape(d2, d2)  # rows: vec(P_a)
    return np.real(np.conj(basis) @ superop @ basis.T / d)


def from_pauli_transfer(transfer: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pauli_transfer`: the superoperator (..., d^2, d^2) in the vec basis."""
    d2 = transfer.shape[-1]
    d = int(round(np.sqrt(d2)))
    basis = pauli_basis(int(round(np.log2(d)))).reshape(d2, d2)
    return basis.T @ np.asarray(transfer, dtype=complex) @ np.conj(basis) / d
