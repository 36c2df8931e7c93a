"""The batched maximiser of :mod:`dissent.optimize` on functions with known maxima."""

import numpy as np

from dissent.optimize import (
    closest_among_ties,
    continuation,
    grid_neighbours,
    maximize,
    multistart_maximize,
)


def neg_rosenbrock(x, idx=None):
    """-(1 - a)^2 - 100 (b - a^2)^2: maximum 0 at (1, 1), a curved narrow valley."""
    a, b = x[:, 0], x[:, 1]
    f = -((1 - a) ** 2) - 100 * (b - a**2) ** 2
    g = np.stack([2 * (1 - a) + 400 * a * (b - a**2), -200 * (b - a**2)], -1)
    return f, g


def test_maximize_finds_the_rosenbrock_maximum_from_several_starts():
    x0 = np.array([[-1.2, 1.0], [2.0, -1.0], [0.0, 0.0], [1.0, 1.0]])
    res = maximize(neg_rosenbrock, x0, gtol=1e-10, max_iter=500)
    assert np.all(res.status == 0)
    assert np.abs(res.x - 1).max() < 1e-8
    assert res.n_iter[3] == 0  # started at the maximum: no iteration


def test_maximize_concave_quadratics_with_known_maxima():
    rng = np.random.default_rng(0)
    n, d = 20, 5
    A = rng.normal(size=(n, d, d))
    H = A @ np.swapaxes(A, 1, 2) + 0.1 * np.eye(d)  # positive definite, conditioned ~1e2..1e3
    xs = rng.normal(size=(n, d))

    def fun(x, idx):
        dx = x - xs[idx]
        return -0.5 * np.einsum("ni,nij,nj->n", dx, H[idx], dx), -np.einsum(
            "nij,nj->ni", H[idx], dx
        )

    res = maximize(fun, np.zeros((n, d)), gtol=1e-11, max_iter=500)
    assert np.all(res.status == 0)
    assert np.abs(res.x - xs).max() < 1e-8


def test_each_member_is_independent_of_the_batch():
    x0 = np.array([[-1.2, 1.0], [2.0, -1.0], [0.3, 0.8]])
    together = maximize(neg_rosenbrock, x0, gtol=1e-10, max_iter=500)
    for i in range(3):
        alone = maximize(neg_rosenbrock, x0[i : i + 1], gtol=1e-10, max_iter=500)
        assert np.array_equal(alone.x[0], together.x[i])
        assert alone.n_iter[0] == together.n_iter[i]


def test_multistart_finds_the_global_maximum_of_a_multimodal_function():
    """f = cos(3 x) + cos(3 y) - 0.1 ((x - c)^2 + (y - c)^2): many local maxima, the global one
    at the lattice point 2 pi k / 3 closest to c (per problem, c differs)."""
    centres = np.array([0.0, 2.0, -3.1])

    def value_and_grad(x, idx):
        c = centres[idx][:, None]
        f = np.cos(3 * x).sum(1) - 0.1 * ((x - c) ** 2).sum(1)
        return f, -3 * np.sin(3 * x) - 0.2 * (x - c)

    rng = np.random.default_rng(1)
    cand = np.broadcast_to(rng.uniform(-6, 6, (200, 2)), (3, 200, 2)).copy()
    values = np.stack([value_and_grad(c, np.full(len(c), i))[0] for i, c in enumerate(cand)])
    x, f, res = multistart_maximize(
        value_and_grad,
        cand,
        values,
        n_explore=20,
        explore_iter=3,
        n_refine=4,
        gtol=1e-10,
    )
    best = x[np.arange(3), np.argmax(f, 1)]
    # brute force on a fine grid, then the nearby stationary point
    g = np.linspace(-6, 6, 1201)
    for i, c in enumerate(centres):
        v = np.cos(3 * g) - 0.1 * (g - c) ** 2
        x1 = g[np.argmax(v)]
        assert np.abs(best[i] - x1).max() < 0.02
        assert f[i].max() >= 2 * v.max() - 1e-12


