"""The solver contract: only declared functions may be named by config, each in its role."""

import re
import sys
import time
import types
from typing import Annotated

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from dissent import config as cfg
from dissent import contract, registry

PAPERS = cfg.load_papers(cfg.paper_files("config/papers"))


def _configured_names():
    """(lookup, name) of every function the configuration names, both variants."""
    names = set()
    for paper, figures in PAPERS.items():
        for figure in figures:
            for variant in cfg.VARIANTS:
                spec = cfg.figure_spec(PAPERS, paper, figure, variant)
                names.add(("renderer", spec["render"]))
                names |= {("table", f"{spec['render']}_{ext}") for ext in spec.get("tables", [])}
                for panel in spec.get("panels", {}).values():
                    names.add(("solver", panel["solver"]))
                    if "companion" in panel:
                        names.add(("companion", panel["companion"]))
    return sorted(names)


@pytest.mark.parametrize(("role", "name"), _configured_names())
def test_every_configured_function_is_declared_in_its_role(role, name):
    fn = getattr(registry, role)(name)
    assert contract.declaration(fn).role == role


@pytest.mark.parametrize(
    ("role", "name", "why"),
    [
        ("solver", "zou2022.__class__", r"not a declared solver; declared: \["),
        ("solver", "zou2022.np", "not a declared solver"),
        ("solver", "zou2022.nothing", r"not a declared solver \(no such name\)"),
        ("solver", "zou2022.zero_temperature_companion", "it is a declared companion"),
        ("companion", "zou2022.concurrence_dynamics", "it is a declared solver"),
        ("renderer", "zou2022.np", "not a declared renderer"),
        ("renderer", "bello2022_homogeneous.table2_csv", "it is a declared table"),
        ("table", "bello2022_homogeneous.table2", "it is a declared renderer"),
    ],
)
def test_undeclared_names_are_refused(role, name, why):
    with pytest.raises(registry.NotDeclaredError, match=why):
        getattr(registry, role)(name)


def test_the_refusal_lists_the_declared_functions_of_the_module():
    with pytest.raises(registry.NotDeclaredError) as err:
        registry.solver("zou2022.__class__")
    assert "'zou2022.concurrence_dynamics'" in str(err.value)
    assert "companion" not in str(err.value)


def test_a_declaration_marks_the_function_and_returns_it_unchanged():
    def f(*, x):
        return x

    assert contract.solver(f) is f and contract.declaration(f).role == "solver"
    assert contract.declaration(len) is None and contract.declaration(object) is None
    with pytest.raises(TypeError):
        contract.solver(3.0)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        (
            {"fig2": {"panels": {"main": {"solver": "zou2022.__class__"}}}},
            "zou2022.fig2.panels.main.solver: 'zou2022.__class__' is not a declared solver",
        ),
        (
            {"fig2": {"panels": {"main": {"companion": "zou2022.concurrence_dynamics"}}}},
            "zou2022.fig2.panels.main.companion: 'zou2022.concurrence_dynamics' is not a declared",
        ),
        ({"fig2": {"render": "zou2022.np"}}, "zou2022.fig2.render"),
        (
            {"fig2": {"tables": ["csv"]}},
            "zou2022.fig2.tables: 'zou2022.fig2_csv' is not a declared table (no such name)",
        ),
    ],
)
def test_config_naming_an_undeclared_function_is_a_config_error(override, key):
    with pytest.raises(cfg.ConfigError) as err:
        cfg.validate(cfg.deep_merge(PAPERS, {"zou2022": override}), ["zou2022"])
    assert str(err.value).startswith(key), str(err.value)


