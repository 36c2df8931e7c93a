"""Covariance-matrix equations of motion of Bello et al. (2022), Eqs. (12)-(14), (D1)-(D22).

Derived here from the second-order master equation, Eq. (3), written as
Delta rho = sum_raising D(sum_a u_a s+_a) + sum_lowering D(sum_a v_a s-_a); the generator only
depends on P = sum u u^T and Q = sum v v^T (see :func:`inhomogeneous.rate_matrices`). With
gamma_cd = <s+_c s-_d>, n_c = gamma_cc, s_c = <sz_c> = 2 n_c - 1, lambda_cd = <sz_c sz_d> and
T(a, b, c) = <s+_a sz_b s-_c> (a, b, c distinct), W = (Q - P)/2, V = P - Q:

  Delta n_c        = (V gamma)_cc - 2 P_cc n_c + P_cc                                      (D8)
  Delta gamma_cd   = -(PQ_c + PQ_d)/2 gamma_cd + Q_cd (s_c + s_d + 2 lam_cd)/4
                     - P_cd (s_c + s_d - 2 lam_cd)/4 + M_cd + M_dc,              (D9, D20)
  M_cd             = sum_{a != c, d} W_ca T(a, c, d),           PQ_c = P_cc + Q_cc
  Delta <n_c n_d>  = K_cd + K_dc - (PQ_c + PQ_d) <n_c n_d> + P_cc n_d + P_dd n_c + 2 P_cd gamma_cd,
  K_cd             = 1/2 sum_{a != c, d} V_ca (gamma_ac + T(a, d, c)),           (D10, D21)

and lambda_cd = 4 <n_c n_d> - 2 n_c - 2 n_d + 1. For the ideal protocol these are Eqs. (D8)-(D10)
and (D20)-(D21) of the supplement (tested against the full master equation with exact T).

Closures T(a, b, c) ~ s_b gamma_ac + 2 sigma gamma_ab gamma_bc with sigma in {-1, 0, +1} chosen
by the scheme from the ensembles of (a, b, c): Hartree 0, Wick +1, Spin -1; 'hartree_cross'
(Spin/Wick within QD1/QD2, Hartree across), 'half_hartree', 'majority' and 'z_rules' (Eq. 14) as
in Sec. D.2. Without the zz equations lambda_cd = 2 T(c, d, c) - s_d with the same closure.

Shell algebra: all matrices are constant on blocks of nuclei with equal coupling ("shells",
weights w_alpha = number of nuclei) up to their diagonal. A matrix is stored as block values
b (S, S) (the value for two distinct nuclei) plus the diagonal correction d (S,), and
(b, d) @ (b', d') = (b w b' + d b' + b d', d d') exactly. With all w = 1 this is the full
covariance EoM; with degenerate shells it is the shell model (Sec. E). The same right-hand side
serves both.

Each cycle is the difference equation x_{n+1} = x_n + Delta x_n, iterated exactly up to
``n_switch``; later cycles (slow tails only) continue with dx/dn = Delta x
(:func:`.continuation.iterate`). mu, nu are absolute here (g tau; rates per cycle ~ mu^2).
"""

from __future__ import annotations

import numpy as np

from . import observables
from .couplings import jump_vectors

SCHEMES = (
    "spin_temperature",
    "boson",
    "hartree",
    "wick",
    "spin",
    "hartree_cross",
    "half_hartree",
    "majority",
    "z_rules",
)


def sign(scheme: str, first: int, mid: int, last: int) -> int:
    """sigma of the closure of <s+_first sz_mid s-_last> by ensembles (0 = QD1, 1 = QD2)."""
    same_outer = first == last
    if scheme == "hartree":
        return 0
    if scheme == "wick":
        return 1
    if scheme == "spin":
        return -1
    if scheme == "hartree_cross":
        return (-1 if first == 0 else 1) if (same_outer and mid == first) else 0
    if scheme == "half_hartree":
        return (-1 if first == 0 else 1) if same_outer else 0
    if scheme == "majority":
        return -1 if (first, mid, last).count(0) >= 2 else 1
    if scheme == "z_rules":
        return -1 if mid == 0 else 1
    raise ValueError(f"unknown closure scheme {scheme!r}")


