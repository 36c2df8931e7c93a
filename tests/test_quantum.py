"""The shared quantum core against QuTiP and known closed forms."""

import numpy as np
import pytest
import qutip

from dissent.quantum import (
    concurrence,
    evolve,
    fixed_point,
    liouvillian,
    min_pt_eigenvalue,
    partial_transpose,
    steady_state,
    tangle,
)
from dissent.quantum.superop import kossakowski, sandwich, unvec, vec

rng = np.random.default_rng(7)


def random_h(d):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return a + a.conj().T


def random_ops(k, d):
    return rng.normal(size=(k, d, d)) + 1j * rng.normal(size=(k, d, d))


def random_state(d):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = a @ a.conj().T
    return rho / np.trace(rho)


def test_vectorisation_convention():
    a, b, rho = random_ops(1, 3)[0], random_ops(1, 3)[0], random_state(3)
    assert np.allclose(sandwich(a, b) @ vec(rho), vec(a @ rho @ b))
    assert np.allclose(unvec(vec(rho)), rho)


def test_liouvillian_matches_qutip():
    h, jumps = random_h(4), random_ops(3, 4)
    ours = liouvillian(h, jumps)
    ref = qutip.liouvillian(qutip.Qobj(h), [qutip.Qobj(j) for j in jumps]).full()
    # QuTiP vectorises column-major: permute our row-major basis to compare.
    perm = np.arange(16).reshape(4, 4).T.reshape(16)
    assert np.allclose(ours[np.ix_(perm, perm)], ref)


def test_batched_liouvillian_equals_single():
    hs = np.stack([random_h(2) for _ in range(5)])
    js = np.stack([random_ops(2, 2) for _ in range(5)])
    batch = liouvillian(hs, js)
    assert batch.shape == (5, 4, 4)
    for i in range(5):
        assert np.allclose(batch[i], liouvillian(hs[i], js[i]))


def test_kossakowski_diagonal_equals_lindblad():
    ops = random_ops(2, 3)
    gamma = np.diag([0.3, 1.7])
    expected = liouvillian(np.zeros((3, 3)), np.sqrt(gamma.diagonal())[:, None, None] * ops)
    assert np.allclose(kossakowski(ops, gamma), expected)
    with pytest.raises(ValueError, match="positive semidefinite"):
        kossakowski(ops, np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_steady_state_matches_qutip():
    h, jumps = random_h(4), random_ops(2, 4)
    rho = steady_state(liouvillian(h, jumps))
    ref = qutip.steadystate(qutip.Qobj(h), [qutip.Qobj(j) for j in jumps]).full()
    assert np.allclose(rho, ref, atol=1e-9)


def test_degenerate_steady_state_resolved_from_initial_state():
    # Collective decay of two qubits: the singlet is dark, so the kernel is two-dimensional.
    sm = np.array([[0, 0], [1, 0]], dtype=complex)  # |0>=up -> |1>=down
    eye = np.eye(2)
    collective = np.kron(sm, eye) + np.kron(eye, sm)
    gen = liouvillian(np.zeros((4, 4)), collective[None])
    up_down = np.zeros((4, 4), complex)
    up_down[1, 1] = 1.0
    with pytest.raises(ValueError, match="degenerate"):
        steady_state(gen)
    rho = steady_state(gen, rho0=up_down)
    singlet = np.array([0, 1, -1, 0]) / np.sqrt(2)
    # Half the population is trapped in the singlet, half decays to |down down>.
    assert np.isclose(singlet @ rho @ singlet, 0.5)
    assert np.isclose(rho[3, 3].real, 0.5)
    # The same as the long-time limit of the dynamics.
    late = evolve(gen, up_down, np.array([0.0, 40.0]))[-1]
    assert np.allclose(rho, late, atol=1e-10)


def test_fixed_point_of_channel():
    gen = liouvillian(random_h(3), random_ops(2, 3))
    from scipy.linalg import expm

    rho = fixed_point(expm(gen * 0.7))
    assert np.allclose(rho, steady_state(gen), atol=1e-9)


def test_evolve_matches_qutip_mesolve():
    h, jumps, rho0 = random_h(2), random_ops(1, 2), random_state(2)
    times = np.linspace(0, 2, 21)
    ours = evolve(liouvillian(h, jumps), rho0, times)
    res = qutip.mesolve(
        qutip.Qobj(h),
        qutip.Qobj(rho0),
        times,
        [qutip.Qobj(jumps[0])],
        options={"atol": 1e-10, "rtol": 1e-10},
    )
    assert np.allclose(ours, np.stack([s.full() for s in res.states]), atol=1e-7)
    with pytest.raises(ValueError, match="equally spaced"):
        evolve(liouvillian(h, jumps), rho0, np.array([0.0, 1.0, 3.0]))


def test_concurrence_matches_qutip_and_bell_states():
    states = np.stack([random_state(4) for _ in range(20)])
    ref = [qutip.concurrence(qutip.Qobj(s, dims=[[2, 2], [2, 2]])) for s in states]
    assert np.allclose(concurrence(states), ref, atol=1e-9)
    bell = np.array([0, 1, 1, 0]) / np.sqrt(2)
    assert np.isclose(concurrence(np.outer(bell, bell)), 1.0)
    assert np.isclose(concurrence(np.eye(4) / 4), 0.0)
    # Werner state: C = max(0, (3p - 1)/2).
    p = 0.8
    werner = p * np.outer(bell, bell) + (1 - p) * np.eye(4) / 4
    assert np.isclose(concurrence(werner), (3 * p - 1) / 2)


def test_tangle_is_squared_concurrence_and_4_det_rho_a_for_pure_states():
    states = np.stack([random_state(4) for _ in range(20)])
    ref = [qutip.concurrence(qutip.Qobj(s, dims=[[2, 2], [2, 2]])) ** 2 for s in states]
    assert np.allclose(tangle(states), ref, atol=1e-9)
    # pure states: tau = 4 det(rho_A), rho_A the reduced state of qubit A (independent formula)
    psi = rng.normal(size=(30, 4)) + 1j * rng.normal(size=(30, 4))
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    pure = psi[:, :, None] * psi.conj()[:, None, :]
    rho_a = np.einsum("nikjk->nij", pure.reshape(30, 2, 2, 2, 2))
    assert np.allclose(tangle(pure), 4 * np.real(np.linalg.det(rho_a)), atol=1e-9)


def test_partial_transpose_matches_qutip():
    rho = random_state(6)
    ref = qutip.partial_transpose(qutip.Qobj(rho, dims=[[2, 3], [2, 3]]), [0, 1]).full()
    assert np.allclose(partial_transpose(rho, (2, 3), subsystem=1), ref)
    bell = np.array([0, 1, 1, 0]) / np.sqrt(2)
    assert np.isclose(min_pt_eigenvalue(np.outer(bell, bell), (2, 2)), -0.5)
