"""Shared fixtures, and the ``figure`` marker: which configured figure(s) a test is about.

``@pytest.mark.figure("<paper>.<figure>", ...)`` marks the tests of a figure (see
docs/developing.md, "Where are the tests of a figure"). Collection fails when a marker names a
figure that is not configured. A test parametrized by a ``claim`` of the ledger, or by
``paper`` and ``fig``, is marked with that figure here. ``--figure <paper>.<figure>`` (or
``--figure <paper>``, repeatable) keeps only the tests of that figure.
"""

import pytest
from quickdata import PAPERS, QuickData

from dissent import figuremap

FIGURES = frozenset(figuremap.figure_names(PAPERS))


@pytest.fixture(scope="session")
def quick_data(tmp_path_factory):
    """quick_data(paper, figure) -> the figure's quick dataset (see tests/quickdata.py)."""
    return QuickData(tmp_path_factory.mktemp("quick-data"))


def pytest_addoption(parser):
    parser.addoption(
        "--figure",
        action="append",
        default=[],
        metavar="PAPER.FIGURE",
        help="run only the tests marked @pytest.mark.figure for this figure, or for every "
        "figure of a paper (--figure bello2022); repeatable",
    )


def _parametrized_figure(item) -> str | None:
    """The figure of a test parametrized by a claim (``claim.paper``, ``claim.figure``) or by
    ``paper`` and ``fig``; None for any other test."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    claim = params.get("claim")
    if hasattr(claim, "paper") and hasattr(claim, "figure"):
        return f"{claim.paper}.{claim.figure}"
    if isinstance(params.get("paper"), str) and isinstance(params.get("fig"), str):
        return f"{params['paper']}.{params['fig']}"
    return None


def item_figures(item) -> set[str]:
    """The figures a collected test is marked with."""
    return {name for mark in item.iter_markers("figure") for name in mark.args or ("",)}


def _selects(wanted: str, figure: str) -> bool:
    return figure == wanted or figure.startswith(f"{wanted}.")


def pytest_configure(config):
    papers = {name.split(".")[0] for name in FIGURES}
    bad = [w for w in config.getoption("figure") if w not in FIGURES | papers]
    if bad:
        raise pytest.UsageError(
            f"--figure {', '.join(bad)}: not a configured figure or paper; "
            f"figures: {', '.join(sorted(FIGURES))}"
        )


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector, name, obj):
    """Mark parametrized tests with their figure, and fail the collection of a module whose
    markers name a figure that is not configured (a collection error, also under xdist)."""
    result = yield
    items = result if isinstance(result, list) else [result]
    for item in (i for i in items if isinstance(i, pytest.Function)):
        figure = _parametrized_figure(item)
        if figure is not None:
            item.add_marker(pytest.mark.figure(figure))
        unknown = sorted(name for name in item_figures(item) if name not in FIGURES)
        if unknown:
            raise collector.CollectError(
                f"{item.name}: @pytest.mark.figure names {unknown}, not a configured figure "
                "'<paper>.<figure>' of config/papers (docs/figures.md lists them)"
            )
    return result


def pytest_collection_modifyitems(config, items):
    wanted = config.getoption("figure")
    if not wanted:
        return
    keep, drop = [], []
    for item in items:
        chosen = any(_selects(w, f) for w in wanted for f in item_figures(item))
        (keep if chosen else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
