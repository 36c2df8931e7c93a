"""Dicke-sector algebra of homogeneous ensembles (Bello et al. 2022): exact cycle map and ME.

Homogeneous couplings g_ij = 1/sqrt(2 I N_j) make the collective operator A_j = J_j / c_j with
c_j = sqrt(2 I N_j), so the total angular momenta J_1, J_2 are conserved and every (J1, J2)
sector evolves on its own in the Dicke basis |J1, m1> |J2, m2>.

Conventions
-----------
* Single-ensemble index ``a = J - m`` (0 = fully up), product index ``i = a1 * d2 + a2``.
* Every map commutes with rotations about z, so the density-matrix elements with equal total
  M = m1 + m2 on ket and bra ("q = 0 sector") form an invariant subspace holding the steady
  state (and every state reached from a q = 0 initial state such as |Psi_FP>). :class:`Sector`
  enumerates it as (s, a1, b1) with s = a1 + a2 = b1 + b2.
* Superoperators are scipy.sparse matrices acting on the sector vector ``x[idx] = rho[ket, bra]``.
* Each step of the protocol (:class:`protocol.Protocol`) is exp(-i theta_2 A_2.S) E_p
  exp(-i theta_1 A_1.S) on nuclei x electron, followed by the trace over the electron (Eq. 2,
  QD1 first). A.S couples |m, up> only with |m+1, down>: exact 2x2 rotations.
* The second-order master equation (A17) is a generator L with Delta rho = L rho per cycle;
  Eq. (3) is its ideal case p = 0, mu1 = mu2, nu1 = nu2.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .protocol import DOWN, UP, Protocol


# ---------------------------------------------------------------------------------------------
# Dicke operators (single ensemble, index a = J - m)
# ---------------------------------------------------------------------------------------------
def _dim(J: float) -> int:
    d = 2.0 * J + 1.0
    if abs(d - round(d)) > 1e-9 or d < 1:
        raise ValueError(f"J = {J} is not a non-negative (half-)integer")
    return int(round(d))


def m_values(J: float) -> np.ndarray:
    """m = J - a for a = 0 .. 2J."""
    return J - np.arange(_dim(J))


def jz(J: float) -> sp.csc_matrix:
    return sp.diags(m_values(J)).tocsc()


def jplus(J: float) -> sp.csc_matrix:
    """J+ |J, m> = sqrt(J(J+1) - m(m+1)) |J, m+1>, i.e. index a -> a - 1."""
    m = m_values(J)
    d = m.size
    amp = np.sqrt(np.clip(J * (J + 1) - m[1:] * (m[1:] + 1), 0, None))  # from a = 1 .. d-1
    return sp.csc_matrix((amp, (np.arange(d - 1), np.arange(1, d))), shape=(d, d))


def jminus(J: float) -> sp.csc_matrix:
    return jplus(J).T.conj().tocsc()


def on1(op, d2: int) -> sp.csc_matrix:
    """op x 1 on the product space (index a1 * d2 + a2); sp.kron's work without its overhead."""
    op = sp.coo_matrix(op)
    k = np.arange(d2)
    rows, cols = (op.row[:, None] * d2 + k).ravel(), (op.col[:, None] * d2 + k).ravel()
    shape = (op.shape[0] * d2, op.shape[1] * d2)
    return sp.csc_matrix((np.repeat(op.data, d2), (rows, cols)), shape=shape)


def on2(op, d1: int) -> sp.csc_matrix:
    """1 x op on the product space (index a1 * d2 + a2)."""
    op = sp.coo_matrix(op)
    k = np.arange(d1)[:, None]
    rows, cols = (k * op.shape[0] + op.row).ravel(), (k * op.shape[1] + op.col).ravel()
    shape = (d1 * op.shape[0], d1 * op.shape[1])
    return sp.csc_matrix((np.tile(op.data, d1), (rows, cols)), shape=shape)


# ---------------------------------------------------------------------------------------------
# the q = 0 sector of one (J1, J2) block
# ---------------------------------------------------------------------------------------------
def sector_size(J1, J2) -> np.ndarray:
    """Number of elements of the q = 0 sector of (J1, J2), sum_s n_s^2 (broadcasts)."""
    d1, d2 = np.broadcast_arrays(
        np.rint(2 * np.asarray(J1, float)) + 1, np.rint(2 * np.asarray(J2, float)) + 1
    )
    out = np.zeros(d1.shape)
    for idx in np.ndindex(d1.shape):
        s = np.arange(d1[idx] + d2[idx] - 1)
        n = np.minimum(s, d1[idx] - 1) - np.maximum(0, s - (d2[idx] - 1)) + 1
        out[idx] = np.sum(n**2)
    return out


