"""Readability of every configured figure, measured with matplotlib's geometry.

The checks themselves (``dissent.readability``) are first shown to catch each defect on a
deliberately bad figure; then every figure is built from its quick data in-process and must
have none of them.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dissent import config as cfg
from dissent import readability, registry
from dissent.style import figure

PAPERS = cfg.load_papers(cfg.paper_files("config/papers"))
BASELINES = Path(__file__).parent / "baselines"
FIGURES = [(paper, fig) for paper, figs in sorted(PAPERS.items()) for fig in figs]


# --- the checks on a deliberately bad figure ----------------------------------------------------
@pytest.fixture
def bad():
    fig, ax = figure("single")
    x = np.linspace(2, 9, 50)
    ax.plot(x, 11 - x, "o", label="data")
    ax.legend(loc="upper left")  # the points run through the upper left corner
    ax.set_yscale("log")
    ax.set_ylim(2, 9)  # no decade inside: no labelled major tick
    ax.text(50, 5, "tiny", fontsize=5)
    ax.text(50, 5, "clash")  # on top of "tiny"
    fig.text(0.97, 0.5, "far out")
    yield fig
    plt.close(fig)


def test_bad_figure_is_caught(bad):
    found = readability.problems(bad)
    text = "\n".join(found)
    assert "overlapping text: text 'clash' and text 'tiny'" in text
    assert "text too small: text 'tiny' is 5.0 pt printed" in text
    assert "text outside the canvas: text 'far out'" in text
    assert "legend covers" in text and "line 'data'" in text
    assert "log y axis of axes 0 has 0 labelled major tick(s)" in text


def test_clean_figure_passes():
    fig, ax = figure("single")
    x = np.linspace(0.1, 1, 20)
    ax.plot(x, x**2, label="data")
    ax.set_yscale("log")
    ax.set(xlabel="x", ylabel="y")
    ax.legend(loc="upper left")
    try:
        assert readability.problems(fig) == []
    finally:
        plt.close(fig)


def test_legend_over_text_and_clipped_table_are_caught():
    fig, (ax, tab) = figure("single", 2, 1)
    ax.text(0.05, 0.9, "under the legend", transform=ax.transAxes)
    ax.plot([], [], label="a long legend entry")
    ax.legend(loc="upper left")
    tab.axis("off")
    table = tab.table(
        cellText=[["1"]], colLabels=["a header far too long"], colWidths=[0.2], loc="center"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    try:
        text = "\n".join(readability.problems(fig))
    finally:
        plt.close(fig)
    assert "legend box covers text 'under the legend'" in text
    assert "does not fit its cell" in text


def test_labels_over_axes_text_on_lines_and_crowded_legends_are_caught():
    fig, (left, right) = figure("single", 1, 2)
    fig.set_layout_engine("none")  # no layout engine to make room: the defects stay where put
    x = np.linspace(0, 1, 50)
    left.plot(x, x, label="diagonal")
    left.text(0.5, 0.5, "on the line", ha="center", va="center")  # the diagonal runs through it
    left.tick_params(axis="y", pad=-20)  # tick labels drawn inside the plotting area
    image = right.pcolormesh(np.arange(3), np.arange(3), np.ones((2, 2)))
    bar = fig.colorbar(image, ax=right)
    bar.set_label("a colour-bar label")
    bar.ax.yaxis.set_label_coords(-4.0, 0.5)  # pulled over its neighbour's plotting area
    levels = right.contour(np.arange(3), np.arange(3), np.eye(3), levels=[0.5], colors="k")
    right.clabel(levels, fmt="%g")  # its own (inline-broken) contour: fine
    right.axvline(1.0, label="x = 1")
    right.text(1.0, 0.3, "crossed", ha="center")
    lines = [left.plot([], [], "o-", ms=12, label=f"entry {i}")[0] for i in range(2)]
    left.legend(handles=lines, loc="lower right", handletextpad=-1.5, labelspacing=0)
    try:
        text = "\n".join(readability.problems(fig))
    finally:
        plt.close(fig)
    assert "y tick label" in text and "is drawn over the plotting area of its own axes" in text
    assert "axis label 'a colour-bar label' is drawn over the plotting area of axes" in text
    assert "text 'on the line' sits on line 'diagonal'" in text
    assert "text 'crossed' sits on line 'x = 1'" in text
    assert "legend entries over each other" in text
    assert "sits on contour" not in text  # a contour label on its own (broken) contour


def test_an_inset_and_a_contour_label_off_the_lines_pass():
    fig, ax = figure("single")
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2)
    ax.set(xlabel="x", ylabel="y")
    inset = ax.inset_axes([0.1, 0.55, 0.35, 0.35])
    inset.plot(x, 1 - x)
    inset.set_xlabel("x", fontsize=7)
    try:
        assert readability.problems(fig) == []
    finally:
        plt.close(fig)


# --- every configured figure, both views ---------------------------------------------------------
VIEWS = [
    (paper, fig, view)
    for paper, fig in FIGURES
    for view in ("render", "notes")
    if view in cfg.figure_spec(PAPERS, paper, fig, "quick") or view == "render"
]


@pytest.mark.parametrize(
    "paper, fig, view",
    VIEWS,
    ids=[f"{p}.{f}" + ("-notes" if v == "notes" else "") for p, f, v in VIEWS],
)
def test_figure_is_readable(quick_data, paper, fig, view):
    ds = quick_data(paper, fig)
    spec = cfg.figure_spec(PAPERS, paper, fig, "quick")
    options = spec.get("render_options", {}) if view == "render" else {}
    drawn = registry.renderer(spec[view])(ds, **options)
    try:
        found = readability.problems(drawn)
    finally:
        plt.close(drawn)
    assert not found, f"{paper}.{fig} ({view}):\n" + "\n".join(found)