# --------------------------------------------------------------- constraints declared in signatures
@contract.solver(check=lambda *, a, A, **_: _amplitude_within_rate(a, A))
def _drill_solver(
    *,
    a: contract.Positive,
    A: contract.Real,
    gamma: contract.NonNegative = 0.0,
    p: contract.Probability = 0.5,
    n: contract.Count = 1,
    seed: contract.NonNegativeInt = 0,
    kind: contract.OneOf("ferro", "antiferro") = "ferro",  # noqa: F821 (a marker, not a name)
    time: contract.TimeGrid,
    g: Annotated[np.ndarray, contract.Vector(size=2)] = (0.5, 0.5),
    r_max: Annotated[float, contract.Number(0.0, 1.0, low_open=True)] = 1.0,
    extra=None,
):
    """A solver of a made-up figure: the contract's markers, one of each."""


def _amplitude_within_rate(a, A):
    if np.any(np.abs(A) > a):
        raise registry.ParameterError("A", f"|A| <= a (got |A| = {np.max(np.abs(A)):g} > a)")


GOOD = {"a": 1.0, "A": np.array([-1.0, 0.0, 0.5]), "time": np.linspace(0.0, 1.0, 5)}


@pytest.mark.parametrize(
    ("change", "key", "says"),
    [
        ({"a": float("nan")}, "a", "expected a finite number > 0; got nan"),
        ({"a": 0.0}, "a", "> 0; got 0.0"),
        ({"a": [1.0, 2.0]}, "a", "> 0; got a list [1.0, 2.0] (a list of values is a grid axis"),
        ({"a": "1.0"}, "a", "got '1.0'"),
        ({"a": True}, "a", "> 0; got True"),
        ({"gamma": -0.1}, "gamma", "a finite number >= 0; got -0.1"),
        ({"gamma": float("inf")}, "gamma", "got inf"),
        ({"p": 1.5}, "p", "in [0, 1]; got 1.5"),
        ({"n": 0}, "n", "an integer >= 1; got 0"),
        ({"n": 2.0}, "n", "an integer >= 1; got 2.0"),
        ({"seed": -1}, "seed", "an integer >= 0"),
        ({"kind": "ferromagnet"}, "kind", "one of ['antiferro', 'ferro']; got 'ferromagnet'"),
        ({"kind": 1.0}, "kind", "got 1.0"),
        ({"time": np.array([0.0, 2.0, 1.0])}, "time", "strictly increasing"),
        ({"time": np.array([-1.0, 2.0])}, "time", "got -1.0 at position 0"),
        ({"time": 3.0}, "time", "a list of strictly increasing numbers"),
        ({"g": [0.5]}, "g", "a list of 2 numbers, each a finite number; got 1 values"),
        ({"r_max": 0.0}, "r_max", "a finite number in (0, 1]; got 0.0"),
        ({"extra": float("nan")}, "extra", "a finite number or a list of finite numbers"),
        ({"extra": "text"}, "extra", "got 'text'"),
        ({"A": np.array([0.0, 2.0])}, "A", "|A| <= a"),  # the declared relation
        ({"b": 1.0}, "b", "unknown parameter of _drill_solver; it accepts ['A', 'a', "),
    ],
)
def test_markers_derive_the_check_and_its_message(change, key, says):
    with pytest.raises(registry.ParameterError) as err:
        contract.check_arguments(_drill_solver, {**GOOD, **change})
    assert err.value.key == key and says in err.value.message, err.value.message


def test_markers_accept_good_values_and_none_where_the_default_is_none():
    contract.check_arguments(_drill_solver, GOOD)
    contract.check_arguments(_drill_solver, {**GOOD, "extra": None, "g": [0.1, 0.2], "n": 3})
    contract.check_arguments(_drill_solver, {**GOOD, "kind": "antiferro", "extra": [1.0, 2.0]})


