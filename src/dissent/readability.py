"""What a referee trips over first, measured with matplotlib's own geometry (window extents).

``problems(fig)`` draws the figure once and returns one sentence per defect:
overlapping text elements, text below ``MIN_PT`` at the printed size, a legend box that covers
data points, a log axis with fewer than two labelled major ticks, text outside the canvas, text
wider than its table cell, tick/axis/colour-bar labels drawn into a plotting area (their own or a
neighbour's), free text that a line or contour line runs through, and legend entries drawn over
each other. No image heuristics: every test compares display-space boxes and paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.path import Path
from matplotlib.table import Table
from matplotlib.text import Text
from matplotlib.transforms import Bbox

MIN_PT = 6.5  # smallest readable font size at the printed size, points
PRINT_WIDTH = 7.0  # inches: a figure wider than a double column is scaled down to it
TOL_PX = 0.5  # boxes touching within this many pixels do not count as overlapping


@dataclass(frozen=True)
class Item:
    """One drawn text element: its artist, a short name for messages and its display box."""

    artist: Text
    name: str
    bbox: Bbox
    group: int  # index of the legend or table holding the text (0: none)
    owner: Axes | None = None  # the axes whose axis draws it (tick and axis labels), else None


def visible_artists(fig) -> list:
    """Every artist of ``fig`` that is drawn: visible itself and all its parents visible."""
    out, stack = [], [fig]
    while stack:
        artist = stack.pop()
        if not artist.get_visible():
            continue
        out.append(artist)
        children = artist.get_children()
        if isinstance(artist, Axes) and not artist.axison:  # ax.axis("off"): no axis drawn
            children = [c for c in children if c not in artist._axis_map.values()]
        stack.extend(children)
    return out


def _in_view(axis, loc: float) -> bool:
    lo, hi = sorted(axis.get_view_interval())
    span = (hi - lo) or 1.0
    if axis.get_scale() == "log" and lo > 0:
        return np.log10(lo) - 1e-9 <= np.log10(loc) <= np.log10(hi) + 1e-9 if loc > 0 else False
    return lo - 1e-9 * span <= loc <= hi + 1e-9 * span


def tick_labels(axis) -> list[Text]:
    """The major and minor tick labels an axis actually draws (non-empty, inside the view)."""
    out = []
    for ticks, locs in (
        (axis.get_major_ticks(), axis.get_majorticklocs()),
        (axis.get_minor_ticks(), axis.get_minorticklocs()),
    ):
        for tick, loc in zip(ticks, locs, strict=False):
            if not tick.get_visible() or not _in_view(axis, loc):
                continue
            for label in (tick.label1, tick.label2):
                if label.get_visible() and label.get_text().strip():
                    out.append(label)
    return out


def _label(text: Text) -> str:
    s = text.get_text().replace("\n", " ").strip()
    return repr(s if len(s) <= 40 else s[:37] + "...")


def text_items(fig, renderer) -> list[Item]:
    """Every visible, non-empty text of the figure with its display box."""
    items: list[Item] = []
    seen: set[int] = set()
    tick_ids = set()
    drawn = visible_artists(fig)
    all_axes = [a for a in drawn if isinstance(a, Axes)]
    for ax in all_axes:
        for axis in ax._axis_map.values():
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_ids.update({id(tick.label1), id(tick.label2)})

    def add(t: Text, name: str, group: int, owner: Axes | None = None) -> None:
        if id(t) in seen or not t.get_visible() or not t.get_text().strip():
            return
        seen.add(id(t))
        # Text's own extent: an Annotation's would include its arrow
        items.append(Item(t, name, Text.get_window_extent(t, renderer), group, owner))

    for ax in all_axes:
        for axis_name, axis in ax._axis_map.items() if ax.axison else ():
            for t in tick_labels(axis):
                add(t, f"{axis_name} tick label {_label(t)}", 0, ax)
            if axis.get_visible():
                add(axis.label, f"{axis_name} axis label {_label(axis.label)}", 0, ax)
                add(axis.offsetText, f"{axis_name} offset text {_label(axis.offsetText)}", 0, ax)
    group = 1
    for artist in drawn:
        if not isinstance(artist, Legend | Table):
            continue
        texts = (
            [artist.get_title(), *artist.get_texts()]
            if isinstance(artist, Legend)
            else [c.get_text() for c in artist.get_celld().values()]
        )
        kind = "legend" if isinstance(artist, Legend) else "table"
        for t in texts:
            add(t, f"{kind} text {_label(t)}", group)
        group += 1
    for t in drawn:
        if isinstance(t, Text) and id(t) not in tick_ids:
            add(t, f"text {_label(t)}", 0)
    return items


def _overlap(a: Bbox, b: Bbox) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > TOL_PX and min(a.y1, b.y1) - max(a.y0, b.y0) > TOL_PX


def overlapping_text(items: list[Item]) -> list[str]:
    """Pairs of text elements whose boxes overlap (inside one legend or table too)."""
    out = []
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if _overlap(a.bbox, b.bbox):
                out.append(f"overlapping text: {a.name} and {b.name}")
    return out


def small_text(fig, items: list[Item], min_pt: float = MIN_PT) -> list[str]:
    """Text below ``min_pt`` at the printed size (figures wider than PRINT_WIDTH are shrunk)."""
    scale = min(1.0, PRINT_WIDTH / fig.get_figwidth())
    return [
        f"text too small: {it.name} is {it.artist.get_fontsize() * scale:.1f} pt printed"
        for it in items
        if it.artist.get_fontsize() * scale < min_pt - 1e-9
    ]


def outside_canvas(fig, items: list[Item]) -> list[str]:
    """Text whose box leaves the figure canvas."""
    canvas = fig.bbox
    out = []
    for it in items:
        b = it.bbox
        if (
            b.x0 < canvas.x0 - TOL_PX
            or b.y0 < canvas.y0 - TOL_PX
            or b.x1 > canvas.x1 + TOL_PX
            or b.y1 > canvas.y1 + TOL_PX
        ):
            out.append(f"text outside the canvas: {it.name}")
    return out


def legend_text_overlaps(items: list[Item], legends: list[tuple[Legend, Bbox]]) -> list[str]:
    """Text outside a legend that lies under the legend's box."""
    out = []
    for legend, box in legends:
        own = {id(t) for t in [legend.get_title(), *legend.get_texts()]}
        for it in items:
            if id(it.artist) not in own and _overlap(box, it.bbox):
                out.append(f"legend box covers {it.name}")
    return out


