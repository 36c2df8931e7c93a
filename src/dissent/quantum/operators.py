"""Spin-1/2 operators, the two-qubit singlet and the Pauli basis, as complex NumPy arrays.

Convention (the one of every paper module and of QuTiP's ``sigmaz``/``sigmap``): one qubit in the
basis |up> = (1, 0), |down> = (0, 1), sigma_z |up> = +|up>, sigma_+ = |up><down| raises;
two qubits in the product basis (uu, ud, du, dd), qubit 1 first.
"""

from __future__ import annotations

from functools import cache

import numpy as np


def _constant(values) -> np.ndarray:
    """A read-only complex array: the shared constants cannot be changed in place by accident."""
    out = np.array(values, dtype=complex)
    out.flags.writeable = False
    return out


UP = _constant([1, 0])
DOWN = _constant([0, 1])
IDENTITY_2 = _constant(np.eye(2))
SIGMA_X = _constant([[0, 1], [1, 0]])
SIGMA_Y = _constant([[0, -1j], [1j, 0]])
SIGMA_Z = _constant([[1, 0], [0, -1]])
PAULI = _constant([IDENTITY_2, SIGMA_X, SIGMA_Y, SIGMA_Z])  # (I, X, Y, Z): one qubit's basis
SIGMA_PLUS = _constant([[0, 1], [0, 0]])  # |up><down|
SIGMA_MINUS = _constant([[0, 0], [1, 0]])  # |down><up|

SINGLET = _constant(np.array([0, 1, -1, 0]) / np.sqrt(2))  # (|ud> - |du>)/sqrt(2)
SINGLET_PROJECTOR = _constant(np.outer(SINGLET, SINGLET.conj()))


def batched_kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kronecker product over the last two axes, broadcasting the leading ones (stacks of kron)."""
    a, b = np.asarray(a), np.asarray(b)
    out = a[..., :, None, :, None] * b[..., None, :, None, :]
    shape = out.shape[:-4] + (a.shape[-2] * b.shape[-2], a.shape[-1] * b.shape[-1])
    return out.reshape(shape)


def on_each_qubit(op: np.ndarray) -> np.ndarray:
    """A one-qubit operator on qubit 1 and on qubit 2 of two: (op x 1, 1 x op), (..., 2, 4, 4)."""
    op = np.asarray(op, dtype=complex)
    return np.stack([batched_kron(op, IDENTITY_2), batched_kron(IDENTITY_2, op)], axis=-3)


@cache
def _pauli_basis(n_qubits: int) -> np.ndarray:
    basis = PAULI
    for _ in range(n_qubits - 1):
        basis = batched_kron(basis[:, None], PAULI[None, :]).reshape(
            (-1,) + (basis.shape[-1] * 2,) * 2
        )
    return _constant(basis)


def pauli_basis(n_qubits: int) -> np.ndarray:
    """Pauli products P_a = sigma_i x sigma_j x ... of n qubits, (4^n, 2^n, 2^n), a = (i, j, ...).

    Hermitian and orthogonal, tr(P_a P_b) = 2^n delta_ab: rho = sum_a c_a P_a / 2^n with the real
    Pauli vector c_a = tr(P_a rho) (c_0 = tr rho = 1).
    """
    if int(n_qubits) < 1:
        raise ValueError("n_qubits must be >= 1")
    return _pauli_basis(int(n_qubits))