class Shells:
    """Nuclei grouped in shells: weights w, ensemble label ens (0/1), coupling g per shell."""

    def __init__(self, g1, g2, tol: float = 1e-12, group: bool = True):
        self.g_sites = (np.asarray(g1, float), np.asarray(g2, float))
        gs, ws, es = [], [], []
        for e, g in enumerate(self.g_sites):
            if group:
                vals = []
                for value in g:
                    for v in vals:
                        if abs(v[0] - value) <= tol * max(1.0, abs(value)):
                            v[1] += 1
                            break
                    else:
                        vals.append([value, 1])
                vals.sort(key=lambda v: -v[0])
            else:
                vals = [[v, 1] for v in g]
            for value, count in vals:
                gs.append(value)
                ws.append(count)
                es.append(e)
        self.g = np.array(gs)
        self.w = np.array(ws, dtype=float)
        self.ens = np.array(es)
        self.S = len(gs)
        self.n = (len(g1), len(g2))

    def matrices(self, mu, nu, k):
        """Shell block values of P and Q (rank-one sums: no diagonal correction); mu, nu
        absolute."""
        g1 = self.g[self.ens == 0]
        g2 = self.g[self.ens == 1]
        raising, lowering = jump_vectors(g1, g2, mu, nu, k)
        P = sum(np.outer(u, u) for u in raising)
        Q = sum(np.outer(v, v) for v in lowering)
        return P, Q


def _sym(A):
    """Exactly symmetric part of A: (A + A^T)/2 (IEEE addition is commutative, so the result
    is symmetric to the last bit). gamma, lambda are symmetric by definition; without this the
    round-off asymmetry of the right-hand side feeds the unphysical antisymmetric mode of the
    unconstrained matrix iteration, which grows ~7e-4 per cycle for the Fig. D4 system."""
    return 0.5 * (A + A.T)


