"""The quantum core: the one home of the quantum primitives every paper module uses.

- :mod:`.operators`: Pauli matrices and basis, ladder operators, the singlet, ``batched_kron``.
- :mod:`.superop`: vec convention, Hamiltonian part, Lindblad and Kossakowski dissipators,
  Pauli transfer matrices.
- :mod:`.steady`: steady states and fixed points, all returning ``(state, kernel dimension)``.
- :mod:`.evolve`: exact time evolution on a uniform time grid (Lindblad; no-jump trajectory).
- :mod:`.measures`: concurrence (Wootters; X states), tangle, partial transpose and its lowest
  eigenvalue, negativity, purity, fidelity.

Everything is batched over leading axes (stacks of small dense matrices).
"""

from .evolve import evolve, no_jump_evolution
from .measures import (
    concurrence,
    fidelity,
    min_pt_eigenvalue,
    negativity,
    partial_transpose,
    purity,
    tangle,
    x_state_concurrence,
)
from .operators import (
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
    on_each_qubit,
    pauli_basis,
)
from .steady import (
    fixed_point,
    kernel_dimension,
    kernel_vector,
    pauli_fixed_point,
    steady_state,
)
from .superop import (
    dissipator,
    from_pauli_transfer,
    hamiltonian_part,
    kossakowski,
    liouvillian,
    pauli_transfer,
)

__all__ = [
    "DOWN",
    "IDENTITY_2",
    "PAULI",
    "SIGMA_MINUS",
    "SIGMA_PLUS",
    "SIGMA_X",
    "SIGMA_Y",
    "SIGMA_Z",
    "SINGLET",
    "SINGLET_PROJECTOR",
    "UP",
    "batched_kron",
    "concurrence",
    "dissipator",
    "evolve",
    "fidelity",
    "fixed_point",
    "from_pauli_transfer",
    "hamiltonian_part",
    "kernel_dimension",
    "kernel_vector",
    "kossakowski",
    "liouvillian",
    "min_pt_eigenvalue",
    "negativity",
    "no_jump_evolution",
    "on_each_qubit",
    "partial_transpose",
    "pauli_basis",
    "pauli_fixed_point",
    "pauli_transfer",
    "purity",
    "steady_state",
    "tangle",
    "x_state_concurrence",
]