class Sector:
    """Density-matrix elements rho[(a1, a2), (b1, b2)] with a1 + a2 = b1 + b2 of a (J1, J2) block.

    Elements are ordered by s = a1 + a2, then a1, then b1. ``ket`` and ``bra`` hold their
    product-basis indices ``a1 * d2 + a2``.
    """

    def __init__(self, J1: float, J2: float):
        self.J1, self.J2 = float(J1), float(J2)
        self.d1, self.d2 = _dim(J1), _dim(J2)
        self.D = self.d1 * self.d2
        s = np.arange(self.d1 + self.d2 - 1)
        self.lo = np.maximum(0, s - (self.d2 - 1))
        hi = np.minimum(s, self.d1 - 1)
        self.n = hi - self.lo + 1
        self.off = np.concatenate([[0], np.cumsum(self.n**2)[:-1]])
        self.size = int(np.sum(self.n**2))
        s_e = np.repeat(s, self.n**2)
        local = np.arange(self.size) - self.off[s_e]
        a1 = self.lo[s_e] + local // self.n[s_e]
        b1 = self.lo[s_e] + local % self.n[s_e]
        self.ket = a1 * self.d2 + (s_e - a1)
        self.bra = b1 * self.d2 + (s_e - b1)

    def locate(self, ket: np.ndarray, bra: np.ndarray) -> np.ndarray:
        """Sector index of the elements (ket, bra); -1 where they are not in the sector."""
        a1, a2 = np.divmod(ket, self.d2)
        b1, b2 = np.divmod(bra, self.d2)
        s = a1 + a2
        ok = s == b1 + b2
        s = np.where(ok, s, 0)
        idx = self.off[s] + (a1 - self.lo[s]) * self.n[s] + (b1 - self.lo[s])
        return np.where(ok, idx, -1)

    @cached_property
    def diagonal(self) -> np.ndarray:
        """Indices of the populations rho[i, i]."""
        return np.flatnonzero(self.ket == self.bra)

    @cached_property
    def m1(self) -> np.ndarray:
        """m1 of every product state i (length D)."""
        return np.repeat(m_values(self.J1), self.d2)

    @cached_property
    def m2(self) -> np.ndarray:
        return np.tile(m_values(self.J2), self.d1)

    def trace_row(self, nrows: int = 1) -> sp.csr_matrix:
        """The functional x -> tr(rho) as row 0 of an (nrows, size) sparse matrix."""
        d = self.diagonal
        return sp.csr_matrix(
            (np.ones(d.size), (np.zeros(d.size, int), d)), shape=(nrows, self.size)
        )

    def to_dense(self, x: np.ndarray) -> np.ndarray:
        """Full D x D density matrix of a sector vector (small sectors only)."""
        rho = np.zeros((self.D, self.D), dtype=complex)
        rho[self.ket, self.bra] = x
        return rho

    def from_dense(self, rho: np.ndarray) -> np.ndarray:
        return np.asarray(rho)[self.ket, self.bra].astype(complex)

    def pure(self, psi: np.ndarray) -> np.ndarray:
        """Sector vector of |psi><psi| (psi must have a definite total M)."""
        psi = np.asarray(psi, complex)
        return psi[self.ket] * np.conj(psi[self.bra])

    def product_state(self, a1: int, a2: int) -> np.ndarray:
        """|J1, J1 - a1> |J2, J2 - a2> as a sector vector."""
        psi = np.zeros(self.D, complex)
        psi[a1 * self.d2 + a2] = 1.0
        return self.pure(psi)

    def fully_polarized(self) -> np.ndarray:
        """|Psi_FP> = |J1, J1>|J2, -J2> (ensemble 1 up, ensemble 2 down)."""
        return self.product_state(0, self.d2 - 1)

    def maximally_mixed(self) -> np.ndarray:
        x = np.zeros(self.size, complex)
        x[self.diagonal] = 1.0 / self.D
        return x


def _columns(op: sp.spmatrix) -> tuple[np.ndarray, np.ndarray]:
    """Padded column structure of a sparse operator: rows (D, c) and values (D, c)."""
    op = sp.csc_matrix(op)
    op.sum_duplicates()
    counts = np.diff(op.indptr)
    c = max(int(counts.max(initial=0)), 1)
    D = op.shape[1]
    rows = np.zeros((D, c), dtype=np.int64)
    vals = np.zeros((D, c), dtype=complex)
    col = np.repeat(np.arange(D), counts)
    pos = np.arange(op.nnz) - op.indptr[col]
    rows[col, pos] = op.indices
    vals[col, pos] = op.data
    return rows, vals


