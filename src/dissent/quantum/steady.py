"""Steady states of batched Lindbladians and fixed points of batched quantum maps.

One signature for every solver: ``(state, kernel_dimension)``, batched over leading axes.
The kernel dimension is counted from singular values (``rtol`` relative to the largest one).
Where it is 1 the state is the unique trace-one kernel vector. Where it is larger (dark states,
conserved quantities) the state is the spectral projection of the initial state ``rho0`` onto the
kernel, i.e. the t -> infinity limit of the dynamics, not an arbitrary kernel vector; without
``rho0`` those points are NaN (their kernel dimension says why).

- :func:`steady_state`: dense generators (..., d^2, d^2) in the row-major vec basis.
- :func:`fixed_point`: the same for quantum maps (eigenvalue 1 instead of 0).
- :func:`pauli_fixed_point`: trace-preserving maps as real Pauli transfer matrices (n qubits).
- :func:`kernel_vector`: the building block for a generator restricted to a block (any basis,
  trace given as a row vector), e.g. a symmetry sector of a small model (hou2025).
- Large sparse generators (the nuclear-spin sectors of bello2022): their sparse and block solvers
  are model-specific and stay with the model, in ``dissent.models.bello2022.sparse``, with the
  same signature ``(state, kernel dimension)``.
"""

from __future__ import annotations

import numpy as np

from .operators import pauli_basis
from .superop import dag, from_pauli_transfer, unvec, vec


def _trace_row(d: int) -> np.ndarray:
    """Row vector t with t @ vec(rho) = tr(rho) (row-major vec)."""
    return np.eye(d).reshape(d * d).astype(complex)


