"""Spin-1/2 operators, the two-qubit singlet and the Pauli basis, as complex NumPy arrays.

Convention (the one of every paper module and of QuTiP's ``sigmaz``/``sigmap``): one qubit in the
basis |up> = (1, 0), |down> = (0, 1), sigma_z |up> = +|up>, sigma_+ = |up><down| raises;
two qubits in the product basis (uu, ud, du, dd), qubit 1 first.
"""

from __future__ import annotations

from functools import cache

import numpy as np

UP = np.array([1.0, 0.0], dtype=complex)
DOWN = np.array([0.0, 1.0], dtype=complex)
IDENTITY_2 = np.eye(2, dtype=complex)
SIGMA_X = np.array([[0, 1], [1, 0]], dtype=complex)
SIGMA_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
SIGMA_Z = np.array([[1, 0], [0, -1]], dtype=complex)
PAULI = np.stack([IDENTITY_2, SIGMA_X, SIGMA_Y, SIGMA_Z])  # (I, X, Y, Z): the single-qubit basis
SIGMA_PLUS = np.array([[0, 1], [0, 0]], dtype=complex)  # |up><down|
SIGMA_MINUS = np.array([[0, 0], [1, 0]], dtype=complex)  # |down><up|

SINGLET = np.array([0, 1, -1, 0], dtype=complex) / np.sqrt(2)  # (|ud> - |du>)/sqrt(2)
SINGLET_PROJECTOR = np.outer(SINGLET, SINGLET.conj())

for _constant in (UP, DOWN, IDENTITY_2, SIGMA_X, SIGMA_Y, SIGMA_Z, PAULI, SIGMA_PLUS, SIGMA_MINUS):
    _constant.flags.writeable = False  # shared constants: an in-place change would be global
SINGLET.flags.writeable = SINGLET_PROJECTOR.flags.writeable = False


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
    basis.flags.writeable = False
    return basis


def pauli_basis(n_qubits: int) -> np.ndarray:
    """Pauli products P_a = sigma_i x sigma_j x ... of n qubits, (4^n, 2^n, 2^n), a = (i, j, ...).

    Hermitian and orthogonal, tr(P_a P_b) = 2^n delta_ab: rho = sum_a c_a P_a / 2^n with the real
    Pauli vector c_a = tr(P_a rho) (c_0 = tr rho = 1).
    """
    if int(n_qubits) < 1:
        raise ValueError("n_qubits must be >= 1")
    return _pauli_basis(int(n_qubits))
