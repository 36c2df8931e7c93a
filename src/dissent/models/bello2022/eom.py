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
``n_switch``; later cycles (slow tails only) continue with dx/dn = Delta x (see the notes).
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from ... import contract
from ...registry import validates
from .inhomogeneous import jump_vectors

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
        """Shell block values of P and Q (rank-one sums: no diagonal correction)."""
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
    """Difference-equation right-hand sides for a closure scheme on shells (all w = 1: full EoM)."""

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
        gd = x - np.diag(Gb)
        W, V, P, Q = self.W, self.V, self.P, self.Q
        WG = self._mm_left(W, Gb, gd)
        v = [np.diag(self._mm_left(Wp, Gb, gd)) for Wp in self.WPe]
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
        VGd = -2 * np.diag(WG)
        dx = VGd - 2 * self.pd * x + self.pd
        out = {"x": dx, "Gb": _sym(dG) * self.mask}
        if self.zz:
            vd = -2 * self.wd
            R = (VGd - vd * x)[:, None] - V * Gb
            VPG = [-2 * self._mm_left(Wp, Gb, gd) for Wp in self.WPe]
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
        out["delta"] = out["var_A"] / (abs(out["Az2_1"]) + abs(out["Az2_2"]))
        out["delta_epr"] = out["var_J"] / (abs(out["Jz_1"]) + abs(out["Jz_2"]))
        out["sz_shell"] = s
        return out


def iterate(
    eom: CovarianceEoM, state: dict, cycles, n_switch=None, rtol=1e-10, atol=1e-13, method="DOP853"
):
    """Observables at the integer ``cycles`` (sorted): exact difference equation up to
    ``n_switch`` (default: all), then dx/dn = Delta x continued with ``solve_ivp`` (``method``;
    the independent elements only: upper triangles of the symmetric matrices). rtol 1e-10:
    at 1e-8 the dense-output values had relative errors ~1e-5 (Fig. D3, Hartree, N = 10).
    Implicit methods ('BDF', 'Radau', 'LSODA') get the exact Jacobian (central differences of
    the quadratic right-hand side); they need atol >~ 1e-10, since round-off of the right-hand
    side integrated over their long steps exceeds a tighter atol ("step size too small").

    Returns (list of observable dicts, final state, diagnostics dict).
    """
    cycles = np.asarray(cycles, dtype=np.int64)
    n_max = int(cycles[-1])
    n_switch = n_max if n_switch is None else min(int(n_switch), n_max)
    st = {k: v.copy() for k, v in state.items()}
    obs = [None] * len(cycles)
    c_i, n = 0, 0
    while True:
        while c_i < len(cycles) and cycles[c_i] == n:
            obs[c_i] = eom.observables(st)
            c_i += 1
        if n >= n_switch:
            break
        d = eom.rhs(st)
        for key in st:
            st[key] = st[key] + d[key]
        n += 1
        if n % 64 == 0 and not all(np.all(np.abs(v) < 1e12) for v in st.values()):
            break  # diverged (closure unstable): NaN from here on
    info = {"ode_status": 0, "ode_nfev": 0}
    if c_i < len(cycles) and not all(np.all(np.abs(v) < 1e12) for v in st.values()):
        nan = {k: np.nan * np.asarray(v, float) for k, v in eom.observables(st).items()}
        for i in range(c_i, len(cycles)):
            obs[i] = nan
        return obs, st, {"ode_status": -2, "ode_nfev": 0, "diverged_at": n}
    if c_i < len(cycles):
        keys = list(st)
        shapes = [st[k].shape for k in keys]
        tri = [eom.independent() if len(sh) == 2 else None for sh in shapes]
        sizes = [len(t[0]) if t is not None else st[k].size for k, t in zip(keys, tri, strict=True)]

        def flat(d):
            return np.concatenate(
                [d[k][t] if t is not None else d[k] for k, t in zip(keys, tri, strict=True)]
            )

        def unpack(y):
            parts = np.split(y, np.cumsum(sizes)[:-1])
            out = {}
            for k, p, sh, t in zip(keys, parts, shapes, tri, strict=True):
                if t is None:
                    out[k] = p.reshape(sh)
                else:
                    out[k] = np.zeros(sh)
                    out[k][t] = p
                    out[k][t[1], t[0]] = p
            return out

        def rate(_t, y):
            return flat(eom.rhs(unpack(y)))

        def jacobian(_t, y, h=1e-5):
            """Central differences: exact up to round-off (the right-hand side is quadratic)."""
            J = np.empty((y.size, y.size))
            for i in range(y.size):
                e = np.zeros(y.size)
                e[i] = h
                J[:, i] = (rate(0, y + e) - rate(0, y - e)) / (2 * h)
            return J

        implicit = {"jac": jacobian} if method in ("BDF", "Radau", "LSODA") else {}
        sol = solve_ivp(
            rate,
            (n, n_max),
            flat(st),
            method=method,
            t_eval=cycles[c_i:].astype(float),
            rtol=rtol,
            atol=atol,
            **implicit,
        )
        info = {"ode_status": int(sol.status), "ode_nfev": int(sol.nfev)}
        if sol.status != 0:
            nan = {k: np.nan * v for k, v in eom.observables(st).items()}
            for i in range(c_i, len(cycles)):
                obs[i] = nan
        else:
            for i, y in enumerate(sol.y.T):
                obs[c_i + i] = eom.observables(unpack(y))
            st = unpack(sol.y[:, -1])
    return obs, st, info