class CovarianceEoM:
    """Difference-equation right-hand sides for a closure scheme on shells (all w = 1: full EoM);
    mu, nu absolute (per cycle)."""

    def __init__(self, shells: Shells, mu, nu, k=1, scheme="z_rules", zz=True):
        if scheme not in SCHEMES:
            raise ValueError(f"unknown closure scheme {scheme!r}; one of {SCHEMES}")
        self.sh, self.scheme, self.zz = shells, scheme, zz
        P, Q = shells.matrices(mu, nu, k)
        self.P, self.Q = P, Q
        self.W = 0.5 * (Q - P)
        self.V = P - Q
        self.pd = np.diag(P).copy()
        self.pq = np.diag(P + Q).copy()
        self.wd = np.diag(self.W).copy()
        S, ens, w = shells.S, shells.ens, shells.w
        self.ind = [(ens == e).astype(float) for e in (0, 1)]
        if scheme not in ("spin_temperature", "boson"):
            sg = np.vectorize(lambda a, b, c: sign(scheme, a, b, c))
            E_r, E_c = np.meshgrid(ens, ens, indexing="ij")
            self.Sg = [sg(e, E_r, E_c).astype(float) for e in (0, 1)]
            self.X1 = sg(E_r, E_r, E_c).astype(float)  # sigma(j_c, j_c, j_d)
            self.X2 = sg(E_c, E_r, E_c).astype(float)  # sigma(j_d, j_c, j_d)
            self.WPe = [self.W * i[None, :] for i in self.ind]
            self.lam_sign = 0.5 * (self.X2 + self.X2.T)
        self.mask = np.ones((S, S))
        self.mask[np.diag_indices(S)] = (w > 1).astype(float)
        self.w = w
        # boson: dGamma = A Gamma + Gamma A^T + Src (paper's gamma convention, Eqs. D12, D13, D22)
        same = ens[:, None] == ens[None, :]
        sgn = np.where(ens == 0, -0.5, 0.5)
        self.A_bos = np.where(same, sgn[:, None] * self.V, 0.0)
        self.src_bos = np.where(same, P, -0.5 * (P + Q))

    def independent(self):
        """Indices of the independent elements of the symmetric (S, S) state matrices: the
        upper triangle, without the diagonal of single-nucleus shells (fixed at 0)."""
        i, j = np.triu_indices(self.sh.S)
        keep = (self.mask[i, j] > 0) | (self.scheme == "boson")
        return i[keep], j[keep]

    # -- shell algebra -------------------------------------------------------------------------
    def _mm_left(self, A, Gb, gd):
        """(A, 0) @ (Gb, gd) block values (A block-constant, e.g. W, V)."""
        return A @ (self.w[:, None] * Gb) + A * gd[None, :]

    # -- state ---------------------------------------------------------------------------------
    def initial(self, sz_shell):
        """Product z-state: per-shell <sz> in {-1, +1}; gamma offdiag 0, lambda = s s^T."""
        s = np.asarray(sz_shell, float)
        x = (1 + s) / 2
        S = self.sh.S
        if self.scheme == "boson":
            # Gamma diagonal: <a a^+> = 1 + <a^+a> (QD1), <b^+b> (QD2); vacuum = |up>_1 |down>_2
            nb = np.where(self.sh.ens == 0, (1 - s) / 2, (1 + s) / 2)
            Gd = np.where(self.sh.ens == 0, 1 + nb, nb)
            return {"Gb": np.zeros((S, S)), "Gd": Gd}
        if self.scheme == "spin_temperature":
            return {"x": x}
        return {"x": x, "Gb": np.zeros((S, S)), "Lb": np.outer(s, s) * self.mask}

    def rhs(self, st):
        if self.scheme == "spin_temperature":
            return {"x": -self.pq * st["x"] + self.pd}
        if self.scheme == "boson":
            Gb, Gd = st["Gb"], st["Gd"]
            AG = self._mm_left(self.A_bos, Gb, Gd)
            return {"Gb": _sym(AG + AG.T + self.src_bos), "Gd": np.zeros_like(Gd)}
        x, Gb = st["x"], st["Gb"]
        s = 2 * x - 1
        gd = x - Gb.diagonal()
        W, V, P, Q = self.W, self.V, self.P, self.Q
        WG = self._mm_left(W, Gb, gd)
        WPG = [self._mm_left(Wp, Gb, gd) for Wp in self.WPe]  # (W P_e, 0) @ (Gb, gd)
        v = [m.diagonal() for m in WPG]
        sv = self.Sg[0] * v[0][:, None] + self.Sg[1] * v[1][:, None]
        M1 = s[:, None] * (WG - self.wd[:, None] * Gb - W * x[None, :]) + 2 * Gb * (
            sv - self.X1 * (self.wd * x)[:, None] - self.X2 * W * Gb
        )
        ss = s[:, None] + s[None, :]
        if self.zz:
            Lb = st["Lb"]
        else:
            Lb = np.outer(s, s) + 4 * self.lam_sign * Gb**2
        dG = (
            -0.5 * (self.pq[:, None] + self.pq[None, :]) * Gb
            + 0.25 * Q * (ss + 2 * Lb)
            - 0.25 * P * (ss - 2 * Lb)
            + M1
            + M1.T
        )
        VGd = -2 * WG.diagonal()
        dx = VGd - 2 * self.pd * x + self.pd
        out = {"x": dx, "Gb": _sym(dG) * self.mask}
        if self.zz:
            vd = -2 * self.wd
            R = (VGd - vd * x)[:, None] - V * Gb
            VPG = [-2 * m for m in WPG]
            K = x[None, :] * R + Gb * (
                self.Sg[0].T * VPG[0]
                + self.Sg[1].T * VPG[1]
                - self.X2.T * vd[:, None] * Gb
                - self.X1.T * V * x[None, :]
            )
            Nm = (Lb + 2 * x[:, None] + 2 * x[None, :] - 1) / 4
            dN = (
                K
                + K.T
                - (self.pq[:, None] + self.pq[None, :]) * Nm
                + self.pd[:, None] * x[None, :]
                + self.pd[None, :] * x[:, None]
                + 2 * P * Gb
            )
            out["Lb"] = _sym(4 * dN - 2 * dx[:, None] - 2 * dx[None, :]) * self.mask
        elif "Lb" in st:
            out["Lb"] = np.zeros_like(st["Lb"])  # not evolved: closure used instead
        return out

    # -- observables ---------------------------------------------------------------------------
    def observables(self, st):
        """Polarizations, generalized polarizations, variances, Delta and Delta_EPR."""
        sh = self.sh
        w, g, ens = self.w, sh.g, sh.ens
        if self.scheme == "boson":
            Gb, Gd = st["Gb"], st["Gd"]
            diag = np.diag(Gb) + Gd
            s = np.where(ens == 0, 3 - 2 * diag, 2 * diag - 1)
        else:
            s = 2 * st["x"] - 1
            Gb = st["Gb"] if "Gb" in st else np.zeros((sh.S, sh.S))
        pair_w = w[:, None] * (w[None, :] - np.eye(sh.S))
        out = {}
        for name, c in (("A", g), ("J", np.ones_like(g))):
            # var(Ax1 + Ax2) + var(Ay1 + Ay2) = sum c^2 / 2 + sum_{a != b} c_a c_b gamma_ab
            out[f"var_{name}"] = 0.5 * np.sum(w * c**2) + np.sum(pair_w * np.outer(c, c) * Gb)
        for j in (0, 1):
            sel = ens == j
            out[f"Jz_{j + 1}"] = 0.5 * np.sum((w * s)[sel])
            out[f"Az2_{j + 1}"] = 0.5 * np.sum((w * g**2 * s)[sel])
        out["delta"] = observables.delta(out)
        out["delta_epr"] = observables.delta_epr(out)
        out["sz_shell"] = s
        return out


