"""The data steps of the workflow as plain functions: grid -> solve -> aggregate.

Snakemake rules call these (rendering is :mod:`dissent.render`; :mod:`dissent.build` runs every step
of one figure in-process). ``python -m dissent.pipeline GRID CHUNK N OUT`` is the solve job: it
imports only what a solver needs, so a cluster or local job starts fast. Nothing here imports the
plotting code: a change of a figure's look never reruns a solver (see :mod:`dissent.codedeps`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from threadpoolctl import threadpool_limits

from . import config as cfg
from . import contract, io, registry


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


def chunk_slice(npoints: int, chunk: int, n_chunks: int, cost=None) -> slice:
    """Contiguous slice of the points handled by ``chunk`` (0-based) of ``n_chunks``.

    Without ``cost`` the chunks have equal numbers of points; with ``cost`` (npoints relative costs,
    declared with ``@contract.solver(cost=model)``) each cut is placed where the cumulative cost
    crosses an equal share, so the chunks' estimated costs differ by at most one point's cost.
    Every chunk keeps at least one point while there are enough points.
    """
    if not 0 <= chunk < n_chunks:
        raise ValueError(f"chunk {chunk} is outside 0..{n_chunks - 1}")
    return slice(*(int(b) for b in chunk_bounds(npoints, n_chunks, cost)[chunk : chunk + 2]))


def chunk_bounds(npoints: int, n_chunks: int, cost=None) -> np.ndarray:
    """The n_chunks + 1 point indices where the chunks of :func:`chunk_slice` start and stop."""
    if cost is None:
        return np.linspace(0, npoints, n_chunks + 1).round().astype(int)
    cost = np.asarray(cost, dtype=float)
    if cost.shape != (npoints,) or not np.all(np.isfinite(cost)) or np.any(cost < 0):
        raise ValueError(f"a cost model must give {npoints} finite costs >= 0, got {cost!r:.80}")
    cumulative = np.concatenate([[0.0], np.cumsum(cost)])
    if cumulative[-1] <= 0:
        return chunk_bounds(npoints, n_chunks)
    # cut i at the point boundary nearest to the share i/n of the total cost
    shares = cumulative[-1] * np.arange(1, n_chunks) / n_chunks
    right = np.searchsorted(cumulative, shares).clip(1, npoints)
    left = right - 1
    cuts = np.where(shares - cumulative[left] < cumulative[right] - shares, left, right)
    bounds = np.concatenate([[0], cuts, [npoints]])
    if npoints >= n_chunks:  # no empty chunk: cut i lies in [i, npoints - n_chunks + i]
        for i in range(1, n_chunks):
            bounds[i] = np.clip(bounds[i], bounds[i - 1] + 1, npoints - n_chunks + i)
    return bounds.astype(int)


def point_cost(solver, kwargs: Mapping) -> np.ndarray | None:
    """The solver's estimated cost of every point (its ``cost`` model), or None without a model."""
    model = getattr(solver, "cost", None)
    return None if model is None else np.asarray(model(**kwargs), dtype=float)


def solve_chunk(grid: xr.Dataset, chunk: int, n_chunks: int) -> xr.Dataset:
    """Run the panel's solver on one chunk of the points; returns a dataset along ``point``."""
    panel = json.loads(grid.attrs["panel_spec"])
    where = grid.attrs.get("where", "panel")
    solver = registry.solver(panel["solver"])
    axes = json.loads(grid.attrs["axes"])
    kwargs = {name: grid[name].values for name in axes}
    kwargs.update(cfg.param_values(panel.get("params", {}), f"{where}.params"))
    cost = point_cost(solver, kwargs) if axes else None
    sl = chunk_slice(int(grid.attrs["npoints"]), chunk, n_chunks, cost)
    kwargs = {k: v[sl] if k in axes else v for k, v in kwargs.items()}
    start = time.perf_counter()
    result = solver(**kwargs)
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
    contract.check_result(solver, result, inputs=axes)
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
        index: list[int | slice] = [0] * len(axes)
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
        companion, given = registry.companion(panel["companion"]), set(ds.variables)
        ds = companion(ds, **params)
        contract.check_result(companion, ds, inputs=given)
    ds = ds.rename(panel.get("rename", {}))
    ds.attrs["solve_seconds"] = round(seconds, 3)
    return ds


def distinct_long_names(panels: Mapping[str, xr.Dataset]) -> dict[str, xr.Dataset]:
    """The panels with every ``long_name`` that several variables share qualified by the panels
    holding each (``... (panel relax)``): ncview and Panoply list a file's variables by
    long_name. A variable that every panel holds (a common coordinate) keeps its name."""
    owners: dict[str, set[str]] = {}  # variable -> the panels holding it
    by_long_name: dict[str, set[str]] = {}  # long_name -> the variables carrying it
    for panel, ds in panels.items():
        for name, var in ds.variables.items():
            owners.setdefault(str(name), set()).add(panel)
            by_long_name.setdefault(var.attrs.get("long_name", ""), set()).add(str(name))
    clashing = {n for names in by_long_name.values() if len(names) > 1 for n in names}
    qualified = {n: sorted(owners[n]) for n in clashing if owners[n] != set(panels)}
    out = {}
    for panel, ds in panels.items():
        ds = ds.copy()
        for name in qualified.keys() & set(map(str, ds.variables)):
            var, which = ds.variables[name], qualified[name]
            where = f"panel{'s' if len(which) > 1 else ''} {', '.join(which)}"
            var.attrs = {**var.attrs, "long_name": f"{var.attrs['long_name']} ({where})"}
        out[panel] = ds
    return out


