"""The contract between configuration and code: what config may name, and what it may pass.

A function becomes nameable from ``config/papers/*.yaml`` only by a declaration next to it, and
the constraints of its parameters are declared once, in its signature, with ``typing.Annotated``
markers; the pre-run validation and its messages are derived from them::

    @contract.solver(check=_amplitudes_within_rate)    # relations between parameters (optional)
    def concurrence_dynamics(
        *, delta: Real, a: Positive, A: Real, boltzmann: Probability = 0.0, time: TimeGrid
    ) -> xr.Dataset: ...

    @contract.companion              # panels.<panel>.companion: fn(ds, **params)
    @contract.renderer               # render: fn(ds, *, <render_options>) -> Figure
    @contract.table                  # tables: [csv] -> <render>_csv(ds) -> str

Roles: :mod:`dissent.registry` resolves config names and refuses anything undeclared.
Constraints: :func:`check_values` checks every grid axis and param against its marker (a grid axis
value by value, a param as one value), then :func:`check_relations` runs the declared ``check``
on the whole grid. A parameter without a marker gets only the generic rule of
:class:`Unannotated` (finite numbers; a string if its default is one). Errors are
:class:`ParameterError` naming the parameter. This module imports nothing of the project:
every module may import it.
"""

from __future__ import annotations

import inspect
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

import numpy as np

ROLES = ("solver", "companion", "renderer", "table")
SHOWN = 60  # characters of an offending value quoted in a message


class ParameterError(ValueError):
    """A solver parameter (or grid axis) is outside its allowed range.

    ``key`` names the offending parameter ("" for the arguments as a whole); the message says
    what is allowed and what was given.
    """

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.message = message


# --- constraint markers ----------------------------------------------------------------------


