"""The batched maximiser of :mod:`dissent.optimize` on functions with known maxima."""

import numpy as np

from dissent.optimize import maximize, multistart_maximize


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
    x, f, _, res = multistart_maximize(
        lambda x, i: value_and_grad(x, i)[0],
        value_and_grad,
        cand,
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
