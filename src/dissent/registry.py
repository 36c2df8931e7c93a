"""Resolve solver/render names from config and validate solver parameters before any job runs.

Config may name only declared functions (:mod:`dissent.contract`), each in its declared role.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

import numpy as np

from . import contract


class ParameterError(ValueError):
    """A solver parameter (or grid axis) is outside its allowed range.

    ``key`` names the offending parameter; the message says what is allowed.
    """

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def validates(check: Callable[..., None]):
    """Attach ``check(**kwargs)`` to a solver; it is run on the full grid before any job."""

    def attach(fn):
        fn.validate = check
        return fn

    return attach


def estimated_cost(model: Callable[..., np.ndarray]):
    """Declare a solver's relative cost per point, used to cut chunks of equal estimated cost.

    ``model(**kwargs)`` gets the solver's keyword arguments on the whole grid (grid axes as 1-D
    arrays of length npoints, params as given) and returns npoints non-negative numbers in any
    unit (only ratios matter), e.g. ``dim**3`` of the matrix solved at each point. Without a model
    every point costs the same.
    """

    def attach(fn):
        fn.cost = model
        return fn

    return attach


def resolve(name: str, package: str) -> Callable:
    """Import ``package.<module>.<function>`` from a config name ``"<module>.<function>"``."""
    module_name, _, attr = name.rpartition(".")
    if not module_name:
        raise ValueError(f"{name!r} is not of the form '<module>.<function>'")
    module = importlib.import_module(f"{package}.{module_name}")
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ValueError(f"{package}.{module_name} has no function {attr!r}") from None


class NotDeclaredError(ValueError):
    """A config name resolves to something that is not declared in the role config uses it in."""


def declared(name: str, package: str, role: str) -> Callable:
    """The function named ``"<module>.<function>"`` in ``package``, declared as ``role``.

    Raises :class:`NotDeclaredError` (listing the module's declared functions of that role) for
    anything else: a missing or undeclared function, one of another role, a class, a constant.
    """
    module_name, _, attr = name.rpartition(".")
    if not module_name:
        raise ValueError(f"{name!r} is not of the form '<module>.<function>'")
    module = importlib.import_module(f"{package}.{module_name}")
    fn = getattr(module, attr, None)
    found = contract.declaration(fn)
    if found is None or found.role != role:
        choices = sorted(
            f"{module_name}.{key}"
            for key, value in vars(module).items()
            if getattr(contract.declaration(value), "role", None) == role
        )
        why = ""
        if fn is None:
            why = " (no such name)"
        elif found is not None:
            why = f" (it is a declared {found.role})"
        raise NotDeclaredError(f"{name!r} is not a declared {role}{why}; declared: {choices}")
    return fn


def solver(name: str) -> Callable:
    """The solver named ``"<module>.<function>"`` in :mod:`dissent.models`."""
    return declared(name, "dissent.models", "solver")


def companion(name: str) -> Callable:
    """The companion named ``"<module>.<function>"`` in :mod:`dissent.models`."""
    return declared(name, "dissent.models", "companion")


def renderer(name: str) -> Callable:
    """The render function named ``"<module>.<function>"`` in :mod:`dissent.figures`."""
    return declared(name, "dissent.figures", "renderer")


def table(name: str) -> Callable:
    """The table function named ``"<module>.<render>_<ext>"`` in :mod:`dissent.figures`."""
    return declared(name, "dissent.figures", "table")


def keyword_names(fn: Callable) -> tuple[set[str], set[str]]:
    """(all keyword names, required keyword names) of a solver."""
    params = inspect.signature(fn).parameters.values()
    names = {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    required = {p.name for p in params if p.name in names and p.default is p.empty}
    return names, required


def accepts_string(fn: Callable, name: str) -> bool:
    """Whether keyword ``name`` of a solver takes a string (annotated str or a str default)."""
    param = inspect.signature(fn).parameters[name]
    return isinstance(param.default, str) or "str" in str(param.annotation)