def _data_points(ax) -> list[tuple[str, np.ndarray]]:
    """Display coordinates of the drawn data points of an axes (line vertices, scatter points)."""
    out = []
    for line in ax.get_lines():
        if not line.get_visible() or (line.get_alpha() == 0):
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        if xy.size == 0:
            continue
        disp = line.get_transform().transform(xy)
        out.append((f"line {line.get_label()!r}", disp[np.all(np.isfinite(disp), axis=1)]))
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and coll.get_visible():
            offsets = np.asarray(coll.get_offsets(), dtype=float)
            if offsets.size:
                disp = coll.get_offset_transform().transform(offsets)
                out.append(
                    (f"points {coll.get_label()!r}", disp[np.all(np.isfinite(disp), axis=1)])
                )
    return out


def legend_on_data(legends: list[tuple[Legend, Bbox]]) -> list[str]:
    """Legend boxes that cover data points (vertices of lines, markers) of their axes."""
    out = []
    for legend, box in legends:
        ax = legend.axes
        if ax is None:
            continue
        inner = Bbox.from_extents(box.x0 + 1, box.y0 + 1, box.x1 - 1, box.y1 - 1)
        clip = ax.bbox
        for name, disp in _data_points(ax):
            inside_ax = (
                (disp[:, 0] >= clip.x0)
                & (disp[:, 0] <= clip.x1)
                & (disp[:, 1] >= clip.y0)
                & (disp[:, 1] <= clip.y1)
            )
            hit = inside_ax & (
                (disp[:, 0] > inner.x0)
                & (disp[:, 0] < inner.x1)
                & (disp[:, 1] > inner.y0)
                & (disp[:, 1] < inner.y1)
            )
            if hit.any():
                out.append(f"legend covers {int(hit.sum())} point(s) of {name}")
    return out


