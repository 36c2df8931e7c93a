"""The render step: a figure (PDF, PNG) and its declared tables, drawn from its dataset only."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import xarray as xr

from . import io, registry, style

# pyplot and the font cache are process-global: figures are drawn one at a time, even when the
# workflow runs its local jobs in threads of one process.
_DRAWING = threading.Lock()


def renderer_name(spec: Mapping, view: str = "") -> str:
    """The render function of a figure's view: the paper's figure (``""``, config ``render``) or
    our notes beside it (``"-notes"``, config ``notes``)."""
    name = registry.view_renderer(spec, view)
    if name is None:
        raise ValueError("this figure has no notes view (no `notes:` render function configured)")
    return name


def render(
    ds: xr.Dataset, spec: Mapping, stem: str | Path, formats=style.FORMATS, view: str = ""
) -> list[Path]:
    """Draw one view of the figure from its dataset; write stem.pdf and/or stem.png.

    The paper's view (``view=""``) gets the figure's ``render_options``; the notes view
    (``"-notes"``) is drawn by the ``notes`` function with its defaults."""
    options = spec.get("render_options", {}) if view == "" else {}
    draw = registry.renderer(renderer_name(spec, view))
    with _DRAWING:
        return style.save(draw(ds, **options), stem, formats)


def render_table(ds: xr.Dataset, spec: Mapping, path: str | Path) -> Path:
    """Write a declared table (``tables: [csv, md]``) with ``<render>_<ext>(ds) -> str``."""
    ext = Path(path).suffix.lstrip(".")
    text = registry.table(f"{spec['render']}_{ext}")(ds)
    with io.atomic_path(path, suffix=f".tmp.{ext}") as tmp:
        tmp.write_text(text)
    return Path(path)


def render_job(nc: str, spec: Mapping, outputs, log: str, view: str = "") -> None:
    """The render job of one view of a figure (Snakemake rules ``render``, ``render_quick``): the
    files ``outputs`` (stem.pdf and/or stem.png)."""
    paths = [Path(p) for p in outputs]
    with io.job_log(log):
        stem = paths[0].with_suffix("")
        render(io.read_netcdf(nc), spec, stem, [p.suffix[1:] for p in paths], view)


def table_job(nc: str, spec: Mapping, output: str, log: str) -> None:
    """The table job of one figure (Snakemake rule ``table``)."""
    with io.job_log(log):
        render_table(io.read_netcdf(nc), spec, output)
