"""The contract between configuration and code: which functions config may name, and in what role.

A function becomes nameable from ``config/papers/*.yaml`` only by a declaration next to it::

    @contract.solver                 # panels.<panel>.solver
    def concurrence_dynamics(*, delta, a, A, time) -> xr.Dataset: ...

    @contract.companion              # panels.<panel>.companion
    @contract.renderer               # render: (a figure from its dataset)
    @contract.table                  # tables: [csv] -> <render>_csv

:mod:`dissent.registry` resolves config names and refuses anything undeclared, so a typo or an
arbitrary attribute of a module (``zou2022.__class__``) stops the workflow before any job.
This module imports nothing of the project: every model and figure module may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("solver", "companion", "renderer", "table")


@dataclass(frozen=True)
class Declaration:
    """What a declared function is: its ``role`` (one of :data:`ROLES`)."""

    role: str


def declaration(obj) -> Declaration | None:
    """The declaration of ``obj``, or None if it is not a declared function."""
    found = getattr(obj, "declaration", None)
    return found if isinstance(found, Declaration) else None


def _declare(role: str) -> Callable[[Callable], Callable]:
    def declare(fn: Callable) -> Callable:
        if not callable(fn):
            raise TypeError(f"@{role} declares a function, not {fn!r}")
        fn.declaration = Declaration(role)
        return fn

    declare.__name__ = role
    declare.__doc__ = f"Declare ``fn`` a {role}: config may name it where a {role} is expected."
    return declare


solver = _declare("solver")
companion = _declare("companion")
renderer = _declare("renderer")
table = _declare("table")
