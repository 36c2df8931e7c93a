"""Inhomogeneous spin-1/2 ensembles of Bello et al. (2022) in the full Hilbert space.

Exact cycle map, Eq. (2) with Table I, and the second-order master equation, Eq. (3), for
arbitrary couplings g_ij (normalised to sum_i g_ij^2 = 1/(2I) = 1); mu, nu are absolute (g tau).

Conventions
-----------
* N = N1 + N2 nuclear qubits, QD1 first; local basis (|up>, |down>) so sigma^+ = [[0, 1], [0, 0]]
  and I^+ = sigma^+, I^z = sigma^z / 2. A_j = sum_i g_ij I_ij, A^(z,2)_j = sum_i g_ij^2 I^z_ij.
* Weak U(1) symmetry: every Kraus operator of a step and every jump operator of Eq. (3) changes
  the number of up spins by a definite amount, so the density-matrix elements between states
  with equal numbers of up spins (the "q = 0 sector") evolve among themselves. A z-basis
  product initial state lives there. The master equation keeps rho block diagonal in the
  number of up spins (blocks of size C(N, m)); the exact map is a dense matrix on the sector.
* Eq. (3) has real coefficients and real jump operators: rho stays real and symmetric.
* One cycle of the master equation is the difference equation rho_{n+1} = rho_n + L[rho_n]
  (Delta rho of Eq. 3 per cycle); its continuation is in :mod:`.continuation`.
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ...quantum.operators import SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from ...registry import ParameterError
from . import observables
from .couplings import jump_vectors

SP = SIGMA_PLUS.real  # sigma^+ = |up><down| (real: Eq. 3 keeps rho real)
SM = SIGMA_MINUS.real
SZ = SIGMA_Z.real
SX = SIGMA_X.real
SY = SIGMA_Y


# ---------------------------------------------------------------------------------------------
# full-space operators
# ---------------------------------------------------------------------------------------------
def site_op(op, site: int, n: int, fmt="csr"):
    """Single-site operator on n qubits (site 0 is the leftmost tensor factor)."""
    left = sp.identity(2**site, format="csr")
    right = sp.identity(2 ** (n - site - 1), format="csr")
    return sp.kron(sp.kron(left, sp.csr_matrix(op)), right, format=fmt)


def collective(op, coeffs, n: int, offset: int = 0):
    """sum_i coeffs_i op_(offset + i) as a sparse matrix on n qubits."""
    return reduce(
        lambda a, b: a + b,
        (c * site_op(op, offset + i, n) for i, c in enumerate(coeffs) if c != 0.0),
        sp.csr_matrix((2**n, 2**n)),
    )


def n_up(n: int) -> np.ndarray:
    """Number of up spins of every computational basis state (bit 0 = up)."""
    idx = np.arange(2**n)
    bits = (idx[:, None] >> np.arange(n)[::-1]) & 1  # 1 = down
    return n - bits.sum(axis=1)


def site_sz(n: int) -> np.ndarray:
    """<s|sigma^z_a|s> for every basis state s and site a, shape (2^n, n)."""
    idx = np.arange(2**n)
    bits = (idx[:, None] >> np.arange(n)[::-1]) & 1
    return 1.0 - 2.0 * bits


def product_state_index(pattern: str) -> int:
    """Basis index of a z-product state given as a string of 'u'/'d' per site."""
    return int("".join("0" if c == "u" else "1" for c in pattern), 2)


def initial_pattern(label: str, n1: int, n2: int) -> str:
    """'ud' -> |up...>|down...> (Psi_FP); any two-letter label gives each ensemble all u or d;
    a label of length n1 + n2 is taken verbatim."""
    if len(label) == n1 + n2 and n1 + n2 != 2:
        return label
    if len(label) != 2 or set(label) - {"u", "d"}:
        raise ParameterError(
            "initial_states", f"{label!r}: use 'ud', 'du', 'uu', 'dd' or a u/d string"
        )
    return label[0] * n1 + label[1] * n2


# ---------------------------------------------------------------------------------------------
# exact cycle map (Eq. 2, Table I) and the second-order generator (Eq. 3) on the q = 0 sector
# ---------------------------------------------------------------------------------------------
def step_kraus(g1, g2, theta1, theta2, spin_in):
    """Kraus operators <s|U|s_in> of one step, U = exp(-i th2 A2.S) exp(-i th1 A1.S).

    theta_j = g_j tau_j of Table I, spin_in 0 (up) or 1 (down); dense (2^N, 2^N) arrays.
    """
    n1, n2 = len(g1), len(g2)
    n = n1 + n2 + 1  # electron last
    gens = []
    for coeffs, off in ((g1, 0), (g2, n1)):
        H = sum(
            c * (site_op(s / 2, off + i, n) @ site_op(s / 2, n - 1, n))
            for i, c in enumerate(coeffs)
            for s in (SX, SY, SZ)
        )
        gens.append(H.toarray())
    U = sla.expm(-1j * theta2 * gens[1]) @ sla.expm(-1j * theta1 * gens[0])
    U = U.reshape(2 ** (n - 1), 2, 2 ** (n - 1), 2)
    return [U[:, s, :, spin_in] for s in (0, 1)]


def sector_indices(n: int):
    """Flat indices (row-major vec) of the q = 0 sector of rho on n qubits."""
    q = n_up(n)
    a, b = np.nonzero(q[:, None] == q[None, :])
    return a * 2**n + b


def cycle_map_sector(g1, g2, mu, nu, k):
    """Exact one-cycle superoperator (Eq. 2, Table I) restricted to the q = 0 sector.

    Returns (M, idx): vec_sector(rho_{n+1}) = M @ vec_sector(rho_n), vec row-major.
    """
    n = len(g1) + len(g2)
    idx = sector_indices(n)

    def superop(kraus):
        S = sum(np.kron(K, K.conj()) for K in kraus)
        return S[np.ix_(idx, idx)]

    d = (mu - nu) / k
    steps = [
        superop(step_kraus(g1, g2, mu, nu, 0)),
        superop(step_kraus(g1, g2, nu, mu, 1)),
        np.linalg.matrix_power(superop(step_kraus(g1, g2, d, 0.0, 1)), k),
        np.linalg.matrix_power(superop(step_kraus(g1, g2, 0.0, d, 0)), k),
    ]
    return steps[3] @ steps[2] @ steps[1] @ steps[0], idx


def me_generator_sector(g1, g2, mu, nu, k):
    """Second-order generator L of Eq. (3) (dense, q = 0 sector): Delta rho = L rho per cycle."""
    n = len(g1) + len(g2)
    idx = sector_indices(n)
    raising, lowering = jump_vectors(g1, g2, mu, nu, k)
    eye = np.eye(2**n)
    L = 0
    for vecs, op in ((raising, SP), (lowering, SM)):
        for u in vecs:
            X = collective(op, u, n).toarray()
            XdX = X.T @ X
            L = L + np.kron(X, X) - 0.5 * (np.kron(XdX, eye) + np.kron(eye, XdX.T))
    return L[np.ix_(idx, idx)], idx


# ---------------------------------------------------------------------------------------------
# observables of full density matrices
# ---------------------------------------------------------------------------------------------
def observables_full(rho, g1, g2):
    """Delta, Delta_EPR ingredients and polarizations of full density matrices (..., d, d)."""
    n1, n2 = len(g1), len(g2)
    n = n1 + n2
    ones1, ones2 = np.ones(n1), np.ones(n2)
    z1, z2 = np.zeros(n1), np.zeros(n2)
    out = {}
    for name, c1, c2 in (("A", g1, g2), ("J", ones1, ones2)):
        Ax = collective(SX / 2, np.concatenate([c1, c2]), n).toarray()
        Ay = collective(SY / 2, np.concatenate([c1, c2]), n).toarray()
        var = 0
        for X in (Ax, Ay):
            m1 = np.einsum("ij,...ji->...", X, rho)
            m2 = np.einsum("ij,...ji->...", X @ X, rho)
            var = var + np.real(m2 - m1 * np.conj(m1))
        out[f"var_{name}"] = var
    for j, (ca, cb) in enumerate(((g1**2, z2), (z1, g2**2)), start=1):
        op = collective(SZ / 2, np.concatenate([ca, cb]), n).diagonal()
        out[f"Az2_{j}"] = np.real(np.einsum("i,...ii->...", op, rho))
    for j, (ca, cb) in enumerate(((ones1, z2), (z1, ones2)), start=1):
        op = collective(SZ / 2, np.concatenate([ca, cb]), n).diagonal()
        out[f"Jz_{j}"] = np.real(np.einsum("i,...ii->...", op, rho))
    out["delta"] = observables.delta(out)
    out["delta_epr"] = observables.delta_epr(out)
    return out


def derived_observables(sz, var_A, var_J, g1, g2):
    """Polarizations, generalized polarizations, Delta and Delta_EPR from per-site <sigma^z>."""
    n1 = len(g1)
    out = {
        "Jz_1": 0.5 * sz[..., :n1].sum(-1),
        "Jz_2": 0.5 * sz[..., n1:].sum(-1),
        "Az2_1": 0.5 * (sz[..., :n1] * np.asarray(g1) ** 2).sum(-1),
        "Az2_2": 0.5 * (sz[..., n1:] * np.asarray(g2) ** 2).sum(-1),
        "var_A": 2 * var_A,  # var(Ax1+Ax2) + var(Ay1+Ay2)
        "var_J": 2 * var_J,
    }
    out["delta"] = observables.delta(out)
    out["delta_epr"] = observables.delta_epr(out)
    return out


# ---------------------------------------------------------------------------------------------
# sparse block master equation (weak U(1) symmetry)
# ---------------------------------------------------------------------------------------------
class BlockME:
    """Eq. (3) on block-diagonal real symmetric density matrices, blocks labelled by the number
    of up spins.

    A batch of S states is stored as rows (S, n): block m (C_m x C_m, symmetric) as its upper
    triangle (row-major), off-diagonal elements times sqrt(2). This packing is an isometry
    (the Euclidean product of rows equals the Frobenius product of the matrices), so a Krylov
    projection on rows is the one on full matrices, at half the length. Unpacked, block m of
    the batch is an array (S, C_m, C_m).
    """

    def __init__(self, charges: np.ndarray, jumps: list[tuple[sp.spmatrix, int]]):
        self.charges = np.asarray(charges)
        self.levels = np.unique(self.charges)
        self.index = {m: np.nonzero(self.charges == m)[0] for m in self.levels}
        blocks = {}  # (m_from, m_to) -> X blocks of the jumps that move m_from to m_to
        for X, dq in jumps:
            X = sp.csr_matrix(X)
            for m in self.levels:
                if m + dq in self.index:
                    blk = X[self.index[m + dq]][:, self.index[m]]
                    if blk.nnz:
                        blocks.setdefault((m, m + dq), []).append(sp.csr_matrix(blk))
        # (m_from, m_to, number of jumps, X blocks stacked by rows, its transpose, X blocks side
        # by side): sum_X X R X^T = hstack(X) @ vstack((X R)^T) and the part m_from -> m_to of
        # K R = sum_X X^T (X R) = vstack(X)^T @ vstack(X R): three sparse products per block pair
        self.moves = [
            (
                m_from,
                m_to,
                len(Xs),
                sp.csr_matrix(sp.vstack(Xs)),
                sp.csr_matrix(sp.vstack(Xs).T),
                sp.csr_matrix(sp.hstack(Xs)),
            )
            for (m_from, m_to), Xs in blocks.items()
        ]
        sizes = [len(i) * (len(i) + 1) // 2 for i in self.index.values()]
        offs = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.offsets = {m: (int(offs[i]), int(offs[i + 1])) for i, m in enumerate(self.levels)}
        self.size = int(offs[-1])
        self.upper, self.weight, self.gather, self.unweight = {}, {}, {}, {}
        for m, idx in self.index.items():
            c = len(idx)
            i, j = np.triu_indices(c)
            self.upper[m] = i * c + j  # flat positions of the upper triangle in a block
            self.weight[m] = np.where(i == j, 1.0, np.sqrt(2.0))
            I, J = np.divmod(np.arange(c * c), c)
            self.gather[m] = self.position(m, I, J)  # packed position of every block element
            self.unweight[m] = np.where(I == J, 1.0, np.sqrt(0.5))
        # unpacked layout: the full blocks one after the other (block m at slices[m], c x c)
        ends = np.cumsum([len(self.index[m]) ** 2 for m in self.levels])
        self.slices = {
            m: slice(int(e - len(self.index[m]) ** 2), int(e))
            for m, e in zip(self.levels, ends, strict=True)
        }
        self.full_size = int(ends[-1])
        self.gather_all = np.concatenate([self.gather[m] for m in self.levels])
        self.unweight_all = np.concatenate([self.unweight[m] for m in self.levels])
        self.upper_all = np.concatenate([self.slices[m].start + self.upper[m] for m in self.levels])
        self.weight_all = np.concatenate([self.weight[m] for m in self.levels])

    def position(self, m, i, j) -> np.ndarray:
        """Row positions of the elements (i, j) of block m (either triangle)."""
        i, j = np.minimum(i, j), np.maximum(i, j)
        c = len(self.index[m])
        return self.offsets[m][0] + i * (2 * c - i + 1) // 2 + (j - i)

    def to_rows(self, rho: dict) -> np.ndarray:
        """Symmetric blocks (S, C_m, C_m) -> packed rows (S, n)."""
        flat = np.concatenate([rho[m].reshape(rho[m].shape[0], -1) for m in self.levels], axis=1)
        return flat[:, self.upper_all] * self.weight_all

    def from_rows(self, X: np.ndarray) -> dict:
        """Packed rows (S, n) -> symmetric blocks (S, C_m, C_m)."""
        flat = X[:, self.gather_all] * self.unweight_all
        return {m: flat[:, sl].reshape(len(flat), c, c) for m, sl, c in self._shapes()}

    def _shapes(self):
        return [(m, self.slices[m], len(self.index[m])) for m in self.levels]

    def apply_rows(self, X: np.ndarray) -> np.ndarray:
        """L on packed rows (S, n) (for the Krylov continuation)."""
        flat = X[:, self.gather_all] * self.unweight_all  # unpacked, blocks one after the other
        out = np.zeros_like(flat)
        for R, LR in zip(flat, out, strict=True):
            self.add_apply(
                {m: R[sl].reshape(c, c) for m, sl, c in self._shapes()},
                {m: LR[sl].reshape(c, c) for m, sl, c in self._shapes()},  # views into out
            )
        return out[:, self.upper_all] * self.weight_all

    def diag_functional(self, values: dict) -> np.ndarray:
        """Rows F (k, n) with F @ x = sum_m diag(rho_m) @ values[m] (values[m]: (C_m, k))."""
        k = next(iter(values.values())).shape[1]
        F = np.zeros((k, self.size))
        for m in self.levels:
            d = np.arange(len(self.index[m]))
            F[:, self.position(m, d, d)] = values[m].T
        return F

    def op_functional(self, ops: dict) -> np.ndarray:
        """Row f with f @ x = tr(O rho) for a block-diagonal operator {m: coo block}."""
        f = np.zeros(self.size)
        for m, O in ops.items():
            scale = np.where(O.row == O.col, 1.0, np.sqrt(0.5))  # packed x = sqrt(2) rho_ij
            np.add.at(f, self.position(m, O.row, O.col), O.data * scale)
        return f

    def add_apply(self, rho: dict, out: dict) -> None:
        """out += L rho for one state's symmetric blocks {m: (C_m, C_m)}:
        -(K R + R K)/2 + sum X R X^T with K = sum X^T X, R K = (K R)^T and X R X^T = X (X R)^T
        (R symmetric); X R is computed once for both terms."""
        KR = {m: np.zeros_like(R) for m, R in rho.items()}
        for m_from, m_to, n_jumps, stacked, stacked_t, side_by_side in self.moves:
            c_to, c_from = len(self.index[m_to]), len(self.index[m_from])
            XR = stacked @ rho[m_from]  # X R of every jump, stacked by rows
            KR[m_from] += stacked_t @ XR
            XRt = XR.reshape(n_jumps, c_to, c_from).transpose(0, 2, 1)
            out[m_to] += side_by_side @ XRt.reshape(n_jumps * c_from, c_to)
        for m, KRm in KR.items():
            out[m] -= 0.5 * (KRm + KRm.T)


def me_problem(g1, g2, mu, nu, k, initial_states):
    """Eq. (3) from z-product states as a linear problem on packed rows: the :class:`BlockME`,
    the initial rows X0 (S, n) and the functionals F (N + 3, n): per-site <sigma^z> (N rows),
    <(A^x)^2>, <(J^x)^2> (A: couplings, J: ones; = var since <A^x> = 0 in the q = 0 sector)
    and the trace. mu, nu absolute."""
    g1, g2 = np.asarray(g1, float), np.asarray(g2, float)
    n1, n2 = len(g1), len(g2)
    n = n1 + n2
    raising, lowering = jump_vectors(g1, g2, mu, nu, k)
    jumps = [(collective(SP, u, n), +1) for u in raising] + [
        (collective(SM, v, n), -1) for v in lowering
    ]
    charges = n_up(n)
    me = BlockME(charges, jumps)
    S = len(initial_states)
    rho = {m: np.zeros((S, len(i), len(i))) for m, i in me.index.items()}
    for s, label in enumerate(initial_states):
        pos = product_state_index(initial_pattern(label, n1, n2))
        m = charges[pos]
        j = int(np.nonzero(me.index[m] == pos)[0][0])
        rho[m][s, j, j] = 1.0
    zsite = site_sz(n)
    ops = {}
    for name, c in (("A", np.concatenate([g1, g2])), ("J", np.ones(n))):
        Ap, Am = collective(SP, c, n), collective(SM, c, n)
        # var(A^x) = <(A^+ A^- + A^- A^+)>/4 when <A^x> = <A^+A^+> = 0 (q = 0 sector)
        O = sp.csr_matrix((Ap @ Am + Am @ Ap) / 4.0)
        ops[name] = {m: sp.coo_matrix(O[i][:, i]) for m, i in me.index.items()}
    F = np.vstack(
        [
            me.diag_functional({m: zsite[i] for m, i in me.index.items()}),
            me.op_functional(ops["A"])[None],
            me.op_functional(ops["J"])[None],
            me.diag_functional({m: np.ones((len(i), 1)) for m, i in me.index.items()}),
        ]
    )
    return me, me.to_rows(rho), F