def _superop_triplets(sector: Sector, X, Y=None):
    """(target, source, coefficient) of the nonzeros of rho -> X rho Y^dagger on the sector."""
    rx, vx = _columns(X)
    ry, vy = (rx, vx) if Y is None else _columns(Y)
    rows_k, vals_k = rx[sector.ket], vx[sector.ket]  # (n, cX)
    rows_b, vals_b = ry[sector.bra], vy[sector.bra]  # (n, cY)
    coef = vals_k[:, :, None] * np.conj(vals_b)[:, None, :]
    target_ket = np.broadcast_to(rows_k[:, :, None], coef.shape)
    target_bra = np.broadcast_to(rows_b[:, None, :], coef.shape)
    source = np.broadcast_to(np.arange(sector.size)[:, None, None], coef.shape)
    keep = coef != 0
    coef, tk, tb, src = coef[keep], target_ket[keep], target_bra[keep], source[keep]
    target = sector.locate(tk, tb)
    if np.any(target < 0):
        raise ValueError("operator pair does not preserve the q = 0 sector (no definite Delta M)")
    return target, src, coef


def superop_sum(sector: Sector, terms) -> sp.csc_matrix:
    """Sparse superoperator of rho -> sum_t w_t X_t rho Y_t^dagger, terms (w_t, X_t, Y_t).

    X_t and Y_t must each change the total M by the same definite amount (true of every Kraus
    and jump operator here), so the image of the sector is the sector. One sparse assembly
    for all terms (duplicates summed).
    """
    parts = [(w, *_superop_triplets(sector, X, Y)) for w, X, Y in terms]
    target = np.concatenate([t for _, t, _, _ in parts])
    source = np.concatenate([s for _, _, s, _ in parts])
    coef = np.concatenate([w * c for w, _, _, c in parts])
    return sp.csc_matrix((coef, (target, source)), shape=(sector.size, sector.size))


def superop(sector: Sector, X, Y=None) -> sp.csc_matrix:
    """Sparse superoperator of rho -> X rho Y^dagger on the sector (Y = X if omitted)."""
    return superop_sum(sector, [(1.0, X, X if Y is None else Y)])


def left(sector: Sector, Y) -> sp.csc_matrix:
    """rho -> Y rho."""
    return superop(sector, Y, sp.identity(sector.D, format="csc"))


def right(sector: Sector, Y) -> sp.csc_matrix:
    """rho -> rho Y."""
    return superop(sector, sp.identity(sector.D, format="csc"), sp.csc_matrix(Y).conj().T)


def dissipator(sector: Sector, X) -> sp.csc_matrix:
    """D(X) rho = X rho X^dagger - {X^dagger X, rho}/2."""
    X = sp.csc_matrix(X)
    XdX = (X.conj().T @ X).tocsc()
    return superop(sector, X) - 0.5 * left(sector, XdX) - 0.5 * right(sector, XdX)


