"""The steps of the workflow as plain functions of files: grid -> solve -> aggregate -> render.

Snakemake rules call these (workflow/scripts/*.py); ``python -m dissent.pipeline`` runs them
in-process for one figure, which is handy while developing a figure.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from . import config as cfg
from . import io, registry


def make_grid(panel: Mapping, where: str) -> xr.Dataset:
    """The table of parameter points of one panel, with the panel spec in the attributes."""
    axes = cfg.grid_axes(panel.get("grid", {}), f"{where}.grid")
    points = cfg.grid_points(axes)
    npoints = int(np.prod([v.size for v in axes.values()], dtype=int))
    ds = xr.Dataset({name: ("point", values) for name, values in points.items()})
    for name, spec in panel.get("grid", {}).items():
        ds[name].attrs = {"long_name": spec.get("long_name", name), "units": spec.get("units", "1")}
    ds.attrs.update(
        panel_spec=json.dumps(panel, sort_keys=True),
        axes=json.dumps(list(axes)),
        shape=json.dumps([int(v.size) for v in axes.values()]),
        npoints=npoints,
        where=where,
    )
    return ds


def chunk_slice(npoints: int, chunk: int, n_chunks: int) -> slice:
    """Contiguous, balanced slice of the points handled by ``chunk`` (0-based) of ``n_chunks``."""
    if not 0 <= chunk < n_chunks:
        raise ValueError(f"chunk {chunk} is outside 0..{n_chunks - 1}")
    bounds = np.linspace(0, npoints, n_chunks + 1).round().astype(int)
    return slice(int(bounds[chunk]), int(bounds[chunk + 1]))


def solve_chunk(grid: xr.Dataset, chunk: int, n_chunks: int) -> xr.Dataset:
    """Run the panel's solver on one chunk of the points; returns a dataset along ``point``."""
    panel = json.loads(grid.attrs["panel_spec"])
    where = grid.attrs.get("where", "panel")
    sl = chunk_slice(int(grid.attrs["npoints"]), chunk, n_chunks)
    kwargs = {name: grid[name].values[sl] for name in json.loads(grid.attrs["axes"])}
    kwargs.update(cfg.param_values(panel.get("params", {}), f"{where}.params"))
    start = time.perf_counter()
    result = registry.solver(panel["solver"])(**kwargs)
    elapsed = time.perf_counter() - start
    npoints = sl.stop - sl.start
    if not isinstance(result, xr.Dataset):
        raise TypeError(f"{panel['solver']} returned {type(result).__name__}, not xarray.Dataset")
    if result.sizes.get("point", npoints if not kwargs else -1) != npoints and json.loads(
        grid.attrs["axes"]
    ):
        raise ValueError(
            f"{panel['solver']} returned {result.sizes.get('point')} points, expected {npoints}"
        )
    result.attrs.update(
        chunk=chunk,
        n_chunks=n_chunks,
        start=sl.start,
        stop=sl.stop,
        solve_seconds=round(elapsed, 3),
    )
    return result


def _unstack(ds: xr.Dataset, axes: Sequence[str], shape: Sequence[int], grid: xr.Dataset):
    """Reshape the ``point`` dimension into the grid axes (C order), axis values as coords."""
    out = xr.Dataset(attrs=ds.attrs)
    for name, var in ds.data_vars.items():
        if "point" not in var.dims:
            out[name] = var
            continue
        if not axes:  # empty grid: a single point
            out[name] = var.isel(point=0, drop=True)
            continue
        var = var.transpose("point", ...)
        other = var.dims[1:]
        data = var.values.reshape(tuple(shape) + var.shape[1:])
        out[name] = (tuple(axes) + other, data, var.attrs)
    for name, coord in ds.coords.items():
        if "point" not in coord.dims:
            out = out.assign_coords({name: coord})
    for i, name in enumerate(axes):
        values = grid[name].values.reshape(shape)
        index = [0] * len(axes)
        index[i] = slice(None)
        out = out.assign_coords({name: (name, values[tuple(index)], grid[name].attrs)})
    return out


