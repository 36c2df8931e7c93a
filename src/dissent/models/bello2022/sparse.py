"""Sparse linear algebra of the Dicke-sector generators: orderings, LUs, symmetry blocks,
steady states (second-order ME and exact cycle map).
"""

from __future__ import annotations

import copy

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .dicke import Sector, cycle_factors, me_generator, sector_coords, swap_permutation
from .protocol import Protocol


# ---------------------------------------------------------------------------------------------
# orderings and LUs
# ---------------------------------------------------------------------------------------------
class SteadyStateError(RuntimeError):
    pass


def nested_dissection(coords: np.ndarray, leaf: int = 32) -> np.ndarray:
    """Geometric nested-dissection ordering of points on an integer grid.

    Valid for operators that change each coordinate by at most one: a plane at the median of
    a coordinate separates the two sides. Of the three median planes the one with the fewest
    points is taken (a narrower separator, 5-10 % less fill than the plane across the widest
    coordinate). Separators are ordered last, which keeps the fill of a sparse LU at the 3-D
    optimum (SuperLU's own orderings fill 2-3 times more).
    """
    coords = np.asarray(coords)
    out: list[np.ndarray] = []
    stack: list[tuple[np.ndarray, bool]] = [(np.arange(coords.shape[0]), False)]
    # iterative post-order: (idx, expanded) -> left, right, separator
    while stack:
        idx, done = stack.pop()
        if done or idx.size <= leaf:
            out.append(idx)
            continue
        c = coords[idx]
        median = np.partition(c, idx.size // 2, axis=0)[idx.size // 2]
        best = None  # (separator size, side masks)
        for dim in range(c.shape[1]):
            below, above = c[:, dim] < median[dim], c[:, dim] > median[dim]
            n_sep = idx.size - np.count_nonzero(below) - np.count_nonzero(above)
            if below.any() and above.any() and (best is None or n_sep < best[0]):
                best = (n_sep, below, above)
        if best is None:
            out.append(idx)
            continue
        _, below, above = best
        stack.append((idx[~(below | above)], True))
        stack.append((idx[above], False))
        stack.append((idx[below], False))
    return np.concatenate(out)


class _LU:
    """Sparse LU of ``M`` in a given fill-reducing ordering; call it to solve.

    ``single``: factor in float32 (half the memory of the factors); the solutions are then
    accurate to ~1e-6 relative and are used as a preconditioner or refined by the caller.
    """

    def __init__(self, M: sp.spmatrix, perm: np.ndarray | None, single: bool = False):
        M = sp.csr_matrix(M)
        self.perm = np.arange(M.shape[0]) if perm is None else perm
        Mp = M[self.perm][:, self.perm].tocsc()
        if single:
            Mp = Mp.astype(np.float32)
        try:
            if perm is None:  # no geometric ordering known: SuperLU's COLAMD
                self.lu = spla.splu(Mp, permc_spec="COLAMD")
            else:
                self.lu = spla.splu(
                    Mp,
                    permc_spec="NATURAL",
                    options={"SymmetricMode": True, "DiagPivotThresh": 0.1},
                )
        except RuntimeError as err:  # "Factor is exactly singular"
            raise SteadyStateError(str(err)) from err
        self.dtype = Mp.dtype  # (SuperLU's .L/.U build copies of the factors: not per solve)

    @property
    def nnz(self) -> int:
        return int(self.lu.L.nnz + self.lu.U.nnz)

    def __call__(self, b: np.ndarray) -> np.ndarray:
        x = np.empty(b.shape, np.result_type(b.dtype, np.float64))
        x[self.perm] = self.lu.solve(b[self.perm].astype(self.dtype))
        return x


def _bordered(G: sp.spmatrix, trace_row: sp.spmatrix) -> sp.csr_matrix:
    """G with row 0 (a population row, linearly dependent) replaced by the trace functional."""
    G = sp.csr_matrix(G)
    keep = np.ones(G.shape[0])
    keep[0] = 0.0
    return (sp.diags(keep) @ G + trace_row).tocsr()


class Reduction:
    """Symmetry blocks of sector vectors under the transpose and, optionally, the swap.

    A real generator that commutes with the transpose rho -> rho^T (every master equation
    here: real operators and rates) maps its symmetric and antisymmetric parts to themselves;
    one that also commutes with :func:`swap_permutation` splits again into even/odd parts.
    The unique steady state lies in the block ("sym", "even"). Each block is spanned by
    orbit vectors sum_g chi(g) e_{g(rep)}; ``restrict(G, block)`` is G on that basis (values
    at the orbit representatives, the smallest index of each orbit).
    """

    def __init__(self, sector: Sector, swap: np.ndarray | None = None):
        self.coords_full = sector_coords(sector)
        n = sector.size
        transpose = sector.locate(sector.bra, sector.ket)
        gens = [transpose] if swap is None else [transpose, swap]
        # group elements as (permutation, generator exponents)
        elements = [(np.arange(n), (0,) * len(gens))]
        for j, g in enumerate(gens):
            elements += [
                (g[perm], tuple(e ^ (i == j) for i, e in enumerate(exp))) for perm, exp in elements
            ]
        rep = np.min([perm for perm, _ in elements], axis=0)
        self.blocks: dict[tuple[str, ...], dict] = {}
        names = (("sym", "anti"), ("even", "odd"))
        for signs in np.ndindex(*(2,) * len(gens)):
            key = tuple(names[i][b] for i, b in enumerate(signs))
            reps = np.flatnonzero(rep == np.arange(n))
            rows, cols, vals, killed = [], [], [], np.zeros(reps.size, bool)
            for perm, exp in elements:
                chi = (-1.0) ** sum(b * e for b, e in zip(signs, exp, strict=True))
                image = perm[reps]
                rows.append(image)
                cols.append(np.arange(reps.size))
                vals.append(np.full(reps.size, chi))
            rows, cols, vals = map(np.concatenate, (rows, cols, vals))
            # an orbit element reached twice with opposite characters kills the orbit
            order = np.lexsort((vals, rows))
            rows, cols, vals = rows[order], cols[order], vals[order]
            first = np.r_[True, rows[1:] != rows[:-1]]
            last = np.r_[rows[1:] != rows[:-1], True]
            conflict = vals[first] != vals[last]
            killed[cols[first][conflict]] = True
            keep_cols = np.flatnonzero(~killed)
            new_col = np.full(reps.size, -1)
            new_col[keep_cols] = np.arange(keep_cols.size)
            sel = first & ~killed[cols]
            E = sp.csr_matrix(
                (vals[sel], (rows[sel], new_col[cols[sel]])), shape=(n, keep_cols.size)
            )
            self.blocks[key] = {
                "reps": reps[keep_cols],
                "expand": E,
                "orbit": np.diff(E.tocsc().indptr).astype(float),
                "coords": self.coords_full[reps[keep_cols]],
            }
        self.steady_key = ("sym",) if swap is None else ("sym", "even")
        steady = self.blocks[self.steady_key]
        trace = sp.csr_matrix(sector.trace_row()) @ steady["expand"]
        self.trace_steady = sp.vstack(
            [trace, sp.csr_matrix((steady["reps"].size - 1, steady["reps"].size))]
        ).tocsr()

    def restrict(self, G: sp.spmatrix, key) -> sp.csr_matrix:
        block = self.blocks[key]
        return (sp.csr_matrix(G)[block["reps"]] @ block["expand"]).tocsr()


def _real(G: sp.spmatrix) -> sp.csr_matrix:
    G = sp.csr_matrix(G)
    if G.nnz and np.abs(G.data.imag).max() > 1e-12 * np.abs(G.data).max():
        raise ValueError("generator is not real: use the complex steady_state")
    return sp.csr_matrix(G.real)


def _check_residual(apply_G, x: np.ndarray, scale: float, tol: float) -> float:
    residual = float(np.abs(apply_G(x)).max() / max(scale, 1e-300))
    if not np.isfinite(residual) or residual > tol:
        raise SteadyStateError(f"residual {residual:.2e} > {tol:.0e}")
    return residual


def steady_state(
    sector: Sector,
    generator: sp.spmatrix,
    *,
    tol: float = 1e-9,
    return_residual: bool = False,
    nearest_neighbour: bool = False,
):
    """Unit-trace kernel vector of a (complex) generator, T - 1 or L, by one sparse LU.

    The population rows of a trace-preserving generator sum to zero, so the first population
    row is replaced by the trace condition. A singular factorisation (degenerate kernel) or a
    large residual raises :class:`SteadyStateError`. ``nearest_neighbour``: the generator
    changes s, a1, b1 by at most one (true of L, not of the composed cycle map T), so the
    nested-dissection ordering applies; otherwise SuperLU's COLAMD is used.
    """
    G = sp.csr_matrix(generator, dtype=complex)
    M = _bordered(G, sp.csr_matrix(sector.trace_row(sector.size), dtype=complex))
    perm = nested_dissection(sector_coords(sector)) if nearest_neighbour else None
    rhs = np.zeros(sector.size, complex)
    rhs[0] = 1.0
    x = _LU(M, perm)(rhs)
    residual = _check_residual(lambda v: G @ v, x, abs(G).sum(axis=0).max(), tol)
    return (x, residual) if return_residual else x


def _commutes(L: sp.csr_matrix, perm: np.ndarray | None) -> bool:
    if perm is None or np.any(perm < 0):
        return False
    diff = abs(L[perm][:, perm] - L)
    return diff.nnz == 0 or diff.max() <= 1e-12 * abs(L).max()


REFINE_STEPS = 8  # iterative refinement of float32 factors, see MESolver._solve_steady_block


class MESolver:
    """Steady state of a real master-equation generator from its symmetry blocks.

    The steady state is real symmetric and, when the generator commutes with the ensemble
    swap (J1 = J2 and a symmetric protocol, checked), swap-even: one real LU of that block,
    a quarter of the sector. ``precondition(q)`` applies the inverse of the bordered
    generator to any complex vector (LUs of every block, built on first use), the
    preconditioner of the exact-map solve. ``single`` (default): float32 factors, 35-40 % less
    CPU time and half the memory of float64 ones; the steady state is then refined against the
    float64 block (:meth:`_solve_steady_block`), so it agrees with a float64 LU to ~1e-14.
    """

    def __init__(self, sector: Sector, L: sp.spmatrix, single: bool = True):
        self.sector = sector
        self.L = _real(L)
        self.factored = self.L  # the generator whose block LUs are built (shared by scaled)
        self.single = single
        self.scale = 1.0  # self.L = scale * self.factored, see scaled
        swap = swap_permutation(sector)
        self.red = Reduction(sector, swap if _commutes(self.L, swap) else None)
        key = self.red.steady_key
        self.steady_block = _bordered(self.red.restrict(self.L, key), self.red.trace_steady)
        self.matrix = {key: self.steady_block}  # the block matrices, float64
        self.lu = {key: self._factor(self.steady_block, key)}

    def _factor(self, M, key, single=None) -> _LU:
        single = self.single if single is None else single
        return _LU(M, nested_dissection(self.red.blocks[key]["coords"]), single)

    @property
    def lu_nnz(self) -> int:
        return sum(lu.nnz for lu in self.lu.values())

    def _block_lu(self, key) -> _LU:
        if key not in self.lu:
            self.matrix[key] = self.red.restrict(self.factored, key)
            self.lu[key] = self._factor(self.matrix[key], key)
        return self.lu[key]

    def _solve_block(self, key, rhs: np.ndarray, refine: int) -> np.ndarray:
        """Solve block @ y = rhs with at most ``refine`` steps of iterative refinement of
        float32 factors against the float64 block. The error contracts by a constant factor
        per step (~cond * 6e-8), so the error left after a correction c_k is about
        |c_k| * |c_k| / |c_{k-1}|; refinement stops once that is below 1e-15 of y (typically
        after two steps: 1e-6, 1e-12, leaving 1e-18), or at the rounding floor."""
        lu = self._block_lu(key)
        y = lu(rhs)
        previous = None
        for _ in range(refine if lu.dtype == np.float32 else 0):
            correction = lu(rhs - self.matrix[key] @ y)
            y = y + correction
            size = np.abs(correction).max()
            contraction = 1.0 if not previous else min(1.0, size / previous)
            if size * contraction <= 1e-15 * np.abs(y).max():
                return y
            previous = size
        return y

    def _solve_steady_block(self) -> np.ndarray:
        """y with steady_block @ y = e_0 (the trace condition), to float64 accuracy: float32
        factors refined (:meth:`_solve_block`); if they have not converged after
        REFINE_STEPS steps (an ill-conditioned block), the block is factored in float64."""
        key = self.red.steady_key
        rhs = np.zeros(self.steady_block.shape[0])
        rhs[0] = 1.0
        y = self._solve_block(key, rhs, REFINE_STEPS)
        M = self.steady_block
        backward_error = np.abs(rhs - M @ y).max() / (abs(M) @ np.abs(y)).max()
        if self.lu[key].dtype == np.float32 and not backward_error < 1e-12:
            self.lu[key] = self._factor(self.steady_block, key, single=False)
            y = self.lu[key](rhs)
        return y

    def steady_state(self, tol: float = 1e-9) -> np.ndarray:
        x = self.red.blocks[self.red.steady_key]["expand"] @ self._solve_steady_block()
        _check_residual(lambda v: self.L @ v, x, abs(self.L).sum(axis=0).max(), tol)
        return x.astype(complex)

    def scaled(self, factor: float) -> MESolver:
        """The solver of ``factor * L`` sharing this one's factorisations (same steady state).

        Every rate of (A17) is quadratic in the dwell times, so the generator of a protocol
        scaled by f is f^2 L: the exact solves at several mu of one sector need one set of LUs.
        """
        out = copy.copy(self)
        out.L = self.L * factor
        out.scale = self.scale * factor
        return out

    def precondition(self, q: np.ndarray) -> np.ndarray:
        """Approximately solve (bordered L) y = q, row 0 of q being the trace equation.

        Exact when element 0 is its own orbit (transpose only); with the swap, the L row of
        element 0's partner is traded for the trace (a rank-one difference for GMRES). q is
        taken as Hermitian (GMRES on the Hermiticity-preserving T - 1 from Hermitian vectors
        stays Hermitian): only its real part enters the transpose-symmetric blocks and its
        imaginary part the antisymmetric ones, one real solve per block.
        """
        q = np.array(q, complex)
        trace_rhs = q[0]
        q[0] = 0.0
        q /= self.scale  # the factors are those of L / scale
        out = np.zeros(q.shape, complex)
        for key, block in self.red.blocks.items():
            if block["reps"].size == 0:
                continue
            E = block["expand"]
            rhs = (E.T @ q) / block["orbit"]
            if key == self.red.steady_key:
                rhs[0] = trace_rhs
            if key[0] == "sym":
                out += E @ self._solve_block(key, rhs.real, refine=1)
            else:
                out += 1j * (E @ self._solve_block(key, rhs.imag, refine=1))
        return out


def exact_steady_state_iterative(
    sector: Sector, factors, me: MESolver, *, tol: float = 1e-9, maxiter: int = 200
):
    """Steady state of the exact cycle map T = F_last ... F_1 by GMRES on (T - 1) bordered.

    Preconditioned by the bordered second-order generator (T - 1 = L + O(mu^3)); starts from
    the master-equation steady state. Returns (x, iterations, residual).
    """
    n = sector.size
    diag = sector.diagonal

    def apply_T(x):
        for F in factors:
            x = F @ x
        return x

    def apply_M(x):
        y = apply_T(x) - x
        y[0] = x[diag].sum()
        return y

    rhs = np.zeros(n, complex)
    rhs[0] = 1.0
    x0 = me.steady_state(tol=1.0)
    A = spla.LinearOperator((n, n), matvec=apply_M, dtype=complex)
    P = spla.LinearOperator((n, n), matvec=me.precondition, dtype=complex)
    count = [0]

    def callback(_):
        count[0] += 1

    x, info = spla.gmres(
        A,
        rhs,
        x0=x0,
        M=P,
        rtol=1e-13,
        atol=0.0,
        restart=60,
        maxiter=maxiter,
        callback=callback,
        callback_type="pr_norm",
    )
    scale = max(abs(F).sum(axis=0).max() for F in factors)
    residual = _check_residual(lambda v: apply_T(v) - v, x, scale, tol)
    return x, count[0], residual


def exact_steady_state_of_map(
    sector: Sector, factors, me: MESolver | None, *, direct_max: int = 500, tol: float = 1e-9
):
    """Steady state of the exact map T = F_last ... F_1 on a sector: one direct LU of T - 1 for
    sectors of at most ``direct_max`` elements (T's wide stencil makes it 50-100x dearer than
    the ME's LU beyond), else :func:`exact_steady_state_iterative` preconditioned by ``me``.
    Returns (x, GMRES iterations (0: direct), residual); raises :class:`SteadyStateError`."""
    if sector.size > direct_max:
        return exact_steady_state_iterative(sector, factors, me, tol=tol)
    T = factors[0]
    for F in factors[1:]:
        T = F @ T
    G = T - sp.identity(sector.size, format="csc")
    x, residual = steady_state(sector, G, tol=tol, return_residual=True)
    return x, 0, residual


def exact_steady_state(
    J1, J2, protocol: Protocol, c1, c2, *, direct_max: int = 500, tol: float = 1e-9
):
    """Steady state of the exact map in the (J1, J2) sector. Returns (sector, x)."""
    sector = Sector(J1, J2)
    factors = cycle_factors(sector, protocol, c1, c2)
    me = None
    if sector.size > direct_max:
        me = MESolver(sector, me_generator(sector, protocol, c1, c2))
    x, _, _ = exact_steady_state_of_map(sector, factors, me, direct_max=direct_max, tol=tol)
    return sector, x


def me_steady_state(J1, J2, protocol: Protocol, c1, c2, *, tol: float = 1e-9):
    """Steady state of the second-order master equation in the (J1, J2) sector."""
    sector = Sector(J1, J2)
    return sector, MESolver(sector, me_generator(sector, protocol, c1, c2)).steady_state(tol)