def reference_rhs(G, Lam, T, P, Q):
    """Unvectorised Delta gamma and Delta lambda (nucleus level) for a given T[a, b, c] tensor.

    Straight transcription of the sums in the module docstring; used by the tests (with T from
    the exact density matrix, or from a closure) to check :class:`CovarianceEoM`.
    """
    N = len(G)
    n = np.diag(G)
    s = 2 * n - 1
    W, V = 0.5 * (Q - P), P - Q
    dG = np.zeros_like(G)
    dNn = np.zeros_like(G)
    for c in range(N):
        dG[c, c] = sum(V[c, a] * G[a, c] for a in range(N)) - 2 * P[c, c] * n[c] + P[c, c]
    for c in range(N):
        for d in range(N):
            if c == d:
                continue
            others = [a for a in range(N) if a not in (c, d)]
            pqc, pqd = P[c, c] + Q[c, c], P[d, d] + Q[d, d]
            M_cd = sum(W[c, a] * T[a, c, d] for a in others)
            M_dc = sum(W[d, a] * T[a, d, c] for a in others)
            dG[c, d] = (
                -0.5 * (pqc + pqd) * G[c, d]
                + 0.25 * Q[c, d] * (s[c] + s[d] + 2 * Lam[c, d])
                - 0.25 * P[c, d] * (s[c] + s[d] - 2 * Lam[c, d])
                + M_cd
                + M_dc
            )
            K_cd = 0.5 * sum(V[c, a] * (G[a, c] + T[a, d, c]) for a in others)
            K_dc = 0.5 * sum(V[d, a] * (G[a, d] + T[a, c, d]) for a in others)
            Ncd = (Lam[c, d] + 2 * n[c] + 2 * n[d] - 1) / 4
            dNn[c, d] = (
                K_cd
                + K_dc
                - (pqc + pqd) * Ncd
                + P[c, c] * n[d]
                + P[d, d] * n[c]
                + 2 * P[c, d] * G[c, d]
            )
    dn = np.diag(dG)
    dLam = 4 * dNn - 2 * dn[:, None] - 2 * dn[None, :]
    np.fill_diagonal(dLam, 0.0)
    return dG, dLam


def closure_tensor(G, scheme, ens):
    """T[a, b, c] = s_b G_ac + 2 sigma(a, b, c) G_ab G_bc (a, b, c distinct; else 0)."""
    N = len(G)
    s = 2 * np.diag(G) - 1
    T = np.zeros((N, N, N))
    for a in range(N):
        for b in range(N):
            for c in range(N):
                if len({a, b, c}) == 3:
                    sg = sign(scheme, ens[a], ens[b], ens[c])
                    T[a, b, c] = s[b] * G[a, c] + 2 * sg * G[a, b] * G[b, c]
    return T