def _shown(value) -> str:
    """Short text of a given value for a message (numpy values as plain Python values)."""
    text = repr(value.tolist() if isinstance(value, np.ndarray | np.generic) else value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _number_array(value) -> np.ndarray | None:
    """``value`` as a 1-D float array if it is a list/tuple/array of plain numbers, else None."""
    if isinstance(value, np.ndarray):
        ok = value.ndim == 1 and value.dtype.kind in "iuf"
        return value.astype(float) if ok else None
    if isinstance(value, list | tuple) and all(_is_number(v) for v in value):
        return np.asarray(value, dtype=float).reshape(-1)
    return None


@dataclass(frozen=True)
class Number:
    """One finite real number per grid point (a grid axis) or one number (a param).

    ``low``/``high`` bound it (``*_open``: strictly); ``integer``: a whole number (a param must
    then be written as an integer, a grid axis has integral values).
    """

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    @property
    def allowed(self) -> str:
        kind = "an integer" if self.integer else "a finite number"
        low, high = (f"{b:g}" for b in (self.low, self.high))
        if math.isfinite(self.low) and math.isfinite(self.high):
            left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
            return f"{kind} in {left}{low}, {high}{right}"
        if math.isfinite(self.low):
            return f"{kind} {'>' if self.low_open else '>='} {low}"
        if math.isfinite(self.high):
            return f"{kind} {'<' if self.high_open else '<='} {high}"
        return kind

    def good(self, x: np.ndarray) -> np.ndarray:
        """Elementwise: finite, in range, integral if required."""
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(x)
            ok &= (x > self.low) if self.low_open else (x >= self.low)
            ok &= (x < self.high) if self.high_open else (x <= self.high)
            if self.integer:
                ok &= x == np.round(x)
        return ok

    def problem(self, value, on_grid: bool) -> str | None:
        if on_grid:
            x = np.asarray(value, dtype=float).reshape(-1)
            bad = ~self.good(x)
            return f"got {_shown(x[bad][0])} on the grid" if bad.any() else None
        if isinstance(value, list | tuple | np.ndarray):
            return f"got a list {_shown(value)} (a list of values is a grid axis: grid.<name>)"
        if not _is_number(value) or (self.integer and not isinstance(value, int | np.integer)):
            return f"got {_shown(value)}"
        return None if self.good(np.array([float(value)]))[0] else f"got {_shown(value)}"


@dataclass(frozen=True)
class Vector:
    """A 1-D list (or axis spec) of numbers, a param only: each element satisfies ``element``;
    ``size``: exactly that many; ``increasing``: strictly increasing (a time axis)."""

    element: Number = Number()
    size: int | None = None
    increasing: bool = False

    @property
    def allowed(self) -> str:
        count = f"{self.size} " if self.size is not None else ""
        order = "strictly increasing " if self.increasing else ""
        return f"a list of {count}{order}numbers, each {self.element.allowed}"

    def problem(self, value, on_grid: bool) -> str | None:
        if on_grid:
            return "a list given in params, not a grid axis"
        x = _number_array(value)
        if x is None:
            return f"got {_shown(value)}"
        if x.size == 0 or (self.size is not None and x.size != self.size):
            return f"got {x.size} values"
        bad = ~self.element.good(x)
        if bad.any():
            return f"got {_shown(x[bad][0])} at position {int(np.argmax(bad))}"
        if self.increasing and np.any(np.diff(x) <= 0):
            i = int(np.argmax(np.diff(x) <= 0))
            return f"got {_shown(x[i + 1])} after {_shown(x[i])} at position {i + 1}"
        return None


@dataclass(frozen=True)
class Choice:
    """A string, one of ``options`` (a param only)."""

    options: tuple[str, ...]

    @property
    def allowed(self) -> str:
        return f"one of {sorted(self.options)}"

    def problem(self, value, on_grid: bool) -> str | None:
        if on_grid:
            return "a string given in params, not a grid axis"
        return None if isinstance(value, str) and value in self.options else f"got {_shown(value)}"


@dataclass(frozen=True)
class Unannotated:
    """The generic rule of a parameter without a marker, from its default: a string if the
    default (or annotation) is one; one finite number (per grid point or as one value) if the
    default is a number; else a finite number or a non-empty list of finite numbers."""

    string: bool = False
    number: bool = False

    @property
    def allowed(self) -> str:
        if self.string:
            return "a string"
        return "a finite number" if self.number else "a finite number or a list of finite numbers"

    def problem(self, value, on_grid: bool) -> str | None:
        if self.string:
            return None if isinstance(value, str) else f"got {_shown(value)}"
        x: np.ndarray | None
        if on_grid or _is_number(value):
            x = np.asarray(value, dtype=float).reshape(-1)
        elif self.number:
            return f"got {_shown(value)}"
        else:
            x = _number_array(value)
        if x is None or x.size == 0:
            return f"got {_shown(value)}"
        bad = ~np.isfinite(x)
        return f"got {_shown(x[bad][0])}" if bad.any() else None


Constraint = Number | Vector | Choice | Unannotated

# The markers of the papers' parameters; a custom range: Annotated[float, Number(0, 1, ...)].
Real = Annotated[float, Number()]
Positive = Annotated[float, Number(low=0.0, low_open=True)]
NonNegative = Annotated[float, Number(low=0.0)]  # rates, temperatures
Probability = Annotated[float, Number(0.0, 1.0)]
Count = Annotated[int, Number(low=1, integer=True)]  # sizes, numbers of starts or iterations
NonNegativeInt = Annotated[int, Number(low=0, integer=True)]  # seeds, indices
Numbers = Annotated[np.ndarray, Vector()]
TimeGrid = Annotated[np.ndarray, Vector(increasing=True, element=Number(low=0.0))]


def OneOf(*options: str):  # noqa: N802 (a type factory, used like the markers above)
    """The marker of a string parameter with these ``options``: ``Annotated[str, Choice(options)]``.

    A call is not a valid annotation for a type checker: in modules write that alias instead
    (``Interaction = Annotated[str, Choice(tuple(INTERACTIONS))]``); it reads the same."""
    return Annotated[str, Choice(tuple(options))]


# --- declarations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """What a declared function is: its ``role`` (one of :data:`ROLES`), the ``check`` of the
    relations between its parameters (``check(**arguments)`` raising :class:`ParameterError`)
    and, for solvers and companions, the ``outputs`` it returns or adds: the names of its
    variables and coordinates (grid axes and ``point`` aside), of which ``infinite`` may hold
    +-inf (every other float must be finite or NaN)."""

    role: str
    check: Callable[..., None] | None = None
    outputs: tuple[str, ...] | None = None
    infinite: tuple[str, ...] = ()


def declaration(obj) -> Declaration | None:
    """The declaration of ``obj``, or None if it is not a declared function."""
    found = getattr(obj, "declaration", None)
    return found if isinstance(found, Declaration) else None


def _declare(role: str):
    def declare(fn: Callable | None = None, /, *, check=None, cost=None, outputs=None, infinite=()):
        def attach(fn: Any) -> Callable:  # Any: a function, given attributes below
            if not callable(fn) or isinstance(fn, type):
                raise TypeError(f"@contract.{role} declares a function, not {fn!r}")
            if outputs is not None and not set(infinite) <= set(outputs):
                raise TypeError(f"@contract.{role}: infinite names an undeclared output")
            names = None if outputs is None else tuple(outputs)
            fn.declaration = Declaration(role, check, names, tuple(infinite))
            if cost is not None:
                fn.cost = cost
            return fn

        return attach if fn is None else attach(fn)

    declare.__name__ = declare.__qualname__ = role
    declare.__doc__ = (
        f"Declare ``fn`` a {role}: config may name it where a {role} is expected. Use bare "
        f"(``@contract.{role}``) or with ``check=`` (relations between parameters, "
        "``check(**arguments)`` raising ParameterError) and, for solvers, ``cost=`` (the "
        "per-point cost model of :func:`dissent.pipeline.chunk_bounds`)."
    )
    return declare


solver = _declare("solver")
companion = _declare("companion")
renderer = _declare("renderer")
table = _declare("table")


# --- derived validation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A keyword-only parameter of a declared function and its constraint."""

    name: str
    constraint: Constraint
    required: bool
    default: object = None


def _markers(hint) -> list:
    """The constraint markers of an annotation (also inside ``X | None``)."""
    found = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Constraint)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            found += _markers(arg)
    return found


