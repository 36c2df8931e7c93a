"""The quantum core, each primitive once against QuTiP 5 (and known closed forms)."""

import numpy as np
import pytest
import qutip
from scipy.linalg import expm

from dissent.quantum import (
    DOWN,
    IDENTITY_2,
    PAULI,
    SIGMA_MINUS,
    SIGMA_PLUS,
    SIGMA_X,
    SIGMA_Y,
    SIGMA_Z,
    SINGLET,
    SINGLET_PROJECTOR,
    UP,
    batched_kron,
    concurrence,
    dissipator,
    evolve,
    fidelity,
    fixed_point,
    from_pauli_transfer,
    kernel_dimension,
    kernel_vector,
    kossakowski,
    liouvillian,
    min_pt_eigenvalue,
    negativity,
    no_jump_evolution,
    on_each_qubit,
    partial_transpose,
    pauli_basis,
    pauli_fixed_point,
    pauli_transfer,
    purity,
    steady_state,
    tangle,
    x_state_concurrence,
)
from dissent.quantum.superop import sandwich, unvec, vec

rng = np.random.default_rng(7)
TWO_QUBITS = [[2, 2], [2, 2]]


def random_h(d):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return a + a.conj().T


def random_ops(k, d):
    return rng.normal(size=(k, d, d)) + 1j * rng.normal(size=(k, d, d))


def random_state(d):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = a @ a.conj().T
    return rho / np.trace(rho)


def from_qutip_superop(superop: qutip.Qobj) -> np.ndarray:
    """QuTiP vectorises column-major: permute its basis to our row-major vec."""
    m = superop.full()
    d = int(round(np.sqrt(m.shape[0])))
    perm = np.arange(d * d).reshape(d, d).T.reshape(d * d)
    return m[np.ix_(perm, perm)]


def collective_decay_generator():
    """Collective decay of two qubits, sigma_1^- + sigma_2^-: the singlet is dark."""
    return liouvillian(np.zeros((4, 4)), on_each_qubit(SIGMA_MINUS).sum(axis=0)[None])


# --- operators --------------------------------------------------------------------------------


def test_single_qubit_operators_match_qutip():
    for ours, ref in (
        (SIGMA_X, qutip.sigmax()),
        (SIGMA_Y, qutip.sigmay()),
        (SIGMA_Z, qutip.sigmaz()),
        (SIGMA_PLUS, qutip.sigmap()),
        (SIGMA_MINUS, qutip.sigmam()),
        (IDENTITY_2, qutip.qeye(2)),
    ):
        assert np.array_equal(ours, ref.full())
    assert np.array_equal(PAULI, np.stack([IDENTITY_2, SIGMA_X, SIGMA_Y, SIGMA_Z]))
    assert np.array_equal(UP, qutip.basis(2, 0).full()[:, 0])
    assert np.array_equal(DOWN, qutip.basis(2, 1).full()[:, 0])
    assert np.array_equal(SIGMA_Z @ UP, UP) and np.array_equal(SIGMA_PLUS @ DOWN, UP)
    with pytest.raises(ValueError, match="read-only"):
        SIGMA_X[0, 0] = 1.0


def test_singlet_matches_qutip():
    ref = qutip.singlet_state().full()[:, 0]  # (|01> - |10>)/sqrt 2, |0> = up
    assert np.allclose(SINGLET, ref)
    assert np.allclose(SINGLET_PROJECTOR, qutip.ket2dm(qutip.singlet_state()).full())
    for sigma in PAULI[1:]:  # total spin zero: (sigma_1 + sigma_2)|S> = 0 for x, y, z
        assert np.allclose(on_each_qubit(sigma).sum(axis=0) @ SINGLET, 0)


def test_batched_kron_and_on_each_qubit_match_qutip_tensor():
    a, b = random_ops(5, 2), random_ops(5, 3)
    ours = batched_kron(a, b)
    assert ours.shape == (5, 6, 6)
    for k in range(5):
        assert np.allclose(ours[k], qutip.tensor(qutip.Qobj(a[k]), qutip.Qobj(b[k])).full())
    local = on_each_qubit(SIGMA_MINUS)
    assert np.allclose(local[0], qutip.tensor(qutip.sigmam(), qutip.qeye(2)).full())
    assert np.allclose(local[1], qutip.tensor(qutip.qeye(2), qutip.sigmam()).full())
    assert on_each_qubit(random_ops(3, 2)).shape == (3, 2, 4, 4)