def stack(obs: list[dict], key: str) -> np.ndarray:
    return np.array([o[key] for o in obs])


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


# ---------------------------------------------------------------------------------------------
# figure solvers (Figs. D1, D2)
# ---------------------------------------------------------------------------------------------
FIG_D_SCHEMES = ("spin_temperature", "boson", "hartree", "wick", "spin")


def _check_pol(*, scheme, n_nuclei, mu, nu, k, cycles, **_):
    from ...registry import ParameterError

    if np.any((np.asarray(scheme) < 0) | (np.asarray(scheme) >= len(FIG_D_SCHEMES))):
        raise ParameterError("scheme", f"index 0..{len(FIG_D_SCHEMES) - 1} of {FIG_D_SCHEMES}")
    if n_nuclei < 2 or mu <= 0 or not 0 < nu < 1 or k < 1:
        raise ParameterError("mu", "n_nuclei >= 2, mu > 0, 0 < nu/mu < 1, k >= 1")


def _cycles(cycles):
    return np.unique(np.round(np.asarray(cycles, float)).astype(np.int64))


@contract.solver
def polarization_dynamics(*, scheme, n_nuclei, mu, nu, k, zz, cycles, n_switch):
    """Figs. D1/D2: polarizations <J^z_j>/(N I) of two identical homogeneous ensembles (one shell
    each) for the closure schemes 1-5 (index into FIG_D_SCHEMES); mu in units of 1/sqrt(N),
    nu = nu/mu. ``zz`` (0/1) evolves the zz correlations with their own EoM (schemes 3-5)."""
    import xarray as xr

    cycles = _cycles(cycles)
    N = int(n_nuclei)
    g = np.ones(N) / np.sqrt(N)
    mu_abs = mu / np.sqrt(N)
    p1, p2, status = [], [], []
    for idx in np.asarray(scheme, int):
        sh = Shells(g, g)
        E = CovarianceEoM(sh, mu_abs, nu * mu_abs, int(k), FIG_D_SCHEMES[idx], bool(zz))
        obs, _, info = iterate(E, E.initial(np.array([1.0, -1.0])), cycles, n_switch=n_switch)
        p1.append(stack(obs, "Jz_1") / (N / 2))
        p2.append(stack(obs, "Jz_2") / (N / 2))
        status.append(info["ode_status"])
    return xr.Dataset(
        {
            "polarization_1": (
                ("point", "n"),
                np.array(p1),
                {"long_name": "polarization <J^z_1>/(N1 I)", "units": "1"},
            ),
            "polarization_2": (
                ("point", "n"),
                np.array(p2),
                {"long_name": "polarization <J^z_2>/(N2 I)", "units": "1"},
            ),
            "ode_status": (
                "point",
                np.array(status),
                {"long_name": "solve_ivp status of the slow tail (0 = ok)", "units": "1"},
            ),
        },
        coords={"n": ("n", cycles, {"long_name": "number of cycles", "units": "cycles"})},
    )