def log_axes(fig) -> list[str]:
    """Logarithmic axes with fewer than two labelled major ticks in view."""
    out = []
    for i, ax in enumerate(a for a in visible_artists(fig) if isinstance(a, Axes)):
        for name, axis in ax._axis_map.items():
            if axis.get_scale() != "log" or not axis.get_visible() or not ax.axison:
                continue
            labelled = [
                t
                for t, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False)
                if _in_view(axis, loc)
                and (t.label1.get_visible() or t.label2.get_visible())
                and t.label1.get_text().strip()
            ]
            switched_off = not any(
                t.label1.get_visible() or t.label2.get_visible() for t in axis.get_major_ticks()
            )
            if len(labelled) < 2 and not switched_off:
                out.append(
                    f"log {name} axis of axes {i} has {len(labelled)} labelled major tick(s)"
                )
    return out


def table_cells(fig, renderer) -> list[str]:
    """Table texts wider or taller than their cell (clipped headers)."""
    out = []
    for table in (a for a in visible_artists(fig) if isinstance(a, Table)):
        for cell in table.get_celld().values():
            text = cell.get_text()
            if not text.get_text().strip():
                continue
            tb, cb = text.get_window_extent(renderer), cell.get_window_extent(renderer)
            if (
                tb.x0 < cb.x0 - TOL_PX
                or tb.x1 > cb.x1 + TOL_PX
                or tb.y0 < cb.y0 - TOL_PX
                or tb.y1 > cb.y1 + TOL_PX
            ):
                out.append(f"table text {_label(text)} does not fit its cell")
    return out


def _axes_areas(fig) -> list[tuple[Axes, Bbox]]:
    """The plotting area of every drawn axes with a frame (colour bars included)."""
    return [
        (ax, ax.get_window_extent())
        for ax in visible_artists(fig)
        if isinstance(ax, Axes) and ax.axison
    ]


def _contains(outer: Bbox, inner: Bbox) -> bool:
    return (
        outer.x0 <= inner.x0 + TOL_PX
        and outer.y0 <= inner.y0 + TOL_PX
        and outer.x1 >= inner.x1 - TOL_PX
        and outer.y1 >= inner.y1 - TOL_PX
    )


def decorations_over_axes(fig, items: list[Item]) -> list[str]:
    """Tick labels, axis labels and colour-bar labels drawn into a plotting area: their own axes'
    or a neighbour's (an inset's decorations may lie inside the axes that holds the inset)."""
    areas = _axes_areas(fig)
    names = {id(ax): i for i, (ax, _) in enumerate(areas)}
    out = []
    for it in items:
        if it.owner is None or id(it.owner) not in names:
            continue
        own = it.owner.get_window_extent()
        for ax, area in areas:
            if ax is not it.owner and _contains(area, own):
                continue  # an inset's labels inside its host axes
            inner = Bbox.from_extents(area.x0 + 1, area.y0 + 1, area.x1 - 1, area.y1 - 1)
            if _overlap(inner, it.bbox):
                which = "its own axes" if ax is it.owner else f"axes {names[id(ax)]}"
                out.append(f"{it.name} is drawn over the plotting area of {which}")
    return out


def _segments_cross(box: Bbox, path_xy: np.ndarray) -> bool:
    """Whether a display-space polyline passes through ``box`` (exact segment intersection)."""
    xy = path_xy[np.all(np.isfinite(path_xy), axis=1)]
    if len(xy) == 0:
        return False
    if len(xy) == 1:
        return bool(box.contains(*xy[0]))
    return bool(Path(xy).intersects_bbox(box, filled=False))