def test_grid_axes_are_checked_value_by_value_and_only_where_one_value_per_point():
    grid = {"a": np.array([1.0, 2.0]), "A": np.array([0.5])}
    contract.check_values(_drill_solver, grid, {"time": [0.0, 1.0]})
    with pytest.raises(registry.ParameterError, match=r"^a: .* got -2.0 on the grid"):
        contract.check_values(_drill_solver, {"a": np.array([1.0, -2.0])}, {"A": 0.0, "time": [0]})
    with pytest.raises(registry.ParameterError, match="^time: .*not a grid axis"):
        contract.check_values(_drill_solver, {"time": np.array([0.0, 1.0])}, {"a": 1.0, "A": 0.0})
    with pytest.raises(registry.ParameterError, match="^kind: .*not a grid axis"):
        contract.check_values(_drill_solver, {"kind": np.array([0.0])}, {**GOOD, "A": 0.0})
    with pytest.raises(registry.ParameterError, match="^time: missing; _drill_solver needs a list"):
        contract.check_values(_drill_solver, {}, {"a": 1.0, "A": 0.0})
    with pytest.raises(registry.ParameterError, match="^a: given both as a grid axis and as"):
        contract.check_values(_drill_solver, {"a": np.ones(1)}, {"a": 1.0, "A": 0.0, "time": [0]})


def test_a_hand_written_check_that_fails_on_a_list_names_the_list():
    @contract.solver(check=lambda *, x, y: x * 2.5 + y)
    def f(*, x, y):
        pass

    with pytest.raises(registry.ParameterError) as err:
        contract.check_arguments(f, {"x": [1.0, 2.0], "y": 1.0})
    assert err.value.key == "x" and "TypeError" in err.value.message


def test_every_declared_function_has_resolvable_annotations():
    """parameters() evaluates each declared function's annotations (markers included) once."""
    for role, name in _configured_names():
        fn = getattr(registry, role)(name)
        assert all(isinstance(p, contract.Parameter) for p in contract.parameters(fn).values())


def test_the_cost_model_is_part_of_the_declaration():
    def model(**kw):
        return np.ones(3)

    @contract.solver(cost=model)
    def f(*, x):
        pass

    assert f.cost is model and contract.declaration(f).role == "solver"


# ------------------------------------------------------------------ the bad-input drill (issue 16)
def _zou(override):
    return cfg.deep_merge(PAPERS, {"zou2022": override})


def _panel(**body):
    return {"fig2": {"panels": {"main": body}}}


DRILL = [
    # (override of zou2022, the key the message must start with, what it must say)
    (_panel(params={"a": float("nan")}), "zou2022.fig2.panels.main.params.a", "got nan"),
    (
        _panel(params={"boltzmann": float("inf")}),
        "zou2022.fig2.panels.main.params.boltzmann",
        "inf",
    ),
    (
        _panel(grid={"delta": {"values": [0.0, float("nan")]}}),
        "zou2022.fig2.panels.main.grid.delta",
        "finite",
    ),
    (
        _panel(grid={"delta": {"values": [1.0, 0.3, 1.0]}}),
        "zou2022.fig2.panels.main.grid.delta",
        "repeated value 1",
    ),
    (
        _panel(grid={"delta": {"linspace": [1.0, 1.0, 3]}}),
        "zou2022.fig2.panels.main.grid.delta",
        "repeated value 1",
    ),
    (
        _panel(grid={"delta": {"linspace": [0.0, 1.0, 100_000_000]}}),
        "zou2022.fig2.panels.main.grid.delta",
        "100000000 values; at most 1000000 per axis",
    ),
    (
        _panel(grid={"delta": {"linspace": [0, 1, 10_000]}, "A": {"linspace": [0, 1, 10_000]}}),
        "zou2022.fig2.panels.main.grid",
        "100000000 points (10000 delta x 10000 A); at most 1000000 per panel",
    ),
    (
        _panel(params={"time": {"linspace": [0.0, 4.0, 100_000_000]}}),
        "zou2022.fig2.panels.main.params.time",
        "at most 1000000 per axis",
    ),
    # a list where the solver expects a number (its marker); a hand-written check failing on a
    # list: test_a_hand_written_check_that_fails_on_a_list_names_the_list
    (_panel(params={"a": [1.0, 2.0]}), "zou2022.fig2.panels.main.params.a", "got a list"),
    (
        _panel(params={"a": [[1.0], [2.0]]}),
        "zou2022.fig2.panels.main.params.a",
        "got [[1.0], [2.0]]",
    ),
    (_panel(params={"a": True}), "zou2022.fig2.panels.main.params.a", "got True"),
    (
        _panel(solver="zou2022.__class__"),
        "zou2022.fig2.panels.main.solver",
        "not a declared solver",
    ),
    ({"fig2": {"render": "zou2022.Line2D"}}, "zou2022.fig2.render", "not a declared renderer"),
]


