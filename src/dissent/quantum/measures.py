"""Entanglement and state measures, batched over leading axes."""

from __future__ import annotations

import numpy as np

from .operators import SIGMA_Y, batched_kron
from .superop import dag

_SIGMA_Y2 = batched_kron(SIGMA_Y, SIGMA_Y)  # the spin flip of Wootters' rho~


def concurrence(rho: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Wootters concurrence of two-qubit states ``(..., 4, 4)`` (any product basis of the qubits).

    C = max(0, l1 - l2 - l3 - l4), l_i the decreasing square roots of the eigenvalues of
    rho rho~, rho~ = (sy x sy) rho* (sy x sy): the singular values of tau = W^T (sy x sy) W
    for rho = W W^+ (Wootters, PRL 80, 2245 (1998)), W = V sqrt(w) from rho's eigenvectors.
    Nearly pure states (an eigenvalue of rho below 1e-4 tr rho) take them from an SVD of tau, at
    full precision; the others as square roots of the eigenvalues of tau^+ tau, where every
    l_i >= min w >= 1e-4 tr rho keeps the error below 1e-12. (The square roots of squared
    round-off would leave l_i ~ 1e-8 of noise, different on every BLAS.) Eigenvalues of rho
    below ``floor`` tr rho are taken as 0: where rho is rank-deficient and l_2 = 0, eigenvalues
    ~1e-16 of rounding would otherwise add l_i ~ 1e-8 (C has a square-root sensitivity there).
    """
    rho = np.asarray(rho, dtype=complex)
    w, v = np.linalg.eigh(0.5 * (rho + dag(rho)))
    if floor > 0:
        w = np.where(w > floor * w.sum(axis=-1, keepdims=True), w, 0.0)
    root = v * np.sqrt(np.clip(w, 0, None))[..., None, :]  # rho = root root^+
    tau = np.swapaxes(root, -1, -2) @ _SIGMA_Y2 @ root
    lam = np.empty(w.shape)
    mixed = w[..., 0] >= 1e-4 * w.sum(axis=-1)
    squared = np.linalg.eigvalsh(dag(tau[mixed]) @ tau[mixed])[..., ::-1]
    lam[mixed] = np.sqrt(np.clip(squared, 0, None))
    lam[~mixed] = np.linalg.svd(tau[~mixed], compute_uv=False)
    return np.clip(lam[..., 0] - lam[..., 1:].sum(axis=-1), 0.0, None)


def tangle(rho: np.ndarray) -> np.ndarray:
    """Tangle tau = C^2 of two-qubit states ``(..., 4, 4)``: the squared Wootters concurrence.

    Coffman, Kundu & Wootters, PRA 61, 052306 (2000). For a pure state tau = 4 det(rho_A) of either
    reduced state; it vanishes exactly where C does.
    """
    return concurrence(rho) ** 2


def x_state_concurrence(rho: np.ndarray) -> np.ndarray:
    """Concurrence of two-qubit X states (..., 4, 4): nonzero only on the diagonal, rho_{ud,du}
    and rho_{uu,dd} (and their conjugates).

    C = 2 max(0, |rho_12| - sqrt(rho_00 rho_33), |rho_03| - sqrt(rho_11 rho_22)) (Yu & Eberly,
    Quantum Inf. Comput. 7, 459 (2007)); equal to :func:`concurrence` there, without eigenvalues.
    """
    p = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
    ud_du = np.abs(rho[..., 1, 2]) - np.sqrt(np.clip(p[..., 0] * p[..., 3], 0.0, None))
    uu_dd = np.abs(rho[..., 0, 3]) - np.sqrt(np.clip(p[..., 1] * p[..., 2], 0.0, None))
    return 2.0 * np.maximum(0.0, np.maximum(ud_du, uu_dd))


def partial_transpose(rho: np.ndarray, dims: tuple[int, int], subsystem: int = 1) -> np.ndarray:
    """Partial transpose of bipartite states ``(..., dA*dB, dA*dB)`` on subsystem 0 or 1."""
    da, db = dims
    rho = np.asarray(rho)
    t = rho.reshape(rho.shape[:-2] + (da, db, da, db))
    t = np.swapaxes(t, -4, -2) if subsystem == 0 else np.swapaxes(t, -3, -1)
    return t.reshape(rho.shape)


def min_pt_eigenvalue(rho: np.ndarray, dims: tuple[int, int], subsystem: int = 1) -> np.ndarray:
    """Lowest eigenvalue of the partial transpose (negative means entangled)."""
    pt = partial_transpose(rho, dims, subsystem)
    return np.linalg.eigvalsh(0.5 * (pt + dag(pt)))[..., 0]


def negativity(rho: np.ndarray, dims: tuple[int, int]) -> np.ndarray:
    """Sum of the absolute values of the negative eigenvalues of the partial transpose."""
    pt = partial_transpose(rho, dims)
    w = np.linalg.eigvalsh(0.5 * (pt + dag(pt)))
    return -np.clip(w, None, 0).sum(axis=-1)


def purity(rho: np.ndarray) -> np.ndarray:
    """tr(rho^2)."""
    return np.real(np.einsum("...ij,...ji->...", rho, rho))


def fidelity(rho: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """<psi| rho |psi> for a pure reference state ``psi`` (..., d)."""
    psi = np.asarray(psi, dtype=complex)
    return np.real(np.einsum("...i,...ij,...j->...", np.conj(psi), rho, psi))
