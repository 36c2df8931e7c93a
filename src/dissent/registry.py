"""Resolve the function names of the configuration (solvers, companions, renderers, tables).

Config may name only declared functions (:mod:`dissent.contract`), each in its declared role.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from . import contract

ParameterError = contract.ParameterError  # the error of every parameter check (one home)


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
    assert callable(fn)  # a declaration is attached to functions only
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


# A figure's views, by file-name suffix: the paper's figure (config ``render``) and, where the
# config names one, our notes beside it (config ``notes``, figures/<paper>/<figure>-notes.*).
VIEWS = {"": "render", "-notes": "notes"}


def views(spec: Mapping) -> list[str]:
    """The file-name suffixes of the views a figure is drawn in: the paper's always (``render``
    defaults to ``<paper>.<figure>``), the others where the config names their function."""
    return ["", *(view for view, key in VIEWS.items() if view and key in spec)]


def view_renderer(spec: Mapping, view: str = "") -> str | None:
    """The render function a view of a figure is drawn with (None: the figure has no such view)."""
    return spec.get(VIEWS[view])
