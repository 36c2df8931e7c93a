"""Shared quantum core: superoperators, steady states, time evolution, entanglement measures."""

from .evolve import evolve
from .measures import (
    concurrence,
    fidelity,
    min_pt_eigenvalue,
    partial_transpose,
    purity,
    tangle,
)
from .steady import fixed_point, kernel_dimension, steady_state
from .superop import liouvillian

__all__ = [
    "concurrence",
    "evolve",
    "fidelity",
    "fixed_point",
    "kernel_dimension",
    "liouvillian",
    "min_pt_eigenvalue",
    "partial_transpose",
    "purity",
    "steady_state",
    "tangle",
]