# ---------------------------------------------------------------------------------------------
# exact electron step: 2x2 rotations
# ---------------------------------------------------------------------------------------------
def electron_blocks(J: float, theta: float, c: float) -> dict[tuple[int, int], sp.csc_matrix]:
    """Nuclear operators <s'| exp(-i theta A.S) |s> of one ensemble, A = J/c, S the electron.

    A.S = (Jz Sz + (J+ S- + J- S+)/2)/c couples |m, up> with |m+1, down> (m < J):
    H = [[m/2, b], [b, -(m+1)/2]]/c with b = sqrt(J(J+1) - m(m+1))/2; |J, up> and |-J, down>
    are eigenstates with eigenvalue J/(2c). Returned as {(s_out, s_in): d x d operator}.
    """
    d = _dim(J)
    m = m_values(J)  # m[a] = J - a
    mm = m[1:]  # pair index: m < J, i.e. a = 1..d-1; partner m + 1 has a - 1
    h0 = -0.25 / c * np.ones_like(mm)
    hz = (2 * mm + 1) / (4 * c)
    hx = 0.5 * np.sqrt(np.clip(J * (J + 1) - mm * (mm + 1), 0, None)) / c
    w = np.hypot(hz, hx)
    phase = np.exp(-1j * theta * h0)
    cos, sin = np.cos(theta * w), np.sin(theta * w)
    with np.errstate(invalid="ignore", divide="ignore"):
        nz, nx = np.where(w > 0, hz / w, 1.0), np.where(w > 0, hx / w, 0.0)
    u_uu = phase * (cos - 1j * sin * nz)  # <m, up| U |m, up>
    u_dd = phase * (cos + 1j * sin * nz)  # <m+1, down| U |m+1, down>
    u_du = phase * (-1j * sin * nx)  # <m+1, down| U |m, up> = <m, up| U |m+1, down>
    edge = np.exp(-1j * theta * J / (2 * c))
    a = np.arange(d)
    up_up = np.concatenate([[edge], u_uu])  # diagonal over a (a = 0 is m = J: edge)
    down_down = np.concatenate([u_dd, [edge]])  # diagonal over a (a = d-1 is m = -J: edge)
    blocks = {
        (UP, UP): sp.csc_matrix((up_up, (a, a)), shape=(d, d)),
        (DOWN, DOWN): sp.csc_matrix((down_down, (a, a)), shape=(d, d)),
        # electron up -> down raises m: index a -> a - 1
        (DOWN, UP): sp.csc_matrix((u_du, (a[:-1], a[1:])), shape=(d, d)),
        # electron down -> up lowers m: index a - 1 -> a
        (UP, DOWN): sp.csc_matrix((u_du, (a[1:], a[:-1])), shape=(d, d)),
    }
    return blocks


def step_kraus(J1, J2, c1, c2, spin_in, theta1, theta2, p=0.0) -> list[sp.csc_matrix]:
    """Kraus operators on the nuclei of one electron step (QD1, transport channel E_p, QD2)."""
    d1, d2 = _dim(J1), _dim(J2)
    u1 = {key: on1(op, d2) for key, op in electron_blocks(J1, theta1, c1).items()}
    u2 = {key: on2(op, d1) for key, op in electron_blocks(J2, theta2, c2).items()}
    sign = {UP: 1.0, DOWN: -1.0}
    ops = []
    branches = [(np.sqrt(1.0 - p), False)] + ([(np.sqrt(p), True)] if p > 0 else [])
    for weight, flip in branches:
        for s_out in (UP, DOWN):
            K = sum(
                (sign[mid] if flip else 1.0) * (u2[(s_out, mid)] @ u1[(mid, spin_in)])
                for mid in (UP, DOWN)
            )
            K = weight * sp.csc_matrix(K)
            K.eliminate_zeros()
            if K.nnz:
                ops.append(K)
    return ops


def step_superop(sector: Sector, c1, c2, spin_in, theta1, theta2, p=0.0) -> sp.csc_matrix:
    kraus = step_kraus(sector.J1, sector.J2, c1, c2, spin_in, theta1, theta2, p)
    return sum(superop(sector, K) for K in kraus).tocsc()


def _power(S: sp.csc_matrix, k: int) -> sp.csc_matrix:
    out, base = None, S
    while k:
        if k & 1:
            out = base if out is None else (base @ out).tocsc()
        k >>= 1
        if k:
            base = (base @ base).tocsc()
    return out


def cycle_factors(sector: Sector, protocol: Protocol, c1: float, c2: float):
    """The superoperators of one cycle in order of application (local steps already powered)."""
    factors = []
    for spin_in, t1, t2, p, reps in protocol.steps():
        S = step_superop(sector, c1, c2, spin_in, t1, t2, p)
        factors.append(_power(S, reps) if reps > 1 else S)
    return factors


def cycle_superop(sector: Sector, protocol: Protocol, c1: float, c2: float) -> sp.csc_matrix:
    """Exact one-cycle map T (Eq. 2 with Table A1): rho_{n+1} = T rho_n on the sector."""
    T = None
    for S in cycle_factors(sector, protocol, c1, c2):
        T = S if T is None else (S @ T)
    return T.tocsc()


# ---------------------------------------------------------------------------------------------
# second-order master equation (A17)
# ---------------------------------------------------------------------------------------------
def collective_ops(sector: Sector, c1: float, c2: float) -> dict[str, sp.csc_matrix]:
    """A_j^{+,-} = J_j^{+,-}/c_j on the product space."""
    J1, J2, d1, d2 = sector.J1, sector.J2, sector.d1, sector.d2
    return {
        "A1+": on1(jplus(J1), d2) / c1,
        "A1-": on1(jminus(J1), d2) / c1,
        "A2+": on2(jplus(J2), d1) / c2,
        "A2-": on2(jminus(J2), d1) / c2,
    }