def kernel_dimension(generator: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Dimension of the kernel of each square matrix (..., n, n), from its singular values.

    A singular value counts as zero below ``rtol`` times the largest one (or times 1 if that is
    smaller: an all-zero generator has a full kernel).
    """
    s = np.linalg.svd(generator, compute_uv=False)
    return np.sum(s <= rtol * np.maximum(s[..., :1], 1.0), axis=-1)


def kernel_vector(
    generator: np.ndarray, trace_row: np.ndarray, rtol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray]:
    """(x, kernel dimension): the kernel vector with trace_row @ x = 1, for stacked (..., n, n).

    For a trace-preserving generator the trace row is a left null vector, so the first row is
    redundant and is replaced by the trace condition: one batched linear solve. Points whose
    kernel is not one-dimensional get NaN.
    """
    generator = np.asarray(generator)
    batch, n = generator.shape[:-2], generator.shape[-1]
    flat = generator.reshape(-1, n, n)
    kdim = kernel_dimension(flat, rtol)
    x = np.full((flat.shape[0], n), np.nan, dtype=np.result_type(flat, trace_row, float))
    unique = kdim == 1
    if unique.any():
        a = flat[unique].copy()
        a[:, 0, :] = trace_row
        rhs = np.zeros(a.shape[:-1] + (1,), dtype=a.dtype)
        rhs[:, 0, 0] = 1.0
        x[unique] = np.linalg.solve(a, rhs)[..., 0]
    return x.reshape(batch + (n,)), kdim.reshape(batch)


def _projected(generators: np.ndarray, rho0: np.ndarray, kdim: int) -> np.ndarray:
    """Spectral projection of vec(rho0) onto the ``kdim``-dimensional kernels, batched.

    P = R (Y^+ R)^{-1} Y^+ with R, Y the right and left kernel bases; 0 is a semisimple eigenvalue
    of a Lindbladian, so P rho0 is the t -> infinity limit of exp(L t) rho0.
    """
    u, _, vh = np.linalg.svd(generators)
    right = dag(vh)[..., -kdim:]  # singular values come in decreasing order
    left = u[..., -kdim:]
    coeff = np.linalg.solve(dag(left) @ right, dag(left) @ vec(rho0)[..., None])
    return (right @ coeff)[..., 0]


def _normalise(rho: np.ndarray) -> np.ndarray:
    """Hermitian part with unit trace (NaN stays NaN)."""
    rho = 0.5 * (rho + dag(rho))
    with np.errstate(invalid="ignore"):
        return rho / np.trace(rho, axis1=-2, axis2=-1)[..., None, None]


def steady_state(
    generator: np.ndarray, rho0: np.ndarray | None = None, rtol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray]:
    """(rho, kernel dimension), (..., d, d) and (...), of Lindblad generators (..., d^2, d^2).

    Kernel dimension 1: the trace-one kernel vector. Larger: the long-time limit of
    ``exp(L t) rho0`` (``rho0``: ``(d, d)`` or ``(..., d, d)``), NaN without ``rho0``. 0 (no
    kernel: not a trace-preserving generator): NaN. The state is Hermitised, with unit trace.
    """
    generator = np.asarray(generator, dtype=complex)
    batch = generator.shape[:-2]
    flat = generator.reshape((-1,) + generator.shape[-2:])
    d = int(round(np.sqrt(flat.shape[-1])))
    x, kdim = kernel_vector(flat, _trace_row(d), rtol)
    degenerate = kdim > 1
    if degenerate.any() and rho0 is not None:
        rho0s = np.broadcast_to(np.asarray(rho0, dtype=complex), batch + (d, d)).reshape(-1, d, d)
        for k in np.unique(kdim[degenerate]):
            group = kdim == k
            x[group] = _projected(flat[group], rho0s[group], int(k))
    return _normalise(unvec(x)).reshape(batch + (d, d)), kdim.reshape(batch)


def fixed_point(
    channel: np.ndarray, rho0: np.ndarray | None = None, rtol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray]:
    """(rho, kernel dimension of M - 1) of quantum maps M (..., d^2, d^2): see steady_state."""
    channel = np.asarray(channel, dtype=complex)
    return steady_state(channel - np.eye(channel.shape[-1]), rho0, rtol)


def pauli_fixed_point(
    transfer: np.ndarray, rho0: np.ndarray | None = None, rtol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray]:
    """(rho, kernel dimension of R - 1) of trace-preserving maps given as Pauli transfer matrices.

    ``transfer``: real (..., 4^n, 4^n) from :func:`~dissent.quantum.superop.pauli_transfer`, of
    the form [[1, 0], [b, R']]. The fixed point with unit trace has the Pauli vector (1, c') with
    (1 - R') c' = b: a real (4^n - 1)-dimensional system, whose singular values count the
    degeneracy (kernel dimension = 1 + vanishing ones). Degenerate points are resolved from
    ``rho0`` as in :func:`fixed_point` (NaN without it). Returns rho (..., 2^n, 2^n).
    """
    transfer = np.asarray(transfer, dtype=float)
    batch, m = transfer.shape[:-2], transfer.shape[-1]
    flat = transfer.reshape(-1, m, m)
    a = np.eye(m - 1) - flat[:, 1:, 1:]
    sv = np.linalg.svd(a, compute_uv=False)
    null = np.sum(sv <= rtol * np.maximum(sv[:, :1], 1.0), axis=-1)
    c = np.full((flat.shape[0], m), np.nan)
    c[:, 0] = 1.0
    unique = null == 0
    if unique.any():
        c[unique, 1:] = np.linalg.solve(a[unique], flat[unique, 1:, 0][..., None])[..., 0]
    d = int(round(np.sqrt(m)))
    basis = pauli_basis(int(round(np.log2(d))))
    rho = (c.astype(complex) @ basis.reshape(m, m)).reshape(-1, d, d) / d
    degenerate = ~unique
    if degenerate.any() and rho0 is not None:
        rho0s = np.broadcast_to(np.asarray(rho0, dtype=complex), batch + (d, d)).reshape(-1, d, d)
        channels = from_pauli_transfer(flat[degenerate])
        rho[degenerate], _ = fixed_point(channels, rho0s[degenerate], rtol)
    return rho.reshape(batch + (d, d)), (1 + null).reshape(batch)
