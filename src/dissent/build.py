"""Every step of one figure in-process (grid, solve, aggregate, render), without Snakemake.

``python -m dissent.build <paper> <figure> [--quick] [--out DIR]`` is handy while developing a
figure; tests use :func:`run_figure`. The functions are the ones the Snakemake rules call.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import xarray as xr

from . import config as cfg
from . import io, pipeline, render


def run_figure(
    papers: Mapping,
    paper: str,
    figure: str,
    variant: str,
    out: Path,
    n_chunks: int = 1,
    draw: bool = True,
) -> xr.Dataset:
    """Every step for one figure in-process; writes out/<paper>/<figure>.{nc,pdf,png} (only the
    NetCDF without ``draw``)."""
    spec = cfg.figure_spec(papers, paper, figure, variant)
    source = cfg.figure_spec(papers, paper, spec["data"], variant) if "data" in spec else None
    cfg.check_figure(paper, figure, spec, variant, source)
    if "data" in spec:
        borrowed = run_figure(papers, paper, spec["data"], variant, out, n_chunks, draw)
        ds = pipeline.borrowed_figure(borrowed, spec, paper, figure)
    else:
        panels = {}
        for name, panel in spec["panels"].items():
            grid = pipeline.make_grid(panel, f"{paper}.{figure}.panels.{name}")
            n = min(n_chunks, max(int(grid.attrs["npoints"]), 1))
            chunks = [pipeline.solve_chunk(grid, i, n) for i in range(n)]
            panels[name] = pipeline.aggregate_panel(grid, chunks)
        ds = pipeline.merge_panels(panels, spec, paper, figure, variant)
    io.write_netcdf(ds, out / paper / f"{figure}.nc")
    ds = io.read_netcdf(out / paper / f"{figure}.nc")
    if not draw:
        return ds
    render.render(ds, spec, out / paper / figure)
    for ext in spec.get("tables", []):
        render.render_table(ds, spec, out / paper / f"{figure}.{ext}")
    return ds


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paper")
    parser.add_argument("figure", nargs="?", help="default: every figure of the paper")
    parser.add_argument("--quick", action="store_true", help="use the figure's quick overrides")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    parser.add_argument(
        "--papers-dir", default="config/papers", help="the paper files (default: config/papers)"
    )
    parser.add_argument("--chunks", type=int, default=1)
    parser.add_argument("--data-only", action="store_true", help="write the NetCDF, draw nothing")
    args = parser.parse_args(argv)
    if not sorted(Path(args.papers_dir).glob("*.yaml")):
        parser.error(
            f"no paper files (*.yaml) in {args.papers_dir}: run from the repository's root or "
            "give --papers-dir"
        )
    papers = cfg.load_papers(cfg.paper_files(args.papers_dir))
    cfg.check_schema(papers)
    out = args.out or Path(tempfile.mkdtemp(prefix="dissent-"))
    variant = "quick" if args.quick else "full"
    for figure in [args.figure] if args.figure else list(papers.get(args.paper, {})):
        start = time.perf_counter()
        run_figure(papers, args.paper, figure, variant, out, args.chunks, not args.data_only)
        print(f"{out / args.paper / figure} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