def me_generator(sector: Sector, protocol: Protocol, c1: float, c2: float, ops=None):
    """Generator L of the second-order master equation (A17), Delta rho = L rho per cycle."""
    A = ops if ops is not None else collective_ops(sector, c1, c2)
    mu1, mu2, nu1, nu2, p, k = (
        protocol.mu1,
        protocol.mu2,
        protocol.nu1,
        protocol.nu2,
        protocol.p,
        protocol.k,
    )
    terms = [
        ((1 - 2 * p) / 4, nu1 * A["A1-"] + mu2 * A["A2-"]),
        ((1 - 2 * p) / 4, mu1 * A["A1+"] + nu2 * A["A2+"]),
        ((mu1 - nu1) ** 2 / (4 * k) + nu1**2 * p / 2, A["A1-"]),
        ((mu2 - nu2) ** 2 / (4 * k) + nu2**2 * p / 2, A["A2+"]),
        (mu2**2 * p / 2, A["A2-"]),
        (mu1**2 * p / 2, A["A1+"]),
    ]
    # sum_t rate_t D(X_t) + g [C, .] = sum_t rate_t X_t . X_t^dag + H . + . H^dag with
    # H = -K/2 + g C, K = sum_t rate_t X_t^dag X_t, C = B - B^dag, B = A2- A1+ (anti-Hermitian;
    # [A2- A1+, rho] + [rho, A1- A2+] = [C, rho]): one sparse assembly of all terms
    jumps = [(rate, sp.csc_matrix(X)) for rate, X in terms if rate != 0]
    H = sp.csc_matrix((sector.D, sector.D), dtype=complex)
    for rate, X in jumps:
        H = H - 0.5 * rate * (X.conj().T @ X)
    g = (mu2 * nu1 - mu1 * nu2) * (1 - 2 * p) / 8
    if g != 0:
        B = (A["A2-"] @ A["A1+"]).tocsc()
        H = H + g * (B - B.conj().T)
    identity = sp.identity(sector.D, format="csc")
    terms = [(rate, X, X) for rate, X in jumps] + [(1.0, H, identity), (1.0, identity, H)]
    return superop_sum(sector, terms)


# ---------------------------------------------------------------------------------------------
# sector geometry and the ensemble-swap symmetry
# ---------------------------------------------------------------------------------------------
def sector_coords(sector: Sector) -> np.ndarray:
    """Grid coordinates (s, a1, b1) of the sector elements: every ME term moves each by <= 1."""
    a1, a2 = np.divmod(sector.ket, sector.d2)
    b1, _ = np.divmod(sector.bra, sector.d2)
    return np.stack([a1 + a2, a1, b1], axis=1)


def swap_permutation(sector: Sector) -> np.ndarray | None:
    """Sector permutation of rho -> U rho U^dag, U = ensemble swap x pi rotation about x.

    |a1, a2> -> |d - 1 - a2, d - 1 - a1> (a = J - m; the rotation's phase is global). Defined
    for J1 = J2 only (None otherwise). Eq. (3) commutes with it: D(A1-) + D(A2+) and
    D(mu A1+ + nu A2+) + D(nu A1- + mu A2-) are mapped onto themselves.
    """
    if sector.d1 != sector.d2:
        return None
    d = sector.d1

    def flip(i):
        a1, a2 = np.divmod(i, d)
        return (d - 1 - a2) * d + (d - 1 - a1)

    return sector.locate(flip(sector.ket), flip(sector.bra))