@contract.solver
def dicke_polarization_me(*, n_nuclei, mu, nu, k, cycles):
    """Polarizations from the 2nd-order ME, Eq. (3), for homogeneous ensembles started fully
    polarized: each ensemble's reduced dynamics is closed (the cross terms cancel, Eq. D2) and
    stays diagonal in its Dicke basis (J = N/2), a birth-death difference equation per cycle."""
    import xarray as xr

    cycles = _cycles(cycles)
    N = int(n_nuclei)
    J = N / 2
    m = np.arange(-J, J + 1)
    up = J * (J + 1) - m * (m + 1)  # |<m+1|J+|m>|^2
    down = J * (J + 1) - m * (m - 1)  # |<m-1|J-|m>|^2
    mu_abs = mu / np.sqrt(N)
    nu_abs = nu * mu_abs
    loc = (mu_abs - nu_abs) ** 2 / (4 * k)
    rates = {1: (mu_abs**2 / 4, nu_abs**2 / 4 + loc), 2: (nu_abs**2 / 4 + loc, mu_abs**2 / 4)}
    out = {}
    for j, start in ((1, -1), (2, 0)):
        p, q = rates[j]
        r_up, r_down = p * up / N, q * down / N  # D(sqrt(p) J+/sqrt(N)), D(sqrt(q) J-/sqrt(N))
        pop = np.zeros(len(m))
        pop[start] = 1.0
        res, c_i = np.empty(len(cycles)), 0
        for n in range(int(cycles[-1]) + 1):
            while c_i < len(cycles) and cycles[c_i] == n:
                res[c_i] = pop @ m / J
                c_i += 1
            flow_up, flow_down = r_up * pop, r_down * pop
            pop = pop - flow_up - flow_down
            pop[1:] += flow_up[:-1]
            pop[:-1] += flow_down[1:]
        out[j] = res
    return xr.Dataset(
        {
            f"me_polarization_{j}": (
                ("point", "n"),
                out[j][None, :],
                {"long_name": f"polarization <J^z_{j}>/(N{j} I), 2nd-order ME", "units": "1"},
            )
            for j in (1, 2)
        },
        coords={"n": ("n", cycles, {"long_name": "number of cycles", "units": "cycles"})},
    )


polarization_dynamics = _attach = polarization_dynamics
polarization_dynamics.validate = _check_pol


# ---------------------------------------------------------------------------------------------
# Fig. D3: transverse variance, schemes 2-6 vs the 2nd-order ME in the Dicke basis
# ---------------------------------------------------------------------------------------------
def dicke_functionals(sector):
    """Rows (trace, <J^z_1>, <J^z_2>, var(J^x_1 + J^x_2)) as linear functionals of a real sector
    vector (Dicke basis, q = 0 sector): var = <J^2 - J_z^2>/2 as in homogeneous.moments."""
    d = sector.diagonal
    m1, m2 = sector.m1[sector.ket[d]], sector.m2[sector.ket[d]]
    a1, a2 = np.divmod(sector.ket, sector.d2)
    b1, b2 = np.divmod(sector.bra, sector.d2)
    sel = np.flatnonzero((b1 == a1 - 1) & (b2 == a2 + 1))
    mi1, mi2 = sector.J1 - a1[sel], sector.J2 - a2[sel]
    J1, J2 = sector.J1, sector.J2
    amp = np.sqrt(np.clip(J1 * (J1 + 1) - mi1 * (mi1 + 1), 0, None)) * np.sqrt(
        np.clip(J2 * (J2 + 1) - mi2 * (mi2 - 1), 0, None)
    )
    F = np.zeros((4, sector.size))
    F[0, d] = 1.0
    F[1, d] = m1
    F[2, d] = m2
    F[3, d] = (J1 * (J1 + 1) + J2 * (J2 + 1) - m1**2 - m2**2) / 2
    F[3, sel] += amp  # 2 Re<J1+ J2-> / 2
    return F


