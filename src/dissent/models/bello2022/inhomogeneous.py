"""Inhomogeneous spin-1/2 ensembles of Bello et al. (2022) in the full Hilbert space.

Exact cycle map, Eq. (2) with Table I, and the second-order master equation, Eq. (3), for
arbitrary couplings g_ij (normalised to sum_i g_ij^2 = 1/(2I) = 1).

Conventions
-----------
* N = N1 + N2 nuclear qubits, QD1 first; local basis (|up>, |down>) so sigma^+ = [[0, 1], [0, 0]]
  and I^+ = sigma^+, I^z = sigma^z / 2. A_j = sum_i g_ij I_ij, A^(z,2)_j = sum_i g_ij^2 I^z_ij.
* Weak U(1) symmetry: every Kraus operator of a step and every jump operator of Eq. (3) changes
  the number of up spins by a definite amount, so the density-matrix elements between states
  with equal numbers of up spins (the "q = 0 sector") evolve among themselves. A z-basis
  product initial state lives there. The master equation keeps rho block diagonal in the
  number of up spins (blocks of size C(N, m)); the exact map is a dense matrix on the sector.
* Eq. (3) has real coefficients and real jump operators: rho stays real.
* One cycle of the master equation is the difference equation rho_{n+1} = rho_n + L[rho_n]
  (Delta rho of Eq. 3 per cycle), iterated exactly.
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import xarray as xr

from ... import contract
from ...registry import ParameterError, validates

SP = np.array([[0.0, 1.0], [0.0, 0.0]])  # sigma^+ = |up><down|
SM = SP.T.copy()
SZ = np.diag([1.0, -1.0])
SX = SP + SM
SY = -1j * (SP - SM)


# ---------------------------------------------------------------------------------------------
# couplings and the dissipator matrices of Eq. (3)
# ---------------------------------------------------------------------------------------------
def normalise(g) -> np.ndarray:
    """Couplings scaled to sum g^2 = 1 (spin-1/2: 1/(2I) = 1)."""
    g = np.abs(np.asarray(g, float))
    return g / np.sqrt(np.sum(g**2))


def jump_vectors(g1, g2, mu, nu, k):
    """Jump operators of Eq. (3) as coefficient vectors over the N1 + N2 sites.

    Returns (raising, lowering): lists of vectors u with L = sum_a u_a sigma^+_a (raising) or
    L = sum_a u_a sigma^-_a (lowering), Delta rho = sum_L D(L)[rho].
    """
    g1, g2 = np.asarray(g1, float), np.asarray(g2, float)
    z1, z2 = np.zeros_like(g1), np.zeros_like(g2)
    loc = abs(mu - nu) / (2.0 * np.sqrt(k))
    raising = [np.concatenate([mu * g1, nu * g2]) / 2.0, loc * np.concatenate([z1, g2])]
    lowering = [np.concatenate([nu * g1, mu * g2]) / 2.0, loc * np.concatenate([g1, z2])]
    return raising, lowering


def rate_matrices(g1, g2, mu, nu, k):
    """P = sum_raising u u^T and Q = sum_lowering v v^T (the generator only depends on these)."""
    raising, lowering = jump_vectors(g1, g2, mu, nu, k)
    P = sum(np.outer(u, u) for u in raising)
    Q = sum(np.outer(v, v) for v in lowering)
    return P, Q


def kappa_eta(mu, nu):
    """kappa = (mu nu - nu^2)/4 and eta = mu^2/4 - kappa of the supplement (k = 1 forms)."""
    kappa = (mu * nu - nu**2) / 4.0
    return kappa, mu**2 / 4.0 - kappa


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
# exact cycle map (Eq. 2, Table I) on the q = 0 sector
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


def evolve_powers(M, x0, cycles):
    """x_n = M^n x0 at the (non-decreasing integer) cycles, by binary powers of M."""
    cycles = np.asarray(cycles, dtype=np.int64)
    if np.any(np.diff(cycles) < 0) or cycles[0] < 0:
        raise ValueError("cycles must be non-decreasing and >= 0")
    top = max(int(cycles[-1]).bit_length(), 1)
    powers = [M]
    for _ in range(top):
        powers.append(powers[-1] @ powers[-1])
    out = np.empty((len(cycles),) + x0.shape, dtype=np.result_type(M, x0))
    x, n_now = x0.copy(), 0
    for i, n in enumerate(cycles):
        step, bit = int(n) - n_now, 0
        while step:
            if step & 1:
                x = powers[bit] @ x
            step >>= 1
            bit += 1
        n_now = int(n)
        out[i] = x
    return out


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
    out["delta"] = out["var_A"] / (np.abs(out["Az2_1"]) + np.abs(out["Az2_2"]))
    out["delta_epr"] = out["var_J"] / (np.abs(out["Jz_1"]) + np.abs(out["Jz_2"]))
    return out


def min_pt_eigenvalue(rho, dims):
    """Lowest eigenvalue of the partial transpose on the second subsystem."""
    try:
        from ...quantum.measures import min_pt_eigenvalue as core
    except ImportError:  # pragma: no cover
        core = None
    if core is not None:
        return core(rho, dims, 1)
    da, db = dims
    t = np.swapaxes(rho.reshape(rho.shape[:-2] + (da, db, da, db)), -3, -1).reshape(rho.shape)
    return np.linalg.eigvalsh(0.5 * (t + np.conj(np.swapaxes(t, -1, -2))))[..., 0]


# ---------------------------------------------------------------------------------------------
# continuation of a linear difference equation: block Krylov projection of (1 + L)^n
# ---------------------------------------------------------------------------------------------
def _binary_powers_apply(M, Y0, offsets):
    """M^d Y0 for the sorted non-negative integer offsets d (binary powers of the small M)."""
    if len(offsets) == 0:
        return np.empty((0,) + Y0.shape)
    return evolve_powers(M, Y0, offsets)


def krylov_map_powers(apply, X0, steps, functionals, *, tol=1e-9, m_max=150, max_restarts=10**6):
    """Functionals of x_d = (1 + L)^d x_0 at the integer offsets ``steps`` (sorted, >= 0).

    The exact difference equation is projected on the block Krylov space
    span{X0, L X0, ..., L^(m-1) X0} (orthonormal rows V, classical Gram-Schmidt with DGKS
    re-orthogonalisation) with H = V L V^T, and x_d ~ V^T (1 + H)^d V x_0 with (1 + H)^d by
    binary powers: the map itself is
    continued (no flow approximation); for d < m the projection reproduces the map exactly.
    The dimension grows (geometrically spaced checks) until the predicted functionals change by
    less than ``tol`` times their scale between two checks; if ``m_max`` blocks do not suffice, the
    converged prefix of ``steps`` (at least m_max - 1 cycles, exact) is accepted and the
    projection restarted from the state there.

    apply: (S, n) -> (S, n), rows mapped by L. X0: (S, n). functionals: (F, n).
    Returns values (len(steps), S, F) and an info dict (dims, restarts, err).
    """
    X = np.array(X0, dtype=float, copy=True)
    S, n = X.shape
    steps = np.asarray(steps, dtype=np.int64)
    Fn = np.asarray(functionals, dtype=float)
    values = np.full((len(steps), S, len(Fn)), np.nan)
    scale = np.maximum(np.abs(X @ Fn.T).max(axis=0), 1e-300)  # (F,)
    info = {"dims": [], "restarts": 0, "err": 0.0}
    start, todo = 0, 0  # offset of X, first step index not yet done
    m_max = max(int(m_max), 2)
    V = np.empty((S * m_max, n))
    while todo < len(steps):
        if info["restarts"] > max_restarts:
            break
        offs = steps[todo:] - start
        Q, R0 = np.linalg.qr(X.T)
        V[:S] = Q.T
        H = np.zeros((S * m_max, S * m_max))
        FV = np.zeros((len(Fn), S * m_max))
        FV[:, :S] = Fn @ V[:S].T
        k, prev, next_check, accepted = S, None, 8, None
        while True:
            j0 = k - S
            W = apply(V[j0:k])
            w_norm = np.linalg.norm(W)
            for _ in range(2):  # classical Gram-Schmidt, second pass only if needed (DGKS)
                C = W @ V[:k].T
                H[:k, j0:k] += C.T
                W -= C @ V[:k]
                if np.linalg.norm(W) > 0.5 * w_norm:
                    break
                w_norm = np.linalg.norm(W)
            blocks = k // S
            invariant = np.linalg.norm(W) <= 1e-12 * max(w_norm, 1e-300)
            invariant = invariant or k >= n  # the whole space is spanned
            if blocks >= next_check or blocks >= m_max or invariant:
                Y0 = np.zeros((k, S))
                Y0[:S] = R0
                Y = _binary_powers_apply(np.eye(k) + H[:k, :k], Y0, offs)  # (T, k, S)
                pred = np.einsum("fk,tks->tsf", FV[:, :k], Y)
                if invariant:
                    accepted, err = len(offs), 0.0
                elif prev is not None:
                    dev = np.abs(pred - prev).max(axis=1) / scale  # (T, F)
                    ok = dev.max(axis=1) <= tol
                    accepted = len(offs) if ok.all() else int(np.argmin(ok))
                    err = float(dev[:accepted].max()) if accepted else np.inf
                prev = pred
                next_check = max(blocks + 4, int(1.3 * blocks))
                if accepted == len(offs) or blocks >= m_max:
                    break
            if blocks >= m_max:
                break
            Qn, Rn = np.linalg.qr(W.T)
            V[k : k + S] = Qn.T
            H[k : k + S, j0:k] = Rn
            FV[:, k : k + S] = Fn @ V[k : k + S].T
            k += S
        info["dims"].append(k)
        accepted = accepted or 0
        if accepted:
            values[todo : todo + accepted] = pred[:accepted]
            info["err"] = max(info["err"], err)
        if todo + accepted >= len(steps):
            break
        # restart: from the last accepted step, or exactly m_max - 1 cycles on
        d_new = int(offs[accepted - 1]) if accepted else 0
        d_exact = blocks - 1
        if d_new < d_exact:
            Yr = _binary_powers_apply(np.eye(k) + H[:k, :k], Y0, np.array([d_exact]))[0]
            d_new = d_exact
            accepted = int(np.searchsorted(offs, d_exact, side="right"))
            values[todo : todo + accepted] = pred[:accepted]
        else:
            Yr = Y[accepted - 1]
        X = (V[:k].T @ Yr).T
        start += d_new
        todo += accepted
        info["restarts"] += 1
    return values, info


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
        self.moves = []  # (m_from, m_to, X block)
        K = sp.csr_matrix((len(charges), len(charges)))
        for X, dq in jumps:
            X = sp.csr_matrix(X)
            K = K + (X.T @ X)
            for m in self.levels:
                if m + dq in self.index:
                    blk = X[self.index[m + dq]][:, self.index[m]]
                    if blk.nnz:
                        self.moves.append((m, m + dq, sp.csr_matrix(blk)))
        self.K = {m: sp.csr_matrix(K[self.index[m]][:, self.index[m]]) for m in self.levels}
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

    def position(self, m, i, j) -> np.ndarray:
        """Row positions of the elements (i, j) of block m (either triangle)."""
        i, j = np.minimum(i, j), np.maximum(i, j)
        c = len(self.index[m])
        return self.offsets[m][0] + i * (2 * c - i + 1) // 2 + (j - i)

    def to_rows(self, rho: dict) -> np.ndarray:
        """Symmetric blocks (S, C_m, C_m) -> packed rows (S, n)."""
        return np.concatenate(
            [
                rho[m].reshape(rho[m].shape[0], -1)[:, self.upper[m]] * self.weight[m]
                for m in self.levels
            ],
            axis=1,
        )

    def from_rows(self, X: np.ndarray) -> dict:
        """Packed rows (S, n) -> symmetric blocks (S, C_m, C_m)."""
        S = X.shape[0]
        return {
            m: (X[:, self.gather[m]] * self.unweight[m]).reshape(S, len(i), len(i))
            for m, i in self.index.items()
        }

    def apply_rows(self, X: np.ndarray) -> np.ndarray:
        """L on packed rows (S, n) (for the Krylov continuation)."""
        return self.to_rows(self.apply(self.from_rows(X)))

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

    def apply(self, rho: dict) -> dict:
        """L on symmetric blocks: -(K R + R K)/2 + sum X R X^T, with R K = (K R)^T and
        X R X^T = X (X R)^T (R symmetric)."""
        out = {}
        for m, R in rho.items():
            out[m] = np.empty_like(R)
            for s, Rs in enumerate(R):
                KR = self.K[m] @ Rs
                out[m][s] = -0.5 * (KR + KR.T)
        for m_from, m_to, X in self.moves:
            for s, Rs in enumerate(rho[m_from]):
                out[m_to][s] += X @ (X @ Rs).T
        return out


def full_space_me(g1, g2, mu, nu, k, initial_states, cycles, n_switch=None, tol=1e-7, m_max=120):
    """Iterate Eq. (3) from z-product states; observables at the requested cycles.

    Exact difference equation up to ``n_switch`` (default: all cycles), then the block Krylov
    projection of the same map, all initial states in one block (:func:`krylov_map_powers`).

    Returns a dict of arrays with shape (len(cycles), S, ...).
    """
    g1, g2 = np.asarray(g1, float), np.asarray(g2, float)
    n1, n2 = len(g1), len(g2)
    n = n1 + n2
    raising, lowering = jump_vectors(g1, g2, mu, nu, k)
    jumps = [(collective(SP, u, n), +1) for u in raising] + [
        (collective(SM, v, n), -1) for v in lowering
    ]
    charges = n_up(n)
    me = BlockME(charges, jumps)
    # initial states
    S = len(initial_states)
    rho = {m: np.zeros((S, len(i), len(i))) for m, i in me.index.items()}
    for s, label in enumerate(initial_states):
        pos = product_state_index(initial_pattern(label, n1, n2))
        m = charges[pos]
        j = int(np.nonzero(me.index[m] == pos)[0][0])
        rho[m][s, j, j] = 1.0
    # observables: per-site sigma^z (diagonal) and the charge-conserving parts of (A^x)^2
    zsite = site_sz(n)
    zvals = {m: zsite[i] for m, i in me.index.items()}
    ops = {}
    for name, c in (("A", np.concatenate([g1, g2])), ("J", np.ones(n))):
        Ap, Am = collective(SP, c, n), collective(SM, c, n)
        # var(A^x) = <(A^+ A^- + A^- A^+)>/4 when <A^x> = <A^+A^+> = 0 (q = 0 sector)
        O = sp.csr_matrix((Ap @ Am + Am @ Ap) / 4.0)
        ops[name] = {m: sp.coo_matrix(O[i][:, i]) for m, i in me.index.items()}
    cycles = np.asarray(cycles, dtype=np.int64)
    n_max = int(cycles[-1])
    n_switch = n_max if n_switch is None else min(int(n_switch), n_max)
    F = np.vstack(
        [
            me.diag_functional(zvals),
            me.op_functional(ops["A"])[None],
            me.op_functional(ops["J"])[None],
            me.diag_functional({m: np.ones((len(i), 1)) for m, i in me.index.items()}),
        ]
    )
    from .eom import linear_dynamics

    vals, info = linear_dynamics(
        me.apply_rows, me.to_rows(rho), F, cycles, n_switch, tol=tol, m_max=m_max
    )
    sz = vals[..., :n]
    var = {"A": vals[..., n], "J": vals[..., n + 1]}
    status = 0 if np.all(np.isfinite(vals)) else 1
    return {
        "sz": sz,
        "var_A": var["A"],
        "var_J": var["J"],
        "trace": vals[..., n + 2],
        "ode_status": status,
        "krylov_err": info["err"],
        "krylov_dims": info["dims"],
    }


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
    out["delta"] = out["var_A"] / (np.abs(out["Az2_1"]) + np.abs(out["Az2_2"]))
    out["delta_epr"] = out["var_J"] / (np.abs(out["Jz_1"]) + np.abs(out["Jz_2"]))
    return out


# ---------------------------------------------------------------------------------------------
# couplings of the figures
# ---------------------------------------------------------------------------------------------
def spread_couplings(n: int, rel_std: float, reverse: bool = False) -> np.ndarray:
    """n distinct couplings 1 + rel_std * z_i, z evenly spaced with zero mean and unit (population)
    standard deviation, normalised to sum g^2 = 1: relative standard deviation exactly rel_std."""
    z = np.linspace(-1.0, 1.0, n)
    z = (z - z.mean()) / z.std()
    g = 1.0 + rel_std * z
    if np.any(g <= 0):
        raise ParameterError("rel_std", f"{rel_std} gives non-positive couplings for n = {n}")
    return normalise(g[::-1] if reverse else g)


# ---------------------------------------------------------------------------------------------
# figure solvers
# ---------------------------------------------------------------------------------------------
def _check_exact(*, g1, g2, mu, nu, k, cycles, **_):
    for name, g in (("g1", g1), ("g2", g2)):
        g = np.asarray(g, float)
        if g.ndim != 1 or np.any(g <= 0) or len(g) > 4:
            raise ParameterError(name, "list of 1 to 4 positive couplings")
    if k < 1 or int(k) != k:
        raise ParameterError("k", "integer >= 1")
    if not 0 < nu < 1 or mu <= 0:
        raise ParameterError("nu", "mu > 0 and 0 < nu/mu < 1")
    if np.any(np.diff(np.asarray(cycles)) < 0) or np.asarray(cycles)[0] < 0:
        raise ParameterError("cycles", "non-decreasing, >= 0")


@contract.solver
@validates(_check_exact)
def exact_dynamics(*, inhomogeneous, g1, g2, mu, nu, k, cycles) -> xr.Dataset:
    """Fig. 3: exact cycle map (Eq. 2) from |Psi_FP>: Delta, Delta_EPR and lambda_min(rho^T2).

    ``inhomogeneous`` (grid, 0/1): 0 uses homogeneous couplings g = 1/sqrt(N_j), 1 the given
    ``g1``, ``g2`` (normalised here). ``mu`` is g tau in units of 1/sqrt(N1); ``nu`` is nu/mu.
    """
    cycles = np.unique(np.round(np.asarray(cycles, float)).astype(np.int64))
    out = {key: [] for key in ("delta", "delta_epr", "lambda_min", "Jz_1", "Jz_2", "trace")}
    used_labels = []
    labels = ["hom.", "inhom."]
    for c in np.asarray(inhomogeneous, int):
        G1, G2 = normalise(g1), normalise(g2)
        if c == 0:
            G1, G2 = normalise(np.ones(len(g1))), normalise(np.ones(len(g2)))
        n1, n2 = len(G1), len(G2)
        mu_abs = mu / np.sqrt(n1)
        M, idx = cycle_map_sector(G1, G2, mu_abs, nu * mu_abs, int(k))
        d = 2 ** (n1 + n2)
        rho0 = np.zeros((d, d))
        p = product_state_index("u" * n1 + "d" * n2)
        rho0[p, p] = 1.0
        xs = evolve_powers(M, rho0.reshape(-1)[idx].astype(complex), cycles)
        rhos = np.zeros((len(cycles), d * d), complex)
        rhos[:, idx] = xs
        rhos = rhos.reshape(-1, d, d)
        obs = observables_full(rhos, G1, G2)
        out["delta"].append(obs["delta"])
        out["delta_epr"].append(obs["delta_epr"])
        out["Jz_1"].append(obs["Jz_1"] / (n1 / 2))
        out["Jz_2"].append(obs["Jz_2"] / (n2 / 2))
        out["lambda_min"].append(min_pt_eigenvalue(rhos, (2**n1, 2**n2)))
        out["trace"].append(np.real(np.trace(rhos, axis1=1, axis2=2)))
        used_labels.append(labels[c])
    attrs = {
        "delta": ("Delta, Eq. (6)", "1"),
        "delta_epr": ("Delta_EPR, Eq. (5)", "1"),
        "lambda_min": ("lowest eigenvalue of the partial transpose rho^T2", "1"),
        "Jz_1": ("polarization <J^z_1>/(N1 I)", "1"),
        "Jz_2": ("polarization <J^z_2>/(N2 I)", "1"),
        "trace": ("trace of rho (numerical check)", "1"),
    }
    ds = xr.Dataset(
        {
            key: (("point", "n"), np.array(v), {"long_name": attrs[key][0], "units": attrs[key][1]})
            for key, v in out.items()
        },
        coords={
            "n": ("n", cycles, {"long_name": "number of cycles", "units": "cycles"}),
            "label": (
                "point",
                np.array(used_labels, dtype=str),
                {"long_name": "coupling set", "units": "1"},
            ),
        },
    )
    return ds
