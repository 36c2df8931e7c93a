"""The bozkurt2025 renderings: what the paper views draw (the paper's convention C^2, nothing
hidden, no clipped colour scale) and that the notes views draw the Wootters C."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dissent.figures import bozkurt2025 as figures
from dissent.models import bozkurt2025 as m


@pytest.fixture
def close():
    yield
    plt.close("all")


@pytest.mark.figure("bozkurt2025.fig3")
def test_fig3_inset_card_hides_only_near_separable_cells(quick_data, close):
    """The inset's white card covers exactly FIG3_CARD, where C^2 < 0.01 (the model on a
    60 x 60 grid of that box), and the inset with all its labels stays on the card."""
    T0, phi0, phi1 = figures.FIG3_CARD
    T, phi = np.meshgrid(np.linspace(T0, 0.999, 60), np.linspace(phi0, phi1, 60))
    box = m.symmetric_steady_state(T=T.ravel(), phi=phi.ravel())
    assert float(box["tangle"].max()) < 0.01
    fig = figures.fig3(quick_data("bozkurt2025", "fig3"))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    (card,) = ax.child_axes
    (inset,) = card.child_axes
    c, i = card.get_window_extent(renderer), inset.get_tightbbox(renderer)
    assert c.x0 <= i.x0 and i.x1 <= c.x1 and c.y0 <= i.y0 and i.y1 <= c.y1
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([[c.x0, c.y0], [c.x1, c.y1]])
    assert (x0, y0, y1) == pytest.approx((T0, phi0, phi1), abs=2e-3)
    assert x1 == pytest.approx(ax.get_xlim()[1], abs=2e-3)


def _drawn(ax) -> list[np.ndarray]:
    """The values an axes draws: colour-mesh arrays (flattened) and the y data of its lines."""
    out = [np.ravel(c.get_array()) for c in ax.collections if c.get_array() is not None]
    return out + [np.asarray(line.get_ydata(), float) for line in ax.lines]


def _draws(ax, rows: np.ndarray) -> bool:
    """Whether every row of ``rows`` is drawn by ``ax`` (as a line, or all together as a map)."""
    drawn = _drawn(ax)
    if any(d.size == rows.size and np.allclose(np.sort(d), np.sort(rows.ravel())) for d in drawn):
        return True
    return all(any(d.shape == r.shape and np.allclose(d, r) for d in drawn) for r in rows)


@pytest.mark.figure("bozkurt2025.fig3", "bozkurt2025.fig5", "bozkurt2025.fig6")
@pytest.mark.parametrize(
    ("figure", "paper", "notes"),
    [
        ("fig3", "tangle", "concurrence"),
        ("fig5", "tangle_relax", "concurrence_n"),
        ("fig6", "tangle", "concurrence"),
    ],
)
def test_paper_views_draw_c2_and_notes_views_the_wootters_c(
    quick_data, close, figure, paper, notes
):
    """By default the paper view's first panel draws C^2 (the tangle), the notes view's first
    panel the Wootters C; neither draws the other measure there."""
    ds = quick_data("bozkurt2025", figure)

    def rows(var):
        da = ds[var]
        if "n" in da.dims:  # the dynamics are drawn from n = 1 (logarithmic axis)
            da = da.sel(n=slice(1, None))
        return da.transpose(da.dims[0], ...).values if da.ndim > 1 else da.values[None]

    ax_paper = getattr(figures, figure)(ds).axes[0]
    ax_notes = getattr(figures, f"{figure}_notes")(ds).axes[0]
    assert _draws(ax_paper, rows(paper)) and not _draws(
        ax_paper, rows(paper.replace("tangle", "concurrence"))
    )
    assert _draws(ax_notes, rows(notes)) and not _draws(
        ax_notes, rows(notes.replace("concurrence", "tangle"))
    )


@pytest.mark.figure("bozkurt2025.fig7")
def test_fig7_paper_view_interpolates_only_between_computed_points(quick_data, close):
    """fig7 draws C^2 at the grid points themselves (Gouraud shading on triangles split along
    T1 = T2): the drawn node values are the data, so no colour lies outside its neighbours'."""
    ds = quick_data("bozkurt2025", "fig7")
    fig = figures.fig7(ds)
    (mesh,) = fig.axes[0].collections
    z = ds["tangle"].transpose("T2", "T1").values.ravel()
    assert np.array_equal(np.asarray(mesh.get_array()), z)
    triangulation = figures._diagonal_triangulation(ds["T1"].values, ds["T2"].values)
    x, y = triangulation.x[triangulation.triangles], triangulation.y[triangulation.triangles]
    # every triangle has its edge from vertex 0 to vertex 2 along the diagonal direction T1 = T2
    dx, dy = np.diff(x[:, [0, 2]], axis=1), np.diff(y[:, [0, 2]], axis=1)
    assert np.allclose(dx, dy) and np.all(dx > 0)


@pytest.mark.figure("bozkurt2025.fig8")
def test_fig8_colour_scales_hold_the_data_and_hatch_where_not_unique(quick_data, close):
    """Every field panel's colour scale contains all its drawn (unique) values, phi2 - phi1 on one
    branch exactly over its range; the cells drawn are those flagged optimum_unique."""
    ds = quick_data("bozkurt2025", "fig8")
    fig = figures.fig8(ds)
    unique = ds["optimum_unique"].transpose("T2", "T1").values.astype(bool)
    assert unique.any() and not unique.all()
    for ax in fig.axes[:5]:
        mesh = ax.collections[0]
        z = np.ma.filled(mesh.get_array(), np.nan).reshape(unique.shape)
        assert np.array_equal(np.isfinite(z), unique)
        lo, hi = mesh.norm.vmin, mesh.norm.vmax
        assert lo - 1e-12 <= np.nanmin(z) and np.nanmax(z) <= hi + 1e-12
    dphi = fig.axes[2].collections[0]
    z = np.ma.filled(dphi.get_array(), np.nan)
    assert (dphi.norm.vmin, dphi.norm.vmax) == (np.nanmin(z), np.nanmax(z))
    assert np.nanmax(z) - np.nanmin(z) < np.pi  # one branch, not wrapped across +-pi