def dicke_me_generator(N, mu, nu, k):
    """Real sparse generator L (Delta rho = L rho per cycle) of Eq. (3) for J1 = J2 = N/2 on the
    q = 0 sector, and the sector; mu in units of 1/sqrt(N), nu = nu/mu (via me_generator)."""
    import scipy.sparse as sps

    from .dicke import Sector, me_generator
    from .protocol import Protocol

    sec = Sector(N / 2, N / 2)
    mu_a = mu / np.sqrt(N)
    c = np.sqrt(N)  # c_j = sqrt(2 I N_j)
    L = me_generator(sec, Protocol.ideal(mu_a, nu * mu_a, int(k)), c, c)
    if L.nnz and abs(L.imag).max() > 1e-14:
        raise ValueError("ideal protocol generator should be real")
    return sps.csr_matrix(L.real), sec


def linear_dynamics(L, X0, F, cycles, n_switch, tol=1e-9, m_max=200):
    """Functionals F (rows) of x_n = (1 + L)^n x_0 for S start vectors X0 (S, n) at the sorted
    integer ``cycles``: the exact difference equation up to ``n_switch``, then the block Krylov
    projection of the same map (:func:`inhomogeneous.krylov_map_powers`).

    ``L`` is a sparse matrix or a callable on (S, n) row blocks. Returns (values (T, S, F), info).
    """
    from .inhomogeneous import krylov_map_powers

    apply = L if callable(L) else (lambda Y: (L @ Y.T).T)
    cycles = np.asarray(cycles, dtype=np.int64)
    X = np.array(X0, dtype=float, copy=True)
    values = np.full((len(cycles), X.shape[0], len(F)), np.nan)
    nsw = min(int(n_switch), int(cycles[-1]))
    n, c_i = 0, 0
    while True:
        while c_i < len(cycles) and cycles[c_i] == n:
            values[c_i] = X @ F.T
            c_i += 1
        if n >= nsw:
            break
        X += apply(X)
        n += 1
    info = {"dims": [], "restarts": 0, "err": 0.0}
    if c_i < len(cycles):
        values[c_i:], info = krylov_map_powers(apply, X, cycles[c_i:] - n, F, tol=tol, m_max=m_max)
    return values, info


def _check_d3(*, n_nuclei, mu, nu, k, cycles, n_switch, **kw):
    from ...registry import ParameterError

    if np.any(np.asarray(n_nuclei) < 1) or np.any(np.asarray(n_nuclei) > 80):
        raise ParameterError("n_nuclei", "1 <= N <= 80 (Dicke sector grows as N^3)")
    if mu <= 0 or not 0 < nu < 1 or k < 1:
        raise ParameterError("nu", "mu > 0 (units of 1/sqrt(N)), 0 < nu/mu < 1, k >= 1")
    c = np.asarray(cycles, float)
    if np.any(c < 0) or np.any(np.diff(c) < 0):
        raise ParameterError("cycles", "non-negative and sorted")
    if n_switch < 0:
        raise ParameterError("n_switch", ">= 0")
    if "scheme" in kw and np.any(
        (np.asarray(kw["scheme"]) < 0) | (np.asarray(kw["scheme"]) >= len(FIG_D3_SCHEMES))
    ):
        raise ParameterError("scheme", f"index 0..{len(FIG_D3_SCHEMES) - 1} of {FIG_D3_SCHEMES}")


