"""Steady states of batched Lindbladians and fixed points of batched quantum maps.

A steady state is resolved from the initial state when the kernel is degenerate (dark states,
conserved quantities): the result is the spectral projection of ``rho0`` onto the kernel, i.e. the
t -> infinity limit of the dynamics, not an arbitrary kernel vector.
"""

from __future__ import annotations

import numpy as np

from .superop import dag, unvec, vec


def _trace_row(d: int) -> np.ndarray:
    """Row vector t with t @ vec(rho) = tr(rho) (row-major vec)."""
    return np.eye(d).reshape(d * d).astype(complex)


def kernel_dimension(generator: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Dimension of the kernel of each (d^2, d^2) generator, from its singular values."""
    s = np.linalg.svd(generator, compute_uv=False)
    return np.sum(s <= rtol * np.maximum(s[..., :1], 1.0), axis=-1)


def _unique_kernel(generator: np.ndarray) -> np.ndarray:
    """vec of the trace-one kernel vector, assuming the kernel is one-dimensional.

    For a trace-preserving generator the rows of the diagonal elements sum to zero, so the row of
    rho_00 is redundant and is replaced by the trace condition: one batched linear solve.
    """
    n = generator.shape[-1]
    a = generator.copy()
    a[..., 0, :] = _trace_row(int(round(np.sqrt(n))))
    b = np.zeros(a.shape[:-1], dtype=complex)
    b[..., 0] = 1.0
    return np.linalg.solve(a, b[..., None])[..., 0]


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
    rho = 0.5 * (rho + dag(rho))
    return rho / np.trace(rho, axis1=-2, axis2=-1)[..., None, None]


def steady_state(
    generator: np.ndarray, rho0: np.ndarray | None = None, rtol: float = 1e-9
) -> np.ndarray:
    """Steady state(s) of Lindblad generators ``(..., d^2, d^2)`` -> ``(..., d, d)``.

    Where the kernel is one-dimensional the unique trace-one kernel vector is returned. Where it is
    degenerate, ``rho0`` (``(d, d)`` or ``(..., d, d)``) is required and the long-time limit of
    ``exp(L t) rho0`` is returned; without ``rho0`` a ValueError names the degenerate points.
    """
    generator = np.asarray(generator, dtype=complex)
    batch = generator.shape[:-2]
    flat = generator.reshape((-1,) + generator.shape[-2:])
    dims = kernel_dimension(flat, rtol)
    d = int(round(np.sqrt(flat.shape[-1])))
    out = np.empty((flat.shape[0], d, d), dtype=complex)
    unique = dims <= 1
    if unique.any():
        out[unique] = unvec(_unique_kernel(flat[unique]))
    if (~unique).any():
        if rho0 is None:
            raise ValueError(
                f"{int((~unique).sum())} generator(s) have a degenerate steady state "
                "(kernel dimension > 1); pass the initial state rho0 to resolve it"
            )
        rho0s = np.broadcast_to(np.asarray(rho0, dtype=complex), batch + (d, d)).reshape(-1, d, d)
        for kdim in np.unique(dims[~unique]):
            group = dims == kdim
            out[group] = unvec(_projected(flat[group], rho0s[group], int(kdim)))
    return _normalise(out).reshape(batch + (d, d))


def fixed_point(
    channel: np.ndarray, rho0: np.ndarray | None = None, rtol: float = 1e-9
) -> np.ndarray:
    """Fixed point(s) of quantum maps ``(..., d^2, d^2)`` (eigenvalue 1), same rules as above."""
    channel = np.asarray(channel, dtype=complex)
    return steady_state(channel - np.eye(channel.shape[-1]), rho0, rtol)