def aggregate_panel(grid: xr.Dataset, chunks: Sequence[xr.Dataset]) -> xr.Dataset:
    """Concatenate a panel's chunks, reshape to its grid, add companion curves, rename."""
    panel = json.loads(grid.attrs["panel_spec"])
    where = grid.attrs.get("where", "panel")
    axes, shape = json.loads(grid.attrs["axes"]), json.loads(grid.attrs["shape"])
    chunks = sorted(chunks, key=lambda c: c.attrs["start"])
    expected = 0
    for c in chunks:
        if c.attrs["start"] != expected:
            raise ValueError(f"{where}: chunks do not cover the grid (gap at point {expected})")
        expected = int(c.attrs["stop"])
    if expected != int(grid.attrs["npoints"]):
        raise ValueError(f"{where}: chunks cover {expected} of {grid.attrs['npoints']} points")
    seconds = sum(float(c.attrs.get("solve_seconds", 0.0)) for c in chunks)
    data = (
        chunks[0]
        if len(chunks) == 1
        else xr.concat(
            chunks,
            dim="point",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="exact",
            combine_attrs="override",
        )
    )
    ds = _unstack(data, axes, shape, grid)
    ds.attrs = {}
    if "companion" in panel:
        params = cfg.param_values(panel.get("params", {}), f"{where}.params")
        ds = registry.solver(panel["companion"])(ds, **params)
    ds = ds.rename(panel.get("rename", {}))
    ds.attrs["solve_seconds"] = round(seconds, 3)
    return ds


def merge_panels(
    panels: Mapping[str, xr.Dataset], spec: Mapping, paper: str, figure: str, variant: str
) -> xr.Dataset:
    """One dataset per figure: all panels, CF attributes checked, provenance attached."""
    merged = xr.merge(
        list(panels.values()), join="exact", compat="no_conflicts", combine_attrs="override"
    )
    missing = io.missing_attributes(merged)
    if missing:
        raise ValueError(f"{paper}.{figure}: variables without long_name/units: {missing}")
    attrs = {
        "title": spec.get("title", ""),
        "paper": paper,
        "figure": figure,
        "variant": variant,
        **io.provenance(cfg.spec_hash(spec)),
    }
    for name, ds in panels.items():
        panel = spec["panels"][name]
        attrs[f"panel_{name}_solver"] = panel["solver"]
        attrs[f"panel_{name}_params"] = json.dumps(panel.get("params", {}), sort_keys=True)
        attrs[f"panel_{name}_solve_seconds"] = ds.attrs.get("solve_seconds", 0.0)
        if "note" in panel:
            attrs[f"panel_{name}_note"] = panel["note"]
    if "note" in spec:
        attrs["note"] = spec["note"]
    merged.attrs = attrs
    return merged


def render(ds: xr.Dataset, spec: Mapping, stem: str | Path) -> list[Path]:
    """Draw the figure from its dataset; write stem.pdf and stem.png."""
    from . import style

    options = spec.get("render_options", {})
    return style.save(registry.renderer(spec["render"])(ds, **options), stem)


def render_table(ds: xr.Dataset, spec: Mapping, path: str | Path) -> Path:
    """Write a declared table (``tables: [csv, md]``) with ``<render>_<ext>(ds) -> str``."""
    ext = Path(path).suffix.lstrip(".")
    text = registry.renderer(f"{spec['render']}_{ext}")(ds)
    with io.atomic_path(path, suffix=f".tmp.{ext}") as tmp:
        tmp.write_text(text)
    return Path(path)


def run_figure(
    papers: Mapping, paper: str, figure: str, variant: str, out: Path, n_chunks: int = 1
) -> xr.Dataset:
    """Every step for one figure in-process; writes out/<paper>/<figure>.{nc,pdf,png}."""
    spec = cfg.figure_spec(papers, paper, figure, variant)
    cfg.check_figure(paper, figure, spec, variant)
    panels = {}
    for name, panel in spec["panels"].items():
        grid = make_grid(panel, f"{paper}.{figure}.panels.{name}")
        n = min(n_chunks, max(int(grid.attrs["npoints"]), 1))
        panels[name] = aggregate_panel(grid, [solve_chunk(grid, i, n) for i in range(n)])
    ds = merge_panels(panels, spec, paper, figure, variant)
    io.write_netcdf(ds, out / paper / f"{figure}.nc")
    ds = io.read_netcdf(out / paper / f"{figure}.nc")
    render(ds, spec, out / paper / figure)
    for ext in spec.get("tables", []):
        render_table(ds, spec, out / paper / f"{figure}.{ext}")
    return ds


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paper")
    parser.add_argument("figure")
    parser.add_argument("--quick", action="store_true", help="use the figure's quick overrides")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    parser.add_argument("--papers-dir", default="config/papers")
    parser.add_argument("--chunks", type=int, default=1)
    args = parser.parse_args(argv)
    papers = cfg.load_papers(cfg.paper_files(args.papers_dir))
    cfg.check_schema(papers)
    out = args.out or Path(tempfile.mkdtemp(prefix="dissent-"))
    start = time.perf_counter()
    run_figure(papers, args.paper, args.figure, "quick" if args.quick else "full", out, args.chunks)
    print(f"{out / args.paper / args.figure}.{{nc,pdf,png}} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
