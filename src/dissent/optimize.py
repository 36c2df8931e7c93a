"""Batched local maximisation of many independent smooth functions at once.

:func:`maximize` runs BFGS (exact gradients supplied by the caller, Armijo backtracking line
search) on a stack of ``n`` independent problems, each with its own starting point.  Every
evaluation is one call for all members that need it, so the per-call overhead of numpy is shared.

Each member's iterates depend only on its own values and gradients: stopping, line search and
metric resets are decided per member, never from the rest of the batch, so a member's result is
the same whatever else is in the stack (how a grid is cut into chunks does not matter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class MaximizeResult:
    """Per-member results: ``x`` (n, d), ``f`` (n,), ``grad_norm`` (n,) (Euclidean norm of the
    gradient at ``x``), ``n_iter`` (n,) and ``status`` (n,): 0 = gradient norm <= gtol,
    1 = no ascent step found along the steepest ascent direction (a kink or the rounding floor),
    2 = iteration limit."""

    x: np.ndarray
    f: np.ndarray
    grad_norm: np.ndarray
    n_iter: np.ndarray
    status: np.ndarray


def maximize(
    fun,
    x0: np.ndarray,
    *,
    gtol: float = 1e-9,
    max_iter: int = 200,
    max_step: float = 1.0,
    c1: float = 1e-4,
    max_halvings: int = 40,
    resolution: float = 1e-14,
    floor_tol: float = 1e-13,
) -> MaximizeResult:
    """Maximise ``n`` independent functions from the starting points ``x0`` (n, d).

    ``fun(x, idx)`` returns the values (k,) and gradients (k, d) of the members ``idx`` (k,) at
    the points ``x`` (k, d).  BFGS on the inverse Hessian of -f; the step along the quasi-Newton
    direction (capped at ``max_step`` in Euclidean length) is halved until the Armijo condition
    f(x + a p) >= f(x) + c1 a g.p holds (with f increasing), and no longer once the predicted
    increase a g.p is below ``resolution`` (a change of f that rounding cannot resolve).  At that
    rounding floor, near a maximum, a trial point that at least halves |grad f| and lowers f by
    at most ``floor_tol`` is also taken (the quasi-Newton step then converges on the gradient,
    which stays accurate where the values no longer are).  A failed line search resets the
    member's metric to the identity; a failure along the gradient itself stops the member
    (status 1).  Members stop when |grad f| <= ``gtol`` (status 0) or after ``max_iter``
    iterations (status 2).
    """
    x = np.array(x0, dtype=float, copy=True)
    n, d = x.shape
    eye = np.eye(d)
    f, g = fun(x, np.arange(n))
    f, g = np.array(f, float), np.array(g, float)
    hinv = np.broadcast_to(eye, (n, d, d)).copy()
    is_eye = np.ones(n, bool)
    n_iter = np.zeros(n, int)
    status = np.full(n, 2)
    gnorm = np.linalg.norm(g, axis=1)
    active = gnorm > gtol
    status[~active] = 0
    for _ in range(int(max_iter)):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        n_iter[idx] += 1
        p = np.einsum("nij,nj->ni", hinv[idx], g[idx])
        slope = np.einsum("ni,ni->n", p, g[idx])
        uphill = slope <= 0  # not an ascent direction: use the gradient
        p[uphill] = g[idx][uphill]
        is_eye[idx[uphill]] = True
        hinv[idx[uphill]] = eye
        slope = np.einsum("ni,ni->n", p, g[idx])
        alpha = np.minimum(1.0, max_step / np.maximum(np.linalg.norm(p, axis=1), 1e-300))
        # backtracking: every member halves its own step until Armijo holds
        x_new, f_new, g_new = x[idx].copy(), f[idx].copy(), g[idx].copy()
        ok = np.zeros(idx.size, bool)
        todo = np.arange(idx.size)
        for _h in range(int(max_halvings)):
            xt = x[idx[todo]] + alpha[todo, None] * p[todo]
            ft, gt = fun(xt, idx[todo])
            f0 = f[idx[todo]]
            armijo = (ft >= f0 + c1 * alpha[todo] * slope[todo]) & (ft > f0)
            floor = (ft >= f0 - floor_tol) & (np.linalg.norm(gt, axis=1) <= 0.5 * gnorm[idx[todo]])
            good = np.isfinite(ft) & (armijo | floor)
            t = todo[good]
            x_new[t], f_new[t], g_new[t] = xt[good], ft[good], gt[good]
            ok[t] = True
            todo = todo[~good]
            alpha[todo] *= 0.5
            todo = todo[alpha[todo] * slope[todo] >= resolution]  # else: no ascent left to see
            if todo.size == 0:
                break
        # failures: reset the metric, or stop if it already was the identity
        fail = idx[~ok]
        stop = fail[is_eye[fail]]
        status[stop] = 1
        active[stop] = False
        hinv[fail] = eye
        is_eye[fail] = True
        # BFGS update of the inverse Hessian of -f where a step was taken
        acc = np.flatnonzero(ok)
        if acc.size:
            m = idx[acc]
            s = x_new[acc] - x[m]
            y = g[m] - g_new[acc]  # change of the gradient of -f
            sy = np.einsum("ni,ni->n", s, y)
            upd = sy > 1e-14 * np.linalg.norm(s, axis=1) * np.linalg.norm(y, axis=1)
            if upd.any():
                su, yu, mu = s[upd], y[upd], m[upd]
                r = 1.0 / sy[upd]
                # (1 - r s y^T) H (1 - r y s^T) + r s s^T with rank-one terms only (H symmetric)
                hy = np.einsum("nij,nj->ni", hinv[mu], yu)
                ss = (r + r * r * np.einsum("ni,ni->n", yu, hy))[:, None, None] * (
                    su[:, :, None] * su[:, None, :]
                )
                shy = su[:, :, None] * hy[:, None, :]
                hinv[mu] += ss - r[:, None, None] * (shy + np.swapaxes(shy, -1, -2))
                is_eye[mu] = False
            x[m], f[m], g[m] = x_new[acc], f_new[acc], g_new[acc]
            gnorm[m] = np.linalg.norm(g[m], axis=1)
            conv = m[gnorm[m] <= gtol]
            status[conv] = 0
            active[conv] = False
    return MaximizeResult(x=x, f=f, grad_norm=gnorm, n_iter=n_iter, status=status)


def multistart_maximize(
    value_and_grad,
    candidates: np.ndarray,
    values: np.ndarray,
    *,
    n_explore: int,
    explore_iter: int,
    n_refine: int,
    gtol: float = 1e-9,
    max_iter: int = 200,
    keep_first: bool = True,
):
    """Global maximisation of ``npt`` independent problems from candidate starting points.

    ``candidates`` (npt, nc, d) (a broadcast view is fine) with their ``values`` (npt, nc),
    evaluated by the caller (who can share work between problems); the ``n_explore`` best (with
    candidate 0 always among them if ``keep_first``) get ``explore_iter`` BFGS iterations; the
    ``n_refine`` best of those are refined by :func:`maximize` until |grad| <= ``gtol``
    (``value_and_grad(x, idx)`` -> ((k,), (k, d)) for the points ``x`` (k, d) of the problems
    ``idx`` (k,)).  Ranking ties are broken by the candidate order (stable sort), so each
    problem's result depends on its own candidates only.

    Returns (x (npt, n_refine, d), f (npt, n_refine), result of the final :func:`maximize` with
    members ordered problem-major).
    """
    npt, nc, d = candidates.shape
    n_explore = min(int(n_explore), nc)
    n_refine = min(int(n_refine), n_explore)
    v0 = np.where(np.isfinite(values), values, -np.inf)
    if keep_first:
        rest = np.argsort(-v0[:, 1:], axis=1, kind="stable")[:, : n_explore - 1] + 1
        pick = np.concatenate([np.zeros((npt, 1), int), rest], axis=1)
    else:
        pick = np.argsort(-v0, axis=1, kind="stable")[:, :n_explore]
    x0 = np.take_along_axis(candidates, pick[..., None], axis=1).reshape(-1, d)
    owner = np.repeat(np.arange(npt), n_explore)
    if explore_iter > 0:
        ex = maximize(
            lambda x, i: value_and_grad(x, owner[i]), x0, gtol=gtol, max_iter=explore_iter
        )
        xe, fe = ex.x.reshape(npt, n_explore, d), ex.f.reshape(npt, n_explore)
    else:
        xe, fe = x0.reshape(npt, n_explore, d), np.take_along_axis(v0, pick, axis=1)
    keep = np.argsort(-fe, axis=1, kind="stable")[:, :n_refine]
    x1 = np.take_along_axis(xe, keep[..., None], axis=1).reshape(-1, d)
    owner1 = np.repeat(np.arange(npt), n_refine)
    res = maximize(lambda x, i: value_and_grad(x, owner1[i]), x1, gtol=gtol, max_iter=max_iter)
    return res.x.reshape(npt, n_refine, d), res.f.reshape(npt, n_refine), res


def closest_among_ties(f, x, reference, distance, tie_tol: float):
    """Pick one of several local maxima per problem: among those within ``tie_tol`` of the best
    value, the one closest to ``reference``.

    ``f`` (npt, k) values, ``x`` (npt, k, d) maximisers, ``reference`` (npt, d), ``distance(a,
    b)`` -> (...,) for broadcastable (..., d) arrays.  Returns (index (npt,) into k, number of
    ties (npt,), spread (npt,): the largest distance of a tie from the chosen one).
    """
    fmax = f.max(axis=1)
    tie = f >= fmax[:, None] - tie_tol
    best = np.argmin(np.where(tie, distance(x, reference[:, None, :]), np.inf), axis=1)
    chosen = x[np.arange(len(x)), best]
    spread = np.where(tie, distance(x, chosen[:, None, :]), 0.0).max(axis=1)
    return best, tie.sum(axis=1), spread


def grid_neighbours(*coords: np.ndarray) -> np.ndarray:
    """Neighbours of points on a product grid: ``coords`` (npt,) each, one per axis; returns
    (npt, 3**ndim - 1) indices of the points one grid step away along every axis and diagonal
    (steps between the sorted distinct values of each coordinate), -1 where there is none."""
    pos = np.stack([np.unique(c, return_inverse=True)[1] for c in coords], -1)
    where = {tuple(p): i for i, p in enumerate(pos.tolist())}
    steps = [s for s in np.ndindex(*(3,) * len(coords)) if any(k != 1 for k in s)]
    out = np.full((len(pos), len(steps)), -1)
    for i, p in enumerate(pos.tolist()):
        for j, s in enumerate(steps):
            out[i, j] = where.get(tuple(a + b - 1 for a, b in zip(p, s, strict=True)), -1)
    return out


def continuation(
    value_and_grad,
    x: np.ndarray,
    f: np.ndarray,
    neighbours: np.ndarray,
    *,
    gtol: float = 1e-9,
    max_iter: int = 200,
    min_gain: float = 1e-9,
    max_rounds: int = 100,
):
    """Carry better maxima to neighbouring problems until none improves (a fixed point).

    ``x`` (npt, d), ``f`` (npt,) the current maximisers and values of ``npt`` related problems
    (e.g. the points of a parameter grid), ``neighbours`` (npt, k) indices (-1 = none).  Every
    round, each problem is polished by :func:`maximize` from the current maximiser of every
    neighbour that changed in the previous round (all of them in the first round); it takes the
    best result if that beats its own value by more than ``min_gain``.  Rounds are Jacobi
    sweeps (all problems start from the state before the round), so the result does not depend
    on the order of the problems, and a better branch travels one grid step per round in every
    direction at once.  Stops when no problem changed, or after ``max_rounds``.

    Returns (x, f, every polished result as (owner (m,), x (m, d), f (m,)), rounds run).
    """
    x, f = np.array(x, float, copy=True), np.array(f, float, copy=True)
    changed = np.ones(len(x), bool)
    owners, xs, fs = [], [], []
    rounds = 0
    while changed.any() and rounds < max_rounds:
        rounds += 1
        owner, source = np.nonzero((neighbours >= 0) & changed[np.maximum(neighbours, 0)])
        if owner.size == 0:
            break
        source = neighbours[owner, source]
        res = maximize(
            lambda z, i, owner=owner: value_and_grad(z, owner[i]),
            x[source],
            gtol=gtol,
            max_iter=max_iter,
        )
        owners.append(owner)
        xs.append(res.x)
        fs.append(res.f)
        # best new result per owner (ties: the first, in the neighbour order)
        order = np.lexsort((-res.f, owner))
        first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
        gain = res.f[first] > f[owner[first]] + min_gain
        take = first[gain]
        changed = np.zeros(len(x), bool)
        changed[owner[take]] = True
        x[owner[take]], f[owner[take]] = res.x[take], res.f[take]
    if not owners:
        return x, f, (np.zeros(0, int), np.zeros((0, x.shape[1])), np.zeros(0)), rounds
    return x, f, (np.concatenate(owners), np.concatenate(xs), np.concatenate(fs)), rounds