def test_pauli_basis_matches_qutip_tensor_and_is_orthogonal():
    paulis = [qutip.qeye(2), qutip.sigmax(), qutip.sigmay(), qutip.sigmaz()]
    ref = np.stack([qutip.tensor(p, q).full() for p in paulis for q in paulis])
    assert np.allclose(pauli_basis(2), ref)
    p3 = pauli_basis(3)
    gram = np.einsum("aij,bji->ab", p3, p3)
    assert np.allclose(gram, 8 * np.eye(64))
    rho = random_state(4)
    c = np.real(np.einsum("aij,ji->a", pauli_basis(2), rho))
    assert np.allclose(np.einsum("a,aij->ij", c, pauli_basis(2)) / 4, rho)


# --- superoperators ---------------------------------------------------------------------------


def test_vectorisation_convention():
    a, b, rho = random_ops(1, 3)[0], random_ops(1, 3)[0], random_state(3)
    assert np.allclose(sandwich(a, b) @ vec(rho), vec(a @ rho @ b))
    assert np.allclose(unvec(vec(rho)), rho)


def test_lindblad_dissipator_and_liouvillian_match_qutip():
    h, jumps = random_h(4), random_ops(3, 4)
    assert np.allclose(
        dissipator(jumps[0]), from_qutip_superop(qutip.lindblad_dissipator(qutip.Qobj(jumps[0])))
    )
    ref = qutip.liouvillian(qutip.Qobj(h), [qutip.Qobj(j) for j in jumps])
    assert np.allclose(liouvillian(h, jumps), from_qutip_superop(ref))
    hs, js = (
        np.stack([random_h(2) for _ in range(5)]),
        np.stack([random_ops(2, 2) for _ in range(5)]),
    )
    batch = liouvillian(hs, js)
    assert batch.shape == (5, 4, 4)
    assert all(np.allclose(batch[i], liouvillian(hs[i], js[i])) for i in range(5))


def test_kossakowski_matches_qutip_and_the_diagonalised_lindblad_form():
    """sum_ij gamma_ij (A_i rho A_j^+ - {A_j^+ A_i, rho}/2) for any coefficient matrix."""
    ops = random_ops(3, 3)
    # real symmetric, indefinite (a nonlocal piece alone): QuTiP's D[a, b] = a . b^+ - {a^+ b, .}/2
    # sums to the same superoperator for real symmetric gamma
    gamma = rng.normal(size=(3, 3))
    gamma = gamma + gamma.T
    ref = sum(
        gamma[i, j] * qutip.lindblad_dissipator(qutip.Qobj(ops[i]), qutip.Qobj(ops[j]))
        for i in range(3)
        for j in range(3)
    )
    assert np.min(np.linalg.eigvalsh(gamma)) < 0
    assert np.allclose(kossakowski(ops, gamma), from_qutip_superop(ref))
    # complex Hermitian positive gamma = U w U^+: sum_m w_m D[J_m], J_m = sum_i U_im A_i, batched
    a = rng.normal(size=(2, 3, 3)) + 1j * rng.normal(size=(2, 3, 3))
    gamma = a @ np.conj(np.swapaxes(a, -1, -2))
    w, u = np.linalg.eigh(gamma)
    jumps = np.sqrt(w)[..., None, None] * np.einsum("nim,iab->nmab", u, ops)
    assert np.allclose(kossakowski(ops, gamma), liouvillian(np.zeros((2, 3, 3)), jumps))
    # trace-preserving for any complex gamma: tr(L[rho]) = 0, i.e. vec(1)^T L = 0
    general = kossakowski(ops, rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))
    assert np.allclose(vec(np.eye(3)) @ general, 0)