@pytest.mark.parametrize(("override", "key", "says"), DRILL, ids=[d[2] for d in DRILL])
def test_the_drill_holes_are_closed(override, key, says):
    """Each input of the bad-input drill stops validation with a message naming the key (the
    1e8-point grid within a second of CPU: the limit is read from the specs, nothing expanded)."""
    start = time.process_time()
    with pytest.raises(cfg.ConfigError) as err:
        cfg.validate(_zou(override), ["zou2022"])
    assert str(err.value).startswith(f"{key}: ") and says in str(err.value), str(err.value)
    assert time.process_time() - start < 1.0


def test_n_points_reads_the_specs_without_expanding_them():
    assert cfg.n_points({"x": {"linspace": [0, 1, 10**5]}, "y": {"values": [1, 2]}}) == 2 * 10**5


def test_a_declared_solver_stops_a_list_where_a_number_is_expected(monkeypatch):
    """End to end through config: a made-up paper whose solver declares its constraints."""
    module = types.ModuleType("dissent.models._drill")
    module.solve = _drill_solver
    monkeypatch.setitem(sys.modules, module.__name__, module)
    body = {
        "title": "a made-up figure",
        "render": "zou2022.fig2",
        "panels": {
            "main": {
                "solver": "_drill.solve",
                "grid": {"A": {"values": [0.0, 0.5]}},
                "params": {"a": 1.0, "time": {"linspace": [0.0, 1.0, 3]}},
            }
        },
    }
    papers = {"drill2026": {"fig2": body}}
    cfg.validate(papers)
    for params, key, says in [
        ({"a": [1.0, 2.0]}, "params.a", "got a list [1.0, 2.0]"),
        ({"n": 2.5}, "params.n", "an integer >= 1; got 2.5"),
        ({"p": 1.5}, "params.p", "in [0, 1]; got 1.5"),
        ({"gamma": -1.0}, "params.gamma", ">= 0; got -1.0"),
        ({"kind": "ferri"}, "params.kind", "one of ['antiferro', 'ferro']; got 'ferri'"),
        ({"a": 0.25}, "grid.A", "|A| <= a (got |A| = 0.5 > a)"),
    ]:
        bad = cfg.deep_merge(
            papers, {"drill2026": {"fig2": {"panels": {"main": {"params": params}}}}}
        )
        with pytest.raises(cfg.ConfigError) as err:
            cfg.validate(bad)
        assert str(err.value).startswith(f"drill2026.fig2.panels.main.{key}: "), str(err.value)
        assert says in str(err.value), str(err.value)


# ---------------------------------------------------------- property: validates or names the key
def _panels():
    """(paper, figure, variant, panel, panel spec) of every configured panel and variant."""
    out = []
    for paper, figures in PAPERS.items():
        for figure in figures:
            for variant in cfg.VARIANTS:
                spec = cfg.figure_spec(PAPERS, paper, figure, variant)
                for panel, panel_spec in spec.get("panels", {}).items():
                    out.append((paper, figure, variant, panel, panel_spec))
    return out


