"""Continuation of the cycle maps of Bello et al. (2022), used by every dynamics solver.

Every model here is a map per cycle: linear (the exact map, Eq. 2; the second-order master
equation, Eq. 3, as x_{n+1} = (1 + L) x_n) or nonlinear (the closed covariance EoMs,
x_{n+1} = x_n + Delta(x_n)). The map is iterated exactly up to a switch cycle; later cycles are
reached by

* binary powers of a (small, dense) map matrix: :func:`evolve_powers`;
* the block Krylov projection of the same linear map (no flow approximation):
  :func:`krylov_map_powers`, used through :func:`linear_dynamics`;
* the flow dx/dn = Delta x for the slow tail of a nonlinear map: :func:`iterate`.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
from scipy.integrate import solve_ivp


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


def _binary_powers_apply(M, Y0, offsets):
    """M^d Y0 for the sorted non-negative integer offsets d (binary powers of the small M)."""
    if len(offsets) == 0:
        return np.empty((0,) + Y0.shape)
    return evolve_powers(M, Y0, offsets)


def _orthonormal_rows(W):
    """Q (S, n) with orthonormal rows and R (S, S) with W = R^T Q (QR of W^T; one row: W/|W|)."""
    if W.shape[0] == 1:
        norm = np.linalg.norm(W)
        return W / norm, np.array([[norm]])
    Q, R = np.linalg.qr(W.T)
    return Q.T, R


def _slow_schur_vectors(H, Y, drop_tol, p_max):
    """Orthonormal real Schur vectors Z (k, p) of H spanning the invariant subspace of its p
    slowest Ritz values (largest real parts, conjugate pairs together): the smallest such p
    with ||Y - Z Z^T Y|| <= drop_tol (Y: (k, S) coefficients of the state), p <= p_max.
    Returns None if even p_max vectors drop more than drop_tol."""
    re = np.sort(np.linalg.eigvals(H).real)[::-1]
    gap = 1e-10 * max(np.abs(re).max(), 1e-300)
    cuts = 0.5 * (re[:-1] + re[1:])[re[:-1] - re[1:] > gap]  # between distinct real parts
    cuts = [c for c in cuts if np.count_nonzero(re > c) <= p_max]

    def kept(cut):
        _, Z, sdim = sla.schur(H, output="real", sort=lambda x, _y: x > cut)
        Z = Z[:, :sdim]
        return Z, np.linalg.norm(Y - Z @ (Z.T @ Y))

    lo, hi, best = 0, len(cuts) - 1, None  # bisection: the dropped part shrinks as p grows
    while lo <= hi:
        mid = (lo + hi) // 2
        Z, dropped = kept(cuts[mid])
        if dropped <= drop_tol:
            best, hi = Z, mid - 1
        else:
            lo = mid + 1
    return best


def krylov_map_powers(apply, X0, steps, functionals, *, tol=1e-9, m_max=150, max_restarts=10**6):
    """Functionals of x_d = (1 + L)^d x_0 at the integer offsets ``steps`` (sorted, >= 0).

    The exact difference equation is projected on the block Krylov space
    span{X0, L X0, ..., L^(m-1) X0} (orthonormal rows V, classical Gram-Schmidt with DGKS
    re-orthogonalisation) with H = V L V^T, and x_d ~ V^T (1 + H)^d V x_0 with (1 + H)^d by
    binary powers: the map itself is continued (no flow approximation); for d < m the
    projection reproduces the map exactly.

    Error estimate (a posteriori): L V^T = V^T H + W^T E (W: the residual of the last block,
    E selects it), so the projected map misses one cycle of the true map by the defect
    W^T E Y_j (Y_j = (1 + H)^j Y_0), and the error at offset d is
    sum_{j<d} (1 + L)^(d-1-j) W^T E Y_j. It is estimated as |F W^T sum_{j<d} E Y_j| (the
    defects carried unchanged by the map; the sum from the power of the augmented matrix
    [[1 + H, 0], [E, 1]]), relative to the functional's initial scale; it includes the drift
    of slow Ritz values over long times (e.g. the trace, which the map conserves exactly). The
    dimension grows (checks every ~20 %) until the estimate is below ``tol`` at every step.

    If ``m_max`` blocks do not suffice, the converged prefix of ``steps`` (at least the
    exactly reproduced cycles) is accepted and the projection restarted there, thick
    (Krylov-Schur): the real Schur vectors of H for its slowest Ritz values are kept, as few
    as hold the state (the part outside them changes no functional by more than tol/10 of its
    scale), with L V_kept^T = V_kept^T T + W^T E Z, and the space is extended from W; so the
    slow modes that the long times need are not rebuilt at every restart. If half the space
    does not hold the state, the restart is plain (from the state alone).

    apply: (S, n) -> (S, n), rows mapped by L. X0: (S, n). functionals: (F, n).
    Returns values (len(steps), S, F) and an info dict (dims, restarts, kept, err: the largest
    accepted estimate).
    """
    X = np.array(X0, dtype=float, copy=True)
    S, n = X.shape
    steps = np.asarray(steps, dtype=np.int64)
    Fn = np.asarray(functionals, dtype=float)
    values = np.full((len(steps), S, len(Fn)), np.nan)
    scale = np.maximum(np.abs(X @ Fn.T).max(axis=0), 1e-300)  # (F,)
    # a state part of this norm changes no functional by more than tol/10 of its scale
    drop_tol = 0.1 * tol * float(np.min(scale / np.maximum(np.linalg.norm(Fn, axis=1), 1e-300)))
    info = {"dims": [], "restarts": 0, "kept": [], "err": 0.0}
    start, todo = 0, 0  # offset of the state, first step index not yet done
    m_max = max(int(m_max), 2)
    dim_max = S * m_max
    V = np.empty((dim_max, n))
    H = np.zeros((dim_max, dim_max))
    FV = np.zeros((len(Fn), dim_max))
    V[:S], R0 = _orthonormal_rows(X)
    FV[:, :S] = Fn @ V[:S].T
    p, Yk = 0, R0  # kept Schur vectors V[:p]; state = V[:len(Yk)].T @ Yk
    while todo < len(steps):
        if info["restarts"] > max_restarts:
            break
        offs = steps[todo:] - start
        k, next_check, accepted = p + S, 4, None
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
            blocks = (k - p) // S  # blocks built since the (re)start
            full = k >= dim_max
            if blocks >= next_check or full or k >= n:
                # L V^T = V^T H + W^T E (E: the last block), so the projected map's defect per
                # cycle is W^T E Y_j; the augmented power [[1 + H, 0], [E, 1]]^d sums it to d
                M = np.eye(k + S)
                M[:k, :k] += H[:k, :k]
                M[k:, j0:k] = np.eye(S)
                Y0 = np.zeros((k + S, S))
                Y0[: len(Yk)] = Yk
                Y = _binary_powers_apply(M, Y0, offs)  # (T, k + S, S)
                pred = np.einsum("fk,tks->tsf", FV[:, :k], Y[:, :k])
                est = np.abs(np.einsum("fr,trs->tsf", Fn @ W.T, Y[:, k:])).max(axis=1) / scale
                ok = est.max(axis=1) <= tol  # (T,)
                accepted = len(offs) if ok.all() else int(np.argmin(ok))
                err = float(est[:accepted].max()) if accepted else np.inf
                next_check = max(blocks + 2, int(1.2 * blocks))
                if accepted == len(offs) or full:
                    break
            if full:
                break
            V[k : k + S], Rn = _orthonormal_rows(W)
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
        # restart from the last accepted step, or from the last exactly reproduced cycle
        d_new = int(offs[accepted - 1]) if accepted else 0
        d_exact = blocks - 1 if p == 0 else blocks  # K_(d+1)(L, state) lies in the space
        if d_new < d_exact:
            Yr = _binary_powers_apply(M, Y0, np.array([d_exact]))[0]
            d_new = d_exact
            accepted = int(np.searchsorted(offs, d_exact, side="right"))
            values[todo : todo + accepted] = pred[:accepted]
        else:
            Yr = Y[accepted - 1]
        Yr = Yr[:k]
        Z = _slow_schur_vectors(H[:k, :k], Yr, drop_tol, dim_max // 2)
        if Z is None:  # plain restart from the state
            V[:S], Yk = _orthonormal_rows((V[:k].T @ Yr).T)
            p, H[:] = 0, 0.0
            FV[:, :S] = Fn @ V[:S].T
        else:  # thick restart: L V_kept = V_kept T + W^T (last block rows of Z)
            p = Z.shape[1]
            T = Z.T @ H[:k, :k] @ Z
            coupling = Z[j0:k]  # (S, p): the residual W enters through the last block
            V[:p] = Z.T @ V[:k]
            FV[:, :p] = FV[:, :k] @ Z
            V[p : p + S], Rn = _orthonormal_rows(W)
            H[:] = 0.0
            H[:p, :p] = T
            H[p : p + S, :p] = Rn @ coupling
            FV[:, p : p + S] = Fn @ V[p : p + S].T
            Yk = Z.T @ Yr
        info["kept"].append(p)
        start += d_new
        todo += accepted
        info["restarts"] += 1
    return values, info


def linear_dynamics(L, X0, F, cycles, n_switch, tol=1e-9, m_max=150):
    """Functionals F (rows) of x_n = (1 + L)^n x_0 for S start vectors X0 (S, n) at the sorted
    integer ``cycles``: the exact difference equation up to ``n_switch``, then the block Krylov
    projection of the same map (:func:`krylov_map_powers`).

    ``L`` is a sparse matrix or a callable on (S, n) row blocks. Returns (values (T, S, F), info).
    """
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


def iterate(model, state: dict, cycles, n_switch=None, rtol=1e-10, atol=1e-13, method="DOP853"):
    """Observables of a nonlinear map x_{n+1} = x_n + Delta(x_n) (``model``: ``rhs(state)`` ->
    Delta, ``observables(state)``, ``independent()`` -> indices of the independent elements of
    its symmetric (S, S) matrices, e.g. :class:`.eom.CovarianceEoM`; states are dicts of arrays)
    at the integer ``cycles`` (sorted): exact difference equation up to
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
            obs[c_i] = model.observables(st)
            c_i += 1
        if n >= n_switch:
            break
        d = model.rhs(st)
        for key in st:
            st[key] = st[key] + d[key]
        n += 1
        if n % 64 == 0 and not all(np.all(np.abs(v) < 1e12) for v in st.values()):
            break  # diverged (closure unstable): NaN from here on
    info = {"ode_status": 0, "ode_nfev": 0}
    if c_i < len(cycles) and not all(np.all(np.abs(v) < 1e12) for v in st.values()):
        nan = {k: np.nan * np.asarray(v, float) for k, v in model.observables(st).items()}
        for i in range(c_i, len(cycles)):
            obs[i] = nan
        return obs, st, {"ode_status": -2, "ode_nfev": 0, "diverged_at": n}
    if c_i < len(cycles):
        keys = list(st)
        shapes = [st[k].shape for k in keys]
        tri = [model.independent() if len(sh) == 2 else None for sh in shapes]
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
            return flat(model.rhs(unpack(y)))

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
            nan = {k: np.nan * v for k, v in model.observables(st).items()}
            for i in range(c_i, len(cycles)):
                obs[i] = nan
        else:
            for i, y in enumerate(sol.y.T):
                obs[c_i + i] = model.observables(unpack(y))
            st = unpack(sol.y[:, -1])
    return obs, st, info


def stack(obs: list[dict], key: str) -> np.ndarray:
    return np.array([o[key] for o in obs])
