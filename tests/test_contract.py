"""The solver contract: only declared functions may be named by config, each in its role."""

import pytest

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