def paper_reference(paper: str) -> str:
    """The citation of the paper a figure reproduces (``REFERENCE`` of its model package)."""
    return getattr(importlib.import_module(f"dissent.models.{paper}"), "REFERENCE", "")


def merge_panels(
    panels: Mapping[str, xr.Dataset], spec: Mapping, paper: str, figure: str, variant: str
) -> xr.Dataset:
    """One dataset per figure: all panels, CF attributes checked, provenance attached."""
    merged = xr.merge(
        list(distinct_long_names(panels).values()),
        join="exact",
        compat="no_conflicts",
        combine_attrs="override",
    )
    missing = io.missing_attributes(merged)
    if missing:
        raise ValueError(f"{paper}.{figure}: variables without long_name/units: {missing}")
    attrs = {
        "title": spec.get("title", ""),
        "references": paper_reference(paper),
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


def aggregate_figure(
    grids: Sequence[str | Path],
    chunks: Sequence[str | Path],
    spec: Mapping,
    paper: str,
    figure: str,
    variant: str,
) -> xr.Dataset:
    """The figure's dataset from the grid files and chunk files of all its panels
    (``results/.../<figure>/<panel>/grid.nc`` and ``.../<panel>/chunks/*.nc``)."""
    panels = {}
    for grid_path in map(Path, grids):
        panel = grid_path.parent.name
        mine = [io.read_netcdf(c) for c in map(Path, chunks) if c.parent.parent.name == panel]
        panels[panel] = aggregate_panel(io.read_netcdf(grid_path), mine)
    return merge_panels(panels, spec, paper, figure, variant)


def borrowed_figure(source: xr.Dataset, spec: Mapping, paper: str, figure: str) -> xr.Dataset:
    """A figure drawn from another figure's data (config ``data: <figure>``): the same dataset,
    relabelled, so the two figures can never disagree and nothing is computed twice."""
    ds = source.copy()
    ds.attrs.update(
        title=spec.get("title", ""),
        figure=figure,
        data_from=f"{paper}.{spec['data']}",
        config_hash=cfg.spec_hash(spec),
    )
    if "note" in spec:
        ds.attrs["note"] = spec["note"]
    return ds


def grid_job(panel: Mapping, wildcards, output: str, log: str) -> None:
    """The grid job of one panel (Snakemake rule ``grid``)."""
    with io.job_log(log):
        where = f"{wildcards.paper}.{wildcards.figure}.panels.{wildcards.panel}"
        io.write_netcdf(make_grid(panel, where), output)


def aggregate_job(input, spec: Mapping, wildcards, output: str, log: str) -> None:
    """The aggregate job of one figure (Snakemake rule ``aggregate``): its chunks, or the data of
    the figure it borrows (``input.source``)."""
    with io.job_log(log):
        w = wildcards
        if input.source:
            ds = borrowed_figure(io.read_netcdf(input.source[0]), spec, w.paper, w.figure)
        else:
            variant = "quick" if w.variant else "full"
            ds = aggregate_figure(input.grids, input.chunks, spec, w.paper, w.figure, variant)
        io.write_netcdf(ds, output)


def solve_in_process_job(grid: str, output: str, log: str) -> None:
    """A light panel (config ``in_process: true``) solved whole in a thread of the Snakemake
    process (rule ``solve_in_process``): no interpreter start-up and imports of its own (~1 CPU-s
    for a separate job, more than such a panel's solve)."""
    # one BLAS thread, as Snakemake gives a solve job (OPENBLAS_NUM_THREADS=1): the same
    # arithmetic, hence the same bits, as when the panel is a job of its own
    with io.job_log(log) as fh, threadpool_limits(limits=1):
        result = solve_chunk(io.read_netcdf(grid), 0, 1)
        io.write_netcdf(result, output)
        print(f"solved {result.attrs['stop']} points in {result.attrs['solve_seconds']} s", file=fh)


OWNER = "DISSENT_WORKFLOW"  # environment: "<host>:<pid>" of the Snakemake process of the run


def owner_is_gone(owner: str | None) -> bool:
    """Whether the Snakemake process that started this job (``OWNER``) has died: a job orphaned
    by a killed run must not write its output later (the next run recomputes it). Only on the
    host that started it (a cluster job runs elsewhere: never judged gone)."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's (pid reused): not ours any more either
        return True
    return False


def main(argv: Sequence[str] | None = None) -> None:
    """The solve job: ``python -m dissent.pipeline GRID CHUNK N OUT``."""
    parser = argparse.ArgumentParser(description="Solve chunk CHUNK of N of a panel's grid.")
    parser.add_argument("grid", type=Path)
    parser.add_argument("chunk", type=int)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    result = solve_chunk(io.read_netcdf(args.grid), args.chunk, args.n)
    # What this job really executed, to cross-check the static code dependencies (tests).
    result.attrs["modules_loaded"] = " ".join(
        sorted(m for m in sys.modules if m.split(".")[0] == "dissent")
    )
    if owner_is_gone(os.environ.get(OWNER)):
        raise SystemExit(f"{args.out}: not written, the run that started this job is gone")
    io.write_netcdf(result, args.out)
    print(
        f"solved points {result.attrs['start']}:{result.attrs['stop']} "
        f"in {result.attrs['solve_seconds']} s"
    )


if __name__ == "__main__":
    main()