@cache
def parameters(fn: Callable) -> dict[str, Parameter]:
    """The keyword-only parameters of ``fn`` with their constraints (markers, else generic)."""
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except NameError as exc:
        raise TypeError(f"{fn.__qualname__}: an annotation cannot be resolved ({exc})") from None
    out = {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind is not p.KEYWORD_ONLY:
            continue
        markers = _markers(hints.get(p.name))
        if len(markers) > 1:
            raise TypeError(f"{fn.__qualname__}: {p.name} has {len(markers)} constraint markers")
        string = isinstance(p.default, str) or hints.get(p.name) is str
        constraint = markers[0] if markers else Unannotated(string, _is_number(p.default))
        default = None if p.default is p.empty else p.default
        out[p.name] = Parameter(p.name, constraint, p.default is p.empty, default)
    return out


def _takes_any_keyword(fn: Callable) -> bool:
    return any(p.kind is p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())


def check_values(
    fn: Callable, grid: Mapping[str, np.ndarray], params: Mapping, *, complete: bool = True
) -> None:
    """Check names and values of ``fn``'s arguments against its declared constraints.

    ``grid``: axis name -> its values (checked value by value); ``params``: name -> value as given
    (an axis spec already expanded to an array). ``complete``: every required parameter must be
    given. Raises :class:`ParameterError` naming the parameter, saying what is allowed and what
    was given.
    """
    declared = parameters(fn)
    if _takes_any_keyword(fn):  # **kwargs: a companion receives every param of its panel
        grid = {k: v for k, v in grid.items() if k in declared}
        params = {k: v for k, v in params.items() if k in declared}
    for name in [*grid, *params]:
        if name not in declared:
            raise ParameterError(
                name, f"unknown parameter of {fn.__name__}; it accepts {sorted(declared)}"
            )
    for name in sorted(set(grid) & set(params)):
        raise ParameterError(name, "given both as a grid axis and as a param")
    if complete:
        for name, p in declared.items():
            if p.required and name not in grid and name not in params:
                raise ParameterError(name, f"missing; {fn.__name__} needs {p.constraint.allowed}")
    for on_grid, values in ((True, grid), (False, params)):
        for name, value in values.items():
            p = declared[name]
            if value is None and not p.required and p.default is None:
                continue
            problem = p.constraint.problem(value, on_grid)
            if problem is not None:
                raise ParameterError(name, f"expected {p.constraint.allowed}; {problem}")


def outputs(fn: Callable) -> tuple[str, ...] | None:
    """The declared output names of a solver or companion (None: not declared)."""
    found = declaration(fn)
    return None if found is None else found.outputs


def check_result(fn: Callable, result, inputs=()) -> None:
    """A solver's or companion's result against its declaration: only declared outputs (and
    ``inputs``, the grid axes or the dataset it was given), each with long_name and units, no
    +-inf outside ``infinite``. Raises ValueError saying what to change."""
    found = declaration(fn)
    names = set(result.variables) - {"point"} - set(inputs)
    if found is not None and found.outputs is not None:
        extra = sorted(names - set(found.outputs))
        if extra:
            raise ValueError(
                f"{fn.__name__} returned {extra}, not among its declared outputs: add them to "
                f"@contract.{found.role}(outputs=...) next to it"
            )
    bare = sorted(n for n in names if not {"long_name", "units"} <= set(result[n].attrs))
    if bare:
        raise ValueError(
            f"{fn.__name__} returned variables without long_name/units: {bare}; build them with "
            "dissent.io.cf_variable(dims, values, long_name, units)"
        )
    allowed = set(found.infinite) if found is not None else set()
    for name in sorted(names - allowed):
        values = result[name].values
        if values.dtype.kind == "f" and np.isinf(values).any():
            raise ValueError(
                f"{fn.__name__} returned {int(np.isinf(values).sum())} infinite values in "
                f"{name!r}: return NaN where it is undefined, or declare it "
                f"@contract.{getattr(found, 'role', 'solver')}(infinite=({name!r},))"
            )


def check_relations(fn: Callable, arguments: Mapping) -> None:
    """Run the declared relation check of ``fn`` (after :func:`check_values` passed).

    ``arguments``: grid axes as 1-D arrays over all points, params as given. A hand-written check
    that fails on values of an unexpected type (a parameter without a marker) becomes a
    :class:`ParameterError` naming the suspect parameter, instead of a traceback.
    """
    found = declaration(fn)
    check = getattr(found, "check", None)
    if check is None:
        return
    try:
        check(**arguments)
    except ParameterError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a check is a bad input, reported
        declared = parameters(fn)
        suspects = [
            name
            for name, value in arguments.items()
            if isinstance(value, list | tuple)
            and isinstance(getattr(declared.get(name), "constraint", None), Unannotated)
        ]
        raise ParameterError(
            suspects[0] if len(suspects) == 1 else "",
            f"the parameter check of {fn.__name__} failed on these values "
            f"({type(exc).__name__}: {exc}); one value where a list was given?",
        ) from None


def check_arguments(fn: Callable, arguments: Mapping) -> None:
    """Every check of a declared function on keyword ``arguments``, for tests and direct calls:
    :func:`check_values` (a 1-D array counts as a grid axis where the parameter takes one value
    per point; required parameters may be left out), then :func:`check_relations`."""
    declared = parameters(fn)
    grid = {
        k: v
        for k, v in arguments.items()
        if isinstance(v, np.ndarray)
        and not isinstance(getattr(declared.get(k), "constraint", None), Vector)
    }
    params = {k: v for k, v in arguments.items() if k not in grid}
    check_values(fn, grid, params, complete=False)
    check_relations(fn, arguments)