def test_pauli_transfer_of_a_rotation_and_round_trip():
    """exp(-i theta/2 sigma_z) rotates the Bloch vector about z by theta."""
    theta = 0.7
    u = qutip.Qobj(expm(-0.5j * theta * SIGMA_Z))
    transfer = pauli_transfer(from_qutip_superop(qutip.to_super(u)))
    rotation = np.eye(4)
    rotation[1:3, 1:3] = [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
    assert np.allclose(transfer, rotation)
    channel = expm(liouvillian(random_h(4), random_ops(2, 4)))
    transfer = pauli_transfer(channel)
    assert np.isrealobj(transfer) and np.allclose(transfer[0], np.eye(16)[0])  # trace-preserving
    assert np.allclose(from_pauli_transfer(transfer), channel)


# --- steady states ----------------------------------------------------------------------------


def test_steady_state_matches_qutip_batched():
    hs, jumps = [random_h(4) for _ in range(3)], [random_ops(2, 4) for _ in range(3)]
    rho, kdim = steady_state(np.stack([liouvillian(h, j) for h, j in zip(hs, jumps, strict=True)]))
    assert rho.shape == (3, 4, 4) and np.array_equal(kdim, [1, 1, 1])
    for k in range(3):
        ref = qutip.steadystate(qutip.Qobj(hs[k]), [qutip.Qobj(j) for j in jumps[k]]).full()
        assert np.allclose(rho[k], ref, atol=1e-9)


def test_degenerate_steady_state_is_the_long_time_limit_from_rho0():
    gen = collective_decay_generator()
    up_down = np.diag([0.0, 1.0, 0.0, 0.0]).astype(complex)
    rho, kdim = steady_state(gen)
    # stationary: any state on {|S>, |dd>} (kernel 4); no rho0: undefined, the kernel says why
    assert kdim == 4 and np.all(np.isnan(rho))
    rho, kdim = steady_state(np.stack([gen, gen]), rho0=up_down)
    assert np.array_equal(kdim, [4, 4])
    # half the population is trapped in the singlet, half decays to |dd>
    assert np.allclose(fidelity(rho, SINGLET), 0.5) and np.allclose(rho[:, 3, 3], 0.5)
    res = qutip.mesolve(
        qutip.Qobj(np.zeros((4, 4)), dims=TWO_QUBITS),
        qutip.Qobj(up_down, dims=TWO_QUBITS),
        [0.0, 40.0],
        [qutip.Qobj(on_each_qubit(SIGMA_MINUS).sum(axis=0), dims=TWO_QUBITS)],
        options={"atol": 1e-12, "rtol": 1e-10},
    )
    assert np.allclose(rho[0], res.states[-1].full(), atol=1e-8)


def test_kernel_vector_and_dimension_on_a_block():
    """The populations of the collective decay: a 4x4 block with the trace row (1, 1, 1, 1)."""
    gen = collective_decay_generator()
    diag = np.arange(4) * 5  # vec indices of the populations
    block = gen[np.ix_(diag, diag)]
    assert kernel_dimension(block) == 1  # among populations only |dd> is stationary
    x, kdim = kernel_vector(block, np.ones(4))
    assert kdim == 1 and np.allclose(x, [0, 0, 0, 1])
    x, kdim = kernel_vector(np.zeros((2, 4, 4)), np.ones(4))
    assert np.array_equal(kdim, [4, 4]) and np.all(np.isnan(x))
    assert kernel_dimension(np.diag([1.0, 1e-12, 0.0])) == 2


def test_fixed_point_of_channel_matches_qutip():
    h, jumps = random_h(3), random_ops(2, 3)
    rho, kdim = fixed_point(expm(liouvillian(h, jumps) * 0.7))
    ref = qutip.steadystate(qutip.Qobj(h), [qutip.Qobj(j) for j in jumps]).full()
    assert kdim == 1 and np.allclose(rho, ref, atol=1e-9)


def test_pauli_fixed_point_matches_qutip_and_resolves_degeneracy():
    h, jumps = random_h(4), random_ops(2, 4)
    channels = np.stack([expm(liouvillian(h, jumps) * t) for t in (0.3, 1.1)])
    rho, kdim = pauli_fixed_point(pauli_transfer(channels))
    ref = qutip.steadystate(
        qutip.Qobj(h, dims=TWO_QUBITS), [qutip.Qobj(j, dims=TWO_QUBITS) for j in jumps]
    ).full()
    assert np.array_equal(kdim, [1, 1]) and np.allclose(rho, ref, atol=1e-9)
    # the map of collective decay keeps {|S>, |dd>}: kernel 4, resolved from rho0 as fixed_point
    decay = pauli_transfer(expm(collective_decay_generator()))
    up_down = np.diag([0.0, 1.0, 0.0, 0.0])
    rho, kdim = pauli_fixed_point(decay, up_down)
    assert kdim == 4 and np.allclose(
        rho, fixed_point(expm(collective_decay_generator()), up_down)[0]
    )
    assert np.all(np.isnan(pauli_fixed_point(decay)[0]))
    one_qubit, kdim = pauli_fixed_point(pauli_transfer(expm(dissipator(SIGMA_MINUS))))
    assert kdim == 1 and np.allclose(one_qubit, np.outer(DOWN, DOWN))


# --- evolution --------------------------------------------------------------------------------


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


def test_no_jump_evolution_matches_normalised_qutip_sesolve():
    """H_eff = H - i sum_k J_k^+ J_k / 2 against QuTiP; an exceptional point in closed form."""
    h, jumps = random_h(3), random_ops(2, 3)
    h_eff = h - 0.5j * np.einsum("kji,kjl->il", jumps.conj(), jumps)
    psi0 = rng.normal(size=3) + 1j * rng.normal(size=3)
    psi0 /= np.linalg.norm(psi0)
    times = np.linspace(0.2, 1.2, 11)
    res = qutip.sesolve(
        qutip.Qobj(h_eff), qutip.Qobj(psi0), np.r_[0.0, times], options={"atol": 1e-12}
    )  # psi0 at t = 0 (QuTiP starts at the first time)
    ref = np.stack([s.full()[:, 0] for s in res.states[1:]])
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    ours = no_jump_evolution(np.stack([h_eff, h_eff]), psi0, times)
    assert ours.shape == (2, 11, 3, 3)
    assert np.allclose(ours[1], ref[:, :, None] * ref[:, None, :].conj(), atol=1e-8)
    # at the exceptional point of -delta tau_z - i Gamma tau_x (delta = Gamma = 1), Eq. (13) of
    # zou2022: C(t) = 2 t sqrt(1 + t^2)/(1 + 2 t^2) from |ud>, here in the {ud, du} subspace
    ep = np.array([[-1.0, -1.0j], [-1.0j, 1.0]])
    rho = no_jump_evolution(ep, np.array([1.0, 0.0], dtype=complex), np.linspace(0, 3, 7))
    t = np.linspace(0, 3, 7)
    assert np.allclose(2 * np.abs(rho[:, 0, 1]), 2 * t * np.sqrt(1 + t**2) / (1 + 2 * t**2))


# --- measures ---------------------------------------------------------------------------------


def test_concurrence_matches_qutip_and_bell_states():
    states = np.stack([random_state(4) for _ in range(20)])
    ref = [qutip.concurrence(qutip.Qobj(s, dims=TWO_QUBITS)) for s in states]
    assert np.allclose(concurrence(states), ref, atol=1e-9)
    assert np.isclose(concurrence(SINGLET_PROJECTOR), 1.0)
    assert np.isclose(concurrence(np.eye(4) / 4), 0.0)
    # Werner states: C = max(0, (3p - 1)/2), also on both sides of the switch between the two
    # ways of computing it (lowest eigenvalue (1 - p)/4 = 1e-4 at p = 1 - 4e-4)
    p = np.array([0.8, 1 - 3.9e-4, 1 - 4.1e-4, 1.0])
    werner = p[:, None, None] * SINGLET_PROJECTOR + (1 - p[:, None, None]) * np.eye(4) / 4
    assert np.allclose(concurrence(werner), (3 * p - 1) / 2, rtol=0, atol=1e-13)


def test_concurrence_keeps_full_precision_for_pure_states():
    """C = 2|psi_uu psi_dd - psi_ud psi_du| for pure states, to round-off (not its square root)."""
    psi = rng.normal(size=(200, 4)) + 1j * rng.normal(size=(200, 4))
    psi[:100, 3] = psi[:100, 1] * psi[:100, 2] / psi[:100, 0]  # product states: C = 0
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    exact = 2 * np.abs(psi[:, 0] * psi[:, 3] - psi[:, 1] * psi[:, 2])
    assert np.allclose(concurrence(psi[:, :, None] * psi.conj()[:, None, :]), exact, atol=1e-13)


def test_x_state_concurrence_matches_qutip():
    states = np.stack([random_state(4) for _ in range(40)])
    x_mask = np.eye(4) + np.fliplr(np.eye(4))  # diagonal, rho_{ud,du} and rho_{uu,dd}
    x_states = states * x_mask
    ref = [qutip.concurrence(qutip.Qobj(s, dims=TWO_QUBITS)) for s in x_states]
    assert np.allclose(x_state_concurrence(x_states), ref, atol=1e-9)
    assert np.count_nonzero(np.asarray(ref) > 0.05) > 3  # entangled X states in the sample
    assert np.isclose(x_state_concurrence(SINGLET_PROJECTOR), 1.0)


def test_tangle_is_squared_concurrence_and_4_det_rho_a_for_pure_states():
    states = np.stack([random_state(4) for _ in range(20)])
    ref = [qutip.concurrence(qutip.Qobj(s, dims=TWO_QUBITS)) ** 2 for s in states]
    assert np.allclose(tangle(states), ref, atol=1e-9)
    # pure states: tau = 4 det(rho_A), rho_A the reduced state of qubit A (independent formula)
    psi = rng.normal(size=(30, 4)) + 1j * rng.normal(size=(30, 4))
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    pure = psi[:, :, None] * psi.conj()[:, None, :]
    rho_a = np.einsum("nikjk->nij", pure.reshape(30, 2, 2, 2, 2))
    assert np.allclose(tangle(pure), 4 * np.real(np.linalg.det(rho_a)), atol=1e-9)


def test_partial_transpose_its_lowest_eigenvalue_and_negativity_match_qutip():
    states = np.stack([random_state(6) for _ in range(5)])
    for subsystem, mask in ((0, [1, 0]), (1, [0, 1])):
        ref = [
            qutip.partial_transpose(qutip.Qobj(s, dims=[[2, 3], [2, 3]]), mask).full()
            for s in states
        ]
        assert np.allclose(partial_transpose(states, (2, 3), subsystem), ref)
        assert np.allclose(
            min_pt_eigenvalue(states, (2, 3), subsystem),
            [np.linalg.eigvalsh(r)[0] for r in ref],
        )
    ref = [qutip.negativity(qutip.Qobj(s, dims=[[2, 3], [2, 3]]), 1) for s in states]
    assert np.allclose(negativity(states, (2, 3)), ref)
    assert np.isclose(min_pt_eigenvalue(SINGLET_PROJECTOR, (2, 2)), -0.5)


def test_purity_and_fidelity_match_qutip():
    rho, psi = random_state(3), rng.normal(size=3) + 1j * rng.normal(size=3)
    psi /= np.linalg.norm(psi)
    assert np.isclose(purity(rho), (qutip.Qobj(rho) ** 2).tr())
    assert np.isclose(fidelity(rho, psi), qutip.expect(qutip.Qobj(rho), qutip.Qobj(psi)))


def test_concurrence_floor_removes_the_square_roots_of_rounding_eigenvalues():
    """rho = p |psi><psi| + (1 - p) |00><00|, psi = a |01> + b |10>: rank 2 with lambda_2 = 0,
    C = 2 p |a b|. Eigenvalues of 1e-16 in its kernel (rounding of a solver) add lambda ~ 1e-8
    to the Wootters sum; with ``floor`` they are taken as 0 and C is exact again."""
    a, b, p = 0.6, 0.8, 0.7
    psi = np.array([0, a, b, 0], complex)
    rho = p * np.outer(psi, psi) + (1 - p) * np.diag([1.0, 0, 0, 0]).astype(complex)
    noise = np.diag([0, 0, 0, 1e-16]).astype(complex)
    chi = np.array([0, b, -a, 0], complex)
    noisy = rho + noise + 1e-16 * np.outer(chi, chi)
    exact = 2 * p * a * b
    assert abs(concurrence(rho) - exact) < 1e-14
    assert abs(concurrence(noisy) - exact) > 1e-9  # the square roots of 1e-16
    assert abs(concurrence(noisy, floor=1e-14) - exact) < 1e-14
    # a genuine small eigenvalue above the floor is kept
    mixed = rho + 1e-6 * np.diag([0, 0, 0, 1.0])
    assert concurrence(mixed, floor=1e-14) == pytest.approx(concurrence(mixed), abs=1e-15)