@contract.solver
@validates(_check_d3)
def dicke_me_variance(*, n_nuclei, mu, nu, k, cycles, n_switch, tol=1e-9):
    """Fig. D3 reference: var(J^x_1 + J^x_2) and polarizations from the 2nd-order ME, Eq. (3), for
    two identical homogeneous ensembles (J1 = J2 = N/2, from |Psi_FP>) in the Dicke basis.

    Exact difference equation to ``n_switch`` cycles, then the block Krylov projection of the
    same map (error estimate ``me_krylov_err``, relative to the functional's initial scale)."""
    import xarray as xr

    cycles = _cycles(cycles)
    res = {key: [] for key in ("var", "p1", "p2", "trace", "err", "dim")}
    for N in np.atleast_1d(n_nuclei).astype(int):
        L, sec = dicke_me_generator(N, mu, nu, k)
        F = dicke_functionals(sec)
        x0 = np.real(sec.fully_polarized())[None, :]
        vals, info = linear_dynamics(L, x0, F, cycles, n_switch, tol=tol)
        vals = vals[:, 0]
        res["trace"].append(vals[:, 0])
        res["p1"].append(vals[:, 1] / (N / 2))
        res["p2"].append(vals[:, 2] / (N / 2))
        res["var"].append(vals[:, 3])
        res["err"].append(info["err"])
        res["dim"].append(max(info["dims"], default=0))
    n_attr = {"long_name": "number of cycles", "units": "cycles"}
    return xr.Dataset(
        {
            "me_variance": (
                ("point", "n"),
                np.array(res["var"]),
                {"long_name": "var(J^x_1 + J^x_2), 2nd-order ME", "units": "1"},
            ),
            "me_polarization_1": (
                ("point", "n"),
                np.array(res["p1"]),
                {"long_name": "<J^z_1>/(N1 I), 2nd-order ME", "units": "1"},
            ),
            "me_polarization_2": (
                ("point", "n"),
                np.array(res["p2"]),
                {"long_name": "<J^z_2>/(N2 I), 2nd-order ME", "units": "1"},
            ),
            "me_trace": (
                ("point", "n"),
                np.array(res["trace"]),
                {"long_name": "trace of rho, 2nd-order ME (check)", "units": "1"},
            ),
            "me_krylov_err": (
                "point",
                np.array(res["err"]),
                {"long_name": "Krylov continuation error estimate (relative)", "units": "1"},
            ),
            "me_krylov_dim": (
                "point",
                np.array(res["dim"]),
                {"long_name": "largest Krylov dimension used", "units": "1"},
            ),
        },
        coords={"n": ("n", cycles, n_attr)},
    )


FIG_D3_SCHEMES = ("boson", "hartree_cross", "half_hartree", "majority", "z_rules")


@contract.solver
@validates(_check_d3)
def variance_dynamics(*, n_nuclei, scheme, mu, nu, k, cycles, n_switch):
    """Fig. D3: var(J^x_1 + J^x_2) for the variance schemes 2-6 (index into FIG_D3_SCHEMES),
    homogeneous N1 = N2 = n_nuclei (one shell each), zz equations on, from |Psi_FP>."""
    import xarray as xr

    cycles = _cycles(cycles)
    res, status = [], []
    for N, idx in zip(np.asarray(n_nuclei, int), np.asarray(scheme, int), strict=True):
        g = np.ones(N) / np.sqrt(N)
        mu_a = mu / np.sqrt(N)
        sh = Shells(g, g)
        E = CovarianceEoM(sh, mu_a, nu * mu_a, int(k), FIG_D3_SCHEMES[idx], True)
        obs, _, info = iterate(E, E.initial(np.array([1.0, -1.0])), cycles, n_switch=n_switch)
        res.append(stack(obs, "var_J") / 2)
        status.append(info["ode_status"])
    return xr.Dataset(
        {
            "variance": (
                ("point", "n"),
                np.array(res),
                {"long_name": "var(J^x_1 + J^x_2), covariance EoMs", "units": "1"},
            ),
            "ode_status": (
                "point",
                np.array(status),
                {
                    "long_name": "tail status (0 ok, -2 closure diverged: NaN afterwards)",
                    "units": "1",
                },
            ),
        },
        coords={"n": ("n", cycles, {"long_name": "number of cycles", "units": "cycles"})},
    )