# ---------------------------------------------------------------------------------------------
# moments and states of sector vectors
# ---------------------------------------------------------------------------------------------
def moments(sector: Sector, x: np.ndarray) -> dict[str, float]:
    """Expectation values needed for polarizations and Delta_EPR (linear in rho).

    Returns ``trace``, ``Jz_1`` = <Jz1>, ``Jz_2``, ``Jz_1_sq`` = <Jz1^2>, ``Jz_2_sq``,
    ``Jz_1_Jz_2`` = <Jz1 Jz2>, ``re_J1p_J2m`` = Re<J1+ J2-> and ``var_J`` =
    var(Jx1 + Jx2) + var(Jy1 + Jy2) = <J^2 - Jz^2> of the total J = J1 + J2 (the q = 0 sector
    has <J+> = 0); see :mod:`observables` for Delta_EPR.
    """
    d = sector.diagonal
    pop = np.real(x[d])
    m1, m2 = sector.m1[sector.ket[d]], sector.m2[sector.ket[d]]
    # <J1+ J2-> = sum rho[i, j] (J1+ J2-)[j, i]: j has a1 - 1, a2 + 1 relative to i
    a1, a2 = np.divmod(sector.ket, sector.d2)
    b1, b2 = np.divmod(sector.bra, sector.d2)
    sel = (b1 == a1 - 1) & (b2 == a2 + 1)
    mi1, mi2 = sector.J1 - a1[sel], sector.J2 - a2[sel]
    amp = np.sqrt(np.clip(sector.J1 * (sector.J1 + 1) - mi1 * (mi1 + 1), 0, None)) * np.sqrt(
        np.clip(sector.J2 * (sector.J2 + 1) - mi2 * (mi2 - 1), 0, None)
    )
    j1p_j2m = np.sum(x[sel] * amp)
    out = {
        "trace": pop.sum(),
        "Jz_1": np.sum(m1 * pop),
        "Jz_2": np.sum(m2 * pop),
        "Jz_1_sq": np.sum(m1**2 * pop),
        "Jz_2_sq": np.sum(m2**2 * pop),
        "Jz_1_Jz_2": np.sum(m1 * m2 * pop),
        "re_J1p_J2m": float(np.real(j1p_j2m)),
    }
    J1, J2 = sector.J1, sector.J2
    out["var_J"] = (
        J1 * (J1 + 1) + J2 * (J2 + 1) - out["Jz_1_sq"] - out["Jz_2_sq"] + 2 * out["re_J1p_J2m"]
    )
    return {k: float(v) for k, v in out.items()}


def tms_state(J: float, nu_over_mu: float) -> np.ndarray:
    """Normalised two-mode squeezed state, Eq. (7), sum_n (-nu/mu)^n |J, J-n>|J, n-J>."""
    d = _dim(J)
    n = np.arange(d)
    amp = (-float(nu_over_mu)) ** n
    psi = np.zeros(d * d, complex)
    psi[n * d + (d - 1 - n)] = amp / np.linalg.norm(amp)
    return psi


def fidelity_pure(sector: Sector, x: np.ndarray, psi: np.ndarray) -> float:
    """<psi| rho |psi> for a sector vector and a product-space vector psi."""
    return float(np.real(np.sum(np.conj(psi[sector.ket]) * x * psi[sector.bra])))


# ---------------------------------------------------------------------------------------------
# distributions of the total angular momentum (Eqs. C17-C19)
# ---------------------------------------------------------------------------------------------
def dicke_multiplicity(n_nuclei: int, J, spin=0.5):
    """Number of copies D(J) of total angular momentum J among N spin-I (Eq. C18 for I=1/2)."""
    n = int(round(n_nuclei))
    levels = int(round(2 * spin)) + 1
    counts = np.array([1], dtype=object)  # exact integers (N up to thousands)
    for _ in range(n):
        counts = np.convolve(counts, np.ones(levels, dtype=object))
    # counts[i] = number of states with M = N I - i
    J = np.atleast_1d(np.asarray(J, float))
    top = n * spin
    out = np.zeros(J.shape)
    for idx, j in np.ndenumerate(J):
        i = int(round(top - j))
        if j < 0 or j > top + 1e-9 or abs((top - j) - i) > 1e-9:
            continue
        out[idx] = float(counts[i] - (counts[i - 1] if i >= 1 else 0))
    return out


def allowed_j(n_nuclei, spin=0.5):
    """Total angular momenta J = N I, N I - 1, ..., >= 0 of N spin-I nuclei."""
    top = n_nuclei * spin
    return top - np.arange(int(np.floor(top)) + 1)


def j_distribution(kind: str, j_values, n_nuclei, parameter, spin=0.5, width_sq=3.0):
    """p(J) over ``j_values``: 'uniform' = equal-weight mixture of J >= parameter (C17),
    'gaussian' = exp(-(J - parameter)^2/(2 w^2)) (C19); normalised on the allowed J."""
    j = np.asarray(j_values, float)
    if kind == "uniform":
        w = (2 * j + 1) * dicke_multiplicity(n_nuclei, j, spin) * (j >= parameter - 1e-9)
    elif kind == "gaussian":
        w = np.exp(-((j - parameter) ** 2) / (2 * width_sq))
    else:
        raise ValueError(kind)
    total = w.sum()
    return w / total if total > 0 else w * np.nan
