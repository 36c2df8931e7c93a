"""Configuration: loading, quick variant, grids, and errors that name the key."""

import numpy as np
import pytest

from dissent import config as cfg

PAPERS = cfg.load_papers(cfg.paper_files("config/papers"))


def zou(**overrides):
    return cfg.deep_merge(PAPERS, {"zou2022": overrides})


def test_repository_configuration_is_valid():
    cfg.validate(PAPERS)


def test_axis_specs():
    assert np.allclose(cfg.axis_values({"linspace": [0, 1, 3]}), [0, 0.5, 1])
    assert np.allclose(cfg.axis_values({"logspace": [0, 2, 3]}), [1, 10, 100])
    assert np.allclose(cfg.axis_values({"values": [3, 1]}), [3, 1])
    with pytest.raises(cfg.ConfigError, match="empty"):
        cfg.axis_values({"values": []}, "x")


def test_grid_points_outer_product_in_c_order():
    pts = cfg.grid_points({"x": np.array([1.0, 2.0]), "y": np.array([10.0, 20.0, 30.0])})
    assert pts["x"].tolist() == [1, 1, 1, 2, 2, 2]
    assert pts["y"].tolist() == [10, 20, 30, 10, 20, 30]


def test_quick_variant_overrides_only_what_it_names():
    full = cfg.figure_spec(PAPERS, "zou2022", "fig2", "full")
    quick = cfg.figure_spec(PAPERS, "zou2022", "fig2", "quick")
    assert quick["panels"]["main"]["params"]["time"] != full["panels"]["main"]["params"]["time"]
    assert quick["panels"]["main"]["grid"] == full["panels"]["main"]["grid"]
    assert "quick" not in full and full["render"] == "zou2022.fig2"


BAD = [
    ({"fig2": {"panels": {"main": {"params": {"a": -1.0}}}}}, "zou2022.fig2.panels.main.params.a"),
    ({"figS4": {"panels": {"a": {"params": {"a": 25.0}}}}}, "zou2022.figS4.panels.a.grid.A"),
    (
        {"figS5": {"panels": {"main": {"grid": {"A": {"linspace": [0, 1, 0]}}}}}},
        "zou2022.figS5.panels.main.grid.A.linspace",
    ),
    (
        {"fig9": {"title": "x", "panels": {"main": {"solver": "zou2022.concurrence_dynamics"}}}},
        "zou2022.fig9.render",
    ),
    ({"fig2": {"panels": {"main": {"parms": {}}}}}, "zou2022.fig2.panels.main"),
    ({"fig2": {"panels": {"main": {"params": {"aa": 1.0}}}}}, "zou2022.fig2.panels.main.params.aa"),
    ({"fig2": {"panels": {"main": {"params": {"a": "abc"}}}}}, "zou2022.fig2.panels.main.params.a"),
    ({"fig2": {"chunks": 0}}, "zou2022.fig2.chunks"),
    (
        {"fig2": {"panels": {"main": {"in_process": True, "chunks": 2}}}},
        "zou2022.fig2.panels.main.chunks",
    ),
    ({"fig2": {"panels": {"main": {"in_process": "yes"}}}}, "zou2022.fig2.panels.main.in_process"),
    (
        {"fig2": {"panels": {"main": {"solver": "zou2022.nothing"}}}},
        "zou2022.fig2.panels.main.solver",
    ),
    (
        {"fig2": {"quick": {"panels": {"main": {"params": {"A": 5.0}}}}}},
        "zou2022.fig2.quick.panels.main.params.A",
    ),
    (
        {"fig3": {"panels": {"inset": {"params": {"gamma": 0.0}}}}},
        "zou2022.fig3.panels.inset.params.gamma",
    ),
]


@pytest.mark.parametrize(("override", "key"), BAD, ids=[k for _, k in BAD])
def test_bad_configuration_names_the_key(override, key):
    with pytest.raises(cfg.ConfigError) as err:
        cfg.validate(zou(**override), ["zou2022"])
    assert str(err.value).startswith(key), str(err.value)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"notes": "zou2022.nothing", "notes_caption": "x"}, "zou2022.figS5.notes"),
        ({"notes": "zou2022.figS5"}, "zou2022.figS5.notes_caption"),
        ({"notes_caption": "x"}, "zou2022.figS5.notes_caption"),
    ],
)
def test_notes_view_needs_a_declared_renderer_and_a_caption(body, key):
    """On a figure without a notes view (figS5), each half of the pair alone is an error."""
    with pytest.raises(cfg.ConfigError) as err:
        cfg.validate(zou(figS5=body), ["zou2022"])
    assert str(err.value).startswith(key), str(err.value)


def test_unknown_paper():
    with pytest.raises(cfg.ConfigError, match="papers: unknown paper 'foo2020'"):
        cfg.validate(PAPERS, ["foo2020"])


def test_axis_override_replaces_the_axis_kind():
    merged = cfg.deep_merge({"x": {"values": [1.0], "units": "a"}}, {"x": {"linspace": [0, 1, 3]}})
    assert merged == {"x": {"linspace": [0, 1, 3], "units": "a"}}


def test_panel_chunks_override_the_figure_and_quick_has_one():
    """A heavy panel sets its own solve-job count; the figure's count, then the global default,
    apply to the others; the quick variant always has one job per panel; never more jobs than
    points."""
    spec = cfg.figure_spec(PAPERS, "bello2022", "figD4", "full")
    assert cfg.panel_chunks(spec, "me", 2) == 3 and cfg.panel_chunks(spec, "eom", 2) == 2
    quick = cfg.figure_spec(PAPERS, "bello2022", "figD4", "quick")
    assert {cfg.panel_chunks(quick, p, 2) for p in quick["panels"]} == {1}
    spec["panels"]["me"]["chunks"] = 50  # three initial states: at most three jobs
    assert cfg.panel_chunks(spec, "me", 2) == 3