# ---------------------------------------------------------------------------------------------
# Fig. D4: inhomogeneous N1 = N2 = 5, Z-rules EoMs (the ME reference is in inhomogeneous.py)
# ---------------------------------------------------------------------------------------------
FIG_D4_STATES = ("ud", "du", "uu")


def _check_d4(*, initial, n1, n2, rel_std1, rel_std2, mu, nu, k, cycles, n_switch, **_):
    from ...registry import ParameterError

    if np.any((np.asarray(initial) < 0) | (np.asarray(initial) >= len(FIG_D4_STATES))):
        raise ParameterError("initial", f"index 0..{len(FIG_D4_STATES) - 1} of {FIG_D4_STATES}")
    if not (1 <= n1 <= 6 and 1 <= n2 <= 6):
        raise ParameterError("n1", "1..6 nuclei per ensemble (full Hilbert space)")
    for key, r, m in (("rel_std1", rel_std1, n1), ("rel_std2", rel_std2, n2)):
        if r < 0 or (m > 1 and 1 - r * np.sqrt(3 * (m - 1) / (m + 1)) <= 0):
            raise ParameterError(key, "relative std >= 0 with all couplings positive")
    if mu <= 0 or not 0 < nu < 1 or k < 1:
        raise ParameterError("nu", "mu > 0 (units of 1/sqrt(N1)), 0 < nu/mu < 1, k >= 1")
    c = np.asarray(cycles, float)
    if np.any(c < 0) or np.any(np.diff(c) < 0) or n_switch < 0:
        raise ParameterError("cycles", "non-negative and sorted; n_switch >= 0")


def d4_couplings(n1, n2, rel_std1, rel_std2):
    """Fig. D4 couplings (not given in the paper): evenly spaced, relative std as stated,
    QD2 in reversed order (see inhomogeneous.spread_couplings)."""
    from .inhomogeneous import spread_couplings

    return spread_couplings(int(n1), rel_std1), spread_couplings(int(n2), rel_std2, reverse=True)


def _d4_dataset(initial, cycles, p1, p2, var, prefix, what, extra):
    import xarray as xr

    data = {
        f"{prefix}polarization_1": (p1, f"<J^z_1>/(N1 I), {what}"),
        f"{prefix}polarization_2": (p2, f"<J^z_2>/(N2 I), {what}"),
        f"{prefix}variance": (var, f"var(J^x_1 + J^x_2), {what}"),
    }
    ds = xr.Dataset(
        {
            key: (("point", "n"), np.asarray(v), {"long_name": ln, "units": "1"})
            for key, (v, ln) in data.items()
        },
        coords={
            "n": ("n", cycles, {"long_name": "number of cycles", "units": "cycles"}),
            f"{prefix}state": (
                "point",
                np.array([FIG_D4_STATES[int(i)] for i in np.asarray(initial)], dtype=str),
                {"long_name": "initial z-product state (QD1, QD2: u = up, d = down)", "units": "1"},
            ),
        },
    )
    for key, (dims, v, ln) in extra.items():
        ds[key] = (dims, np.asarray(v), {"long_name": ln, "units": "1"})
    return ds