PANELS = _panels()
NUMBERS = st.floats(-1e3, 1e3, allow_nan=False) | st.integers(-1000, 1000)
NOT_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf")])
SCALARS = st.none() | st.booleans() | NUMBERS | NOT_FINITE | st.text(max_size=6)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=5,
)
NAMES = st.sampled_from(
    ["zou2022.__class__", "zou2022.np", "zou2022.zero_temperature_companion", "hou2025.j0"]
) | st.from_regex(r"\A[a-z]{1,6}\.[a-z_]{1,8}\Z")
KINDS = {
    # kind: (what it should do: True = validates, False = refused, None = either)
    "same": True,
    "subset": True,
    "chunks": True,
    "title": True,
    "not_finite": False,
    "duplicate": False,
    "huge": False,
    "unknown_key": False,
    "undeclared": False,
    "wrong_type": False,
    "negative": None,
    "probability": None,
    "list": None,
    "random": None,
}


@st.composite
def overrides(draw):
    """(override path, value, expectation) on a configured panel, possibly in its quick block."""
    paper, figure, variant, panel, spec = draw(st.sampled_from(PANELS))
    kind = draw(st.sampled_from(sorted(KINDS)))
    quick = ["quick"] if variant == "quick" else []
    base = [paper, figure, *quick]
    at_panel = [*base, "panels", panel]
    grid, params = spec.get("grid", {}), spec.get("params", {})
    numeric = sorted(k for k, v in params.items() if isinstance(v, int | float) and v is not True)
    axis = draw(st.sampled_from(sorted(grid))) if grid else None
    values = cfg.axis_values(grid[axis]) if axis else None
    if kind == "same" and (params or axis):
        if axis and (not params or draw(st.booleans())):
            return [*at_panel, "grid", axis], grid[axis], True
        name = draw(st.sampled_from(sorted(params)))
        return [*at_panel, "params", name], params[name], True
    if kind == "subset" and axis:
        n = draw(st.integers(1, min(5, values.size)))
        return [*at_panel, "grid", axis], {"values": values[:n].tolist()}, None
    if kind == "chunks":  # valid up to one job per point of the largest panel
        body = cfg.figure_spec(PAPERS, paper, figure, variant)["panels"].values()
        most = max(cfg.n_points(p.get("grid", {})) for p in body)
        n = draw(st.integers(1, 64))
        return [*base, "chunks"], n, n <= min(most, cfg.MAX_CHUNKS)
    if kind == "title":
        return [*base, "title"], draw(st.text(max_size=20)), True
    if kind == "not_finite":
        bad = draw(NOT_FINITE)
        if axis and draw(st.booleans()):
            return [*at_panel, "grid", axis], {"values": [*values[:2].tolist(), bad]}, False
        name = draw(st.sampled_from(numeric or sorted(params) or ["x"]))
        return [*at_panel, "params", name], bad, False
    if kind == "duplicate" and axis:
        return [*at_panel, "grid", axis], {"values": [values[0], values[0]]}, False
    if kind == "huge":
        n = draw(st.integers(cfg.MAX_AXIS_VALUES + 1, 10**12))
        name = axis or draw(st.sampled_from(sorted(params) or ["x"]))
        section = "grid" if axis else "params"
        return [*at_panel, section, name], {"linspace": [0.0, 1.0, n]}, False
    if kind == "unknown_key":
        where = draw(
            st.sampled_from([base, at_panel, *([[*at_panel, "grid", axis]] if axis else [])])
        )
        return [*where, draw(st.sampled_from(["colour", "gird", "parms", "solvers"]))], 1.0, False
    if kind == "undeclared":
        role = draw(st.sampled_from(["solver", "companion", "render"]))
        where = base if role == "render" else at_panel
        name = draw(NAMES.filter(lambda n: role != "companion" or "companion" not in n))
        return [*where, role], name, False
    if kind == "wrong_type" and numeric:
        bad = draw(st.sampled_from([True, "abc", [[1.0]], {"foo": 1.0}]))
        return [*at_panel, "params", draw(st.sampled_from(numeric))], bad, False
    if kind == "negative" and (numeric or axis):
        if axis and (not numeric or draw(st.booleans())):
            return [*at_panel, "grid", axis], {"values": [-abs(float(values[0])) - 1.0]}, None
        name = draw(st.sampled_from(numeric))
        return [*at_panel, "params", name], -abs(params[name]) - 1, None
    if kind == "probability" and numeric:
        bad = draw(st.sampled_from([-0.1, 1.5]))
        return [*at_panel, "params", draw(st.sampled_from(numeric))], bad, None
    if kind == "list" and numeric:
        return (
            [*at_panel, "params", draw(st.sampled_from(numeric))],
            draw(st.lists(NUMBERS, max_size=3)),
            None,
        )
    if kind == "random" and draw(st.booleans()):
        option = draw(st.sampled_from(["measure", "colour"]))
        return (
            [*base, "render_options", option],
            draw(JSON | st.sampled_from(["tangle", "C2"])),
            None,
        )
    section = draw(st.sampled_from(["params", "grid", "solver", "rename", "note"]))
    name = draw(st.sampled_from(sorted(params if section == "params" else grid) or ["x"]))
    key = [*at_panel, section, name] if section in ("params", "grid") else [*at_panel, section]
    return key, draw(JSON), None


