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


def render(ds: xr.Dataset, spec: Mapping, stem: str | Path, formats=style.FORMATS) -> list[Path]:
    """Draw the figure from its dataset (with the figure's ``render_options``); write stem.pdf
    and/or stem.png."""
    options = spec.get("render_options", {})
    with _DRAWING:
        return style.save(registry.renderer(spec["render"])(ds, **options), stem, formats)


def render_table(ds: xr.Dataset, spec: Mapping, path: str | Path) -> Path:
    """Write a declared table (``tables: [csv, md]``) with ``<render>_<ext>(ds) -> str``."""
    ext = Path(path).suffix.lstrip(".")
    text = registry.table(f"{spec['render']}_{ext}")(ds)
    with io.atomic_path(path, suffix=f".tmp.{ext}") as tmp:
        tmp.write_text(text)
    return Path(path)


def render_job(nc: str, spec: Mapping, outputs, log: str) -> None:
    """The render job of one figure (Snakemake rules ``render``, ``render_quick``): the files
    ``outputs`` (stem.pdf and/or stem.png)."""
    paths = [Path(p) for p in outputs]
    with io.job_log(log):
        render(io.read_netcdf(nc), spec, paths[0].with_suffix(""), [p.suffix[1:] for p in paths])


def table_job(nc: str, spec: Mapping, output: str, log: str) -> None:
    """The table job of one figure (Snakemake rule ``table``)."""
    with io.job_log(log):
        render_table(io.read_netcdf(nc), spec, output)