def _is_drawn_as_lines(coll) -> bool:
    """A collection drawn as lines only (contour lines, LineCollection): no face, some width."""
    faces = np.asarray(coll.get_facecolors()).reshape(-1, 4)
    widths = np.atleast_1d(coll.get_linewidths())
    return bool(np.all(faces[:, 3] == 0) and np.any(widths > 0))


def _drawn_lines(ax) -> list[tuple[str, object, np.ndarray]]:
    """(name, artist, display polyline) of each line and contour line of an axes."""
    out = []
    for line in ax.get_lines():
        drawn = line.get_visible() and line.get_alpha() != 0
        if drawn and line.get_linestyle() not in ("None", ""):
            xy = np.asarray(line.get_xydata(), dtype=float)
            if xy.size:
                out.append((f"line {line.get_label()!r}", line, line.get_transform().transform(xy)))
    for coll in ax.collections:
        if isinstance(coll, PathCollection) or not coll.get_visible():
            continue
        if not _is_drawn_as_lines(coll):
            continue
        transform = coll.get_transform()
        for path in coll.get_paths():
            for poly in path.to_polygons(closed_only=False):
                out.append((f"contour/lines {coll.get_label()!r}", coll, transform.transform(poly)))
    return out


def text_on_lines(fig, items: list[Item]) -> list[str]:
    """Free text inside an axes (curve labels, panel labels, contour labels) that a drawn line or
    contour line of that axes runs through (a contour label on its own, inline-broken contour set
    is fine)."""
    out = []
    for it in items:
        ax = getattr(it.artist, "axes", None)
        if it.owner is not None or it.group or ax is None or not ax.axison:
            continue
        inner = Bbox.from_extents(it.bbox.x0 + 1, it.bbox.y0 + 1, it.bbox.x1 - 1, it.bbox.y1 - 1)
        box = Bbox.intersection(inner, ax.get_window_extent())
        if box is None or box.width <= 0 or box.height <= 0:
            continue
        own = [c for c in ax.collections if it.artist in getattr(c, "labelTexts", [])]
        for name, artist, xy in _drawn_lines(ax):
            if artist not in own and _segments_cross(box, xy):
                out.append(f"{it.name} sits on {name}")
                break
    return out


def legend_handles_over_text(fig, renderer) -> list[str]:
    """Legend entries drawn over each other: a handle (line or marker sample) over a text of the
    same legend, or two legend boxes over each other."""
    out = []
    legends = [lg for lg in visible_artists(fig) if isinstance(lg, Legend)]
    for lg in legends:
        texts = [t for t in lg.get_texts() if t.get_visible() and t.get_text().strip()]
        for handle in getattr(lg, "legend_handles", []):
            if handle is None or not handle.get_visible():
                continue
            hb = handle.get_window_extent(renderer)
            for t in texts:
                if _overlap(hb, t.get_window_extent(renderer)):
                    message = f"legend entries over each other: a handle over {_label(t)}"
                    out += [] if message in out else [message]
    boxes = [(lg, lg.get_window_extent(renderer)) for lg in legends]
    for i, (_, ab) in enumerate(boxes):
        for _, bb in boxes[i + 1 :]:
            if _overlap(ab, bb):
                out.append("two legends drawn over each other")
    return out


def problems(fig, min_pt: float = MIN_PT) -> list[str]:
    """Every readability defect of ``fig`` (empty list: the figure passes)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    items = text_items(fig, renderer)
    legends = [
        (lg, lg.get_window_extent(renderer))
        for lg in visible_artists(fig)
        if isinstance(lg, Legend)
    ]
    return (
        overlapping_text(items)
        + small_text(fig, items, min_pt)
        + outside_canvas(fig, items)
        + legend_text_overlaps(items, legends)
        + legend_on_data(legends)
        + log_axes(fig)
        + table_cells(fig, renderer)
        + decorations_over_axes(fig, items)
        + text_on_lines(fig, items)
        + legend_handles_over_text(fig, renderer)
    )


__all__ = ["MIN_PT", "problems", "tick_labels", "text_items"]