def _nested(path, value):
    for part in reversed(path):
        value = {part: value}
    return value


def _scope(path) -> str:
    """The key an error may name: the panel of a panel override, else the figure."""
    parts = [p for p in path if p != "quick"]
    return ".".join(parts[:4] if "panels" in parts else parts[:2])


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(overrides())
def test_any_override_validates_or_names_its_key(case):
    """Generated overrides, valid and invalid: each one validates or raises ConfigError whose
    message names its key (the panel, the figure or the key itself), never another exception."""
    path, value, expected = case
    papers = cfg.deep_merge(PAPERS, _nested(path, value))
    paper, figure = path[:2]
    try:
        cfg.check_schema({paper: papers[paper]})
        cfg.validate_figure(papers, paper, figure)
    except cfg.ConfigError as exc:
        assert expected is not True, f"refused a valid override {path} = {value!r}: {exc}"
        named = str(exc).split(": ")[0].replace(".quick", "")
        scope = _scope(path)
        assert named.startswith(scope) or (scope.startswith(named) and named.count(".") >= 1), (
            f"{path} = {value!r}: {exc}"
        )
    else:
        assert expected is not False, f"accepted {path} = {value!r}"


# ---------------------------------------------------------- results against the declared outputs
@contract.solver(outputs=("c", "t"), infinite=("t",))
def _declared_outputs(*, x: contract.Real) -> xr.Dataset:
    return xr.Dataset()


def test_a_result_is_checked_against_its_declared_outputs():
    from dissent.io import cf_variable

    good = xr.Dataset(
        {"c": cf_variable("point", [0.5], "c"), "t": cf_variable("point", [np.inf], "T")}
    )
    contract.check_result(_declared_outputs, good, inputs=["x"])  # t may be infinite
    cases = [
        (good.assign(extra=cf_variable("point", [1.0], "e")), "returned ['extra'], not among"),
        (good.assign(c=cf_variable("point", [np.inf], "c")), "1 infinite values in 'c'"),
        (good.assign(c=("point", [0.5])), "without long_name/units: ['c']"),
    ]
    for result, says in cases:
        with pytest.raises(ValueError, match=re.escape(says)) as err:
            contract.check_result(_declared_outputs, result, inputs=["x"])
        assert "_declared_outputs" in str(err.value)


def test_every_configured_solver_and_companion_declares_its_outputs():
    """So that rename, check declarations and results are checked against them (a solver
    that returns anything else fails its solve job with a message saying what to declare)."""
    for paper, figures in PAPERS.items():
        for figure in figures:
            for panel in cfg.figure_spec(PAPERS, paper, figure).get("panels", {}).values():
                assert contract.outputs(registry.solver(panel["solver"])), panel["solver"]
                if "companion" in panel:
                    companion = registry.companion(panel["companion"])
                    assert contract.outputs(companion) is not None, panel["companion"]