@contract.solver
@validates(_check_d4)
def d4_eom(*, initial, n1, n2, rel_std1, rel_std2, mu, nu, k, cycles, n_switch, scheme="z_rules"):
    """Fig. D4, dashed: covariance EoMs (Eqs. 12-14, Z-rules, zz equations on) for inhomogeneous
    N1, N2 from the z-product states FIG_D4_STATES[initial]; mu in units of 1/sqrt(N1), nu = nu/mu.
    Exact difference equation to ``n_switch``, then dx/dn = Delta x with BDF and the exact
    Jacobian (the tail is stiff: DOP853 needed ~5e4 right-hand sides per state, BDF ~500; the
    two agree to 2e-9). A run whose closure diverges is NaN from the divergence on (status -2)."""
    cycles = _cycles(cycles)
    g1, g2 = d4_couplings(n1, n2, rel_std1, rel_std2)
    mu_a = mu / np.sqrt(n1)
    sh = Shells(g1, g2, group=False)
    p1, p2, var, status = [], [], [], []
    for i in np.asarray(initial, int):
        lab = FIG_D4_STATES[i]
        s0 = np.where(sh.ens == 0, 1.0 if lab[0] == "u" else -1.0, 1.0 if lab[1] == "u" else -1.0)
        E = CovarianceEoM(sh, mu_a, nu * mu_a, int(k), scheme, True)
        obs, _, info = iterate(
            E, E.initial(s0), cycles, n_switch=n_switch, method="BDF", atol=1e-10
        )
        p1.append(stack(obs, "Jz_1") / (n1 / 2))
        p2.append(stack(obs, "Jz_2") / (n2 / 2))
        var.append(stack(obs, "var_J") / 2)
        status.append(info["ode_status"])
    extra = {
        "eom_status": (
            "point",
            status,
            "EoM tail status (0 ok, -2 closure diverged: NaN afterwards, 1 ODE failed)",
        )
    }
    return _d4_dataset(initial, cycles, p1, p2, var, "eom_", "Z-rules EoMs", extra)


@contract.solver
@validates(_check_d4)
def d4_me(*, initial, n1, n2, rel_std1, rel_std2, mu, nu, k, cycles, n_switch, tol=1e-7, m_max=100):
    """Fig. D4, solid: the 2nd-order ME, Eq. (3), in the full 2^(N1+N2) space (q = 0 sector,
    blocks by up-spin number), each initial state on its own (so a point's result does not
    depend on the chunk it is in): exact difference equation to ``n_switch``, then the Krylov
    projection of the same map."""
    from .inhomogeneous import derived_observables, full_space_me

    cycles = _cycles(cycles)
    g1, g2 = d4_couplings(n1, n2, rel_std1, rel_std2)
    mu_a = mu / np.sqrt(n1)
    labels = [FIG_D4_STATES[int(i)] for i in np.asarray(initial)]
    runs = [
        full_space_me(g1, g2, mu_a, nu * mu_a, int(k), [lab], cycles, n_switch, tol, m_max)
        for lab in labels
    ]
    r = {
        key: np.concatenate([run[key] for run in runs], axis=1)
        for key in ("sz", "trace", "var_A", "var_J")
    }
    o = derived_observables(r["sz"], r["var_A"], r["var_J"], g1, g2)
    extra = {
        "me_trace": (("point", "n"), r["trace"].T, "trace of rho, 2nd-order ME (check)"),
        "me_krylov_err": (
            "point",
            [run["krylov_err"] for run in runs],
            "Krylov continuation error estimate (relative)",
        ),
        "me_krylov_dim": (
            "point",
            [max(run["krylov_dims"], default=0) for run in runs],
            "largest Krylov dimension used",
        ),
    }
    return _d4_dataset(
        initial,
        cycles,
        o["Jz_1"].T / (n1 / 2),
        o["Jz_2"].T / (n2 / 2),
        o["var_J"].T / 2,
        "me_",
        "2nd-order ME",
        extra,
    )