def test_maximize_converges_on_the_gradient_where_values_are_rounded():
    """Values rounded to 1e-12 (a rounding floor far above the machine's), gradients exact: near
    the maximum Armijo cannot see progress, the steps that halve |grad| take it to gtol."""
    rng = np.random.default_rng(2)
    n, d = 10, 4
    A = rng.normal(size=(n, d, d))
    H = A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d)
    xs = rng.normal(size=(n, d))

    def fun(x, idx):
        dx = x - xs[idx]
        f = -0.5 * np.einsum("ni,nij,nj->n", dx, H[idx], dx)
        return np.round(f, 12), -np.einsum("nij,nj->ni", H[idx], dx)

    res = maximize(fun, np.zeros((n, d)), gtol=1e-11, max_iter=500)
    assert np.all(res.status == 0) and np.all(res.grad_norm <= 1e-11)
    assert np.abs(res.x - xs).max() < 1e-9


def test_closest_among_ties_prefers_the_reference_among_equal_maxima():
    f = np.array([[1.0, 1.0 - 1e-9, 0.5], [0.2, 0.9, 0.9]])
    x = np.array([[[3.0], [1.0], [0.0]], [[0.0], [2.0], [5.0]]])
    ref = np.array([[0.0], [4.0]])

    def distance(a, b):
        return np.abs(a - b)[..., 0]

    best, n_ties, spread = closest_among_ties(f, x, ref, distance, tie_tol=1e-6)
    assert best.tolist() == [1, 2]  # within 1e-6 of the maximum, closest to the reference
    assert n_ties.tolist() == [2, 2]
    assert spread.tolist() == [2.0, 3.0]


def test_grid_neighbours_of_a_product_grid_in_any_order():
    a, b = np.meshgrid([0.0, 0.5, 1.0], [2.0, 3.0], indexing="ij")
    a, b = a.ravel(), b.ravel()  # point k = (i, j) at k = 2 i + j
    nb = grid_neighbours(a, b)
    assert nb.shape == (6, 8)
    assert sorted(nb[0][nb[0] >= 0].tolist()) == [1, 2, 3]  # corner: 3 neighbours
    assert sorted(nb[2][nb[2] >= 0].tolist()) == [0, 1, 3, 4, 5]  # edge middle: 5
    perm = np.array([4, 0, 5, 2, 1, 3])
    nbp = grid_neighbours(a[perm], b[perm])
    for k in range(6):  # the same neighbours, whatever the order of the points
        got = sorted(perm[nbp[k][nbp[k] >= 0]].tolist())
        assert got == sorted(nb[perm[k]][nb[perm[k]] >= 0].tolist())


def _two_peaks(s):
    """f_k(x) = exp(-(x - 1)^2) (1 + s_k) + exp(-(x + 1)^2): the peak near +1 is the global one
    wherever s_k > 0, the one near -1 where s_k < 0."""

    def value_and_grad(x, idx):
        u, v = np.exp(-((x - 1) ** 2)), np.exp(-((x + 1) ** 2))
        w = (1 + s[idx])[:, None]
        return (w * u + v)[:, 0], -2 * (x - 1) * w * u - 2 * (x + 1) * v

    return value_and_grad


def test_continuation_carries_the_better_branch_along_a_chain_and_stops_at_a_fixed_point():
    """A chain of 12 problems, all started on the local peak near -1 but problem 0 on the
    global one near +1: the branch travels one neighbour per round to wherever it is the
    global maximum (s > 0), and stops where it is not (s < 0)."""
    s = np.r_[np.full(8, 0.3), np.full(4, -0.3)]
    fun = _two_peaks(s)
    x0 = np.full((12, 1), -1.0)
    x0[0] = 1.0
    n = np.arange(12)
    neighbours = np.stack([np.where(n > 0, n - 1, -1), np.where(n < 11, n + 1, -1)], -1)
    res0 = maximize(fun, x0, gtol=1e-12)
    x, f, (owner, xs, fs), rounds = continuation(fun, res0.x, res0.f, neighbours, gtol=1e-12)
    assert np.all(x[:8, 0] > 0.9) and np.all(x[8:, 0] < -0.9)
    assert 8 <= rounds <= 10  # seven steps to problem 7, then the rounds that find no gain
    assert np.all(f >= res0.f - 1e-15)
    assert np.allclose(fs, fun(xs, owner)[0])  # every reported result is the value at its x
    # the order of the problems does not matter (Jacobi rounds)
    perm = np.random.default_rng(0).permutation(12)
    inv = np.argsort(perm)
    nb_p = np.where(neighbours[perm] >= 0, inv[np.maximum(neighbours[perm], 0)], -1)
    xp, fp, _, rp = continuation(_two_peaks(s[perm]), res0.x[perm], res0.f[perm], nb_p, gtol=1e-12)
    assert np.array_equal(xp, x[perm]) and np.array_equal(fp, f[perm]) and rp == rounds
