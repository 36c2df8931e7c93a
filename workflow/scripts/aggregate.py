"""Snakemake glue: one NetCDF per figure from the chunks of all its panels."""

from pathlib import Path

from dissent import io, pipeline

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    panels = {}
    for grid_path in sm.input.grids:
        panel = Path(grid_path).parent.name
        chunks = [io.read_netcdf(p) for p in sm.input.chunks if Path(p).parent.parent.name == panel]
        panels[panel] = pipeline.aggregate_panel(io.read_netcdf(grid_path), chunks)
    variant = "quick" if sm.wildcards.variant else "full"
    ds = pipeline.merge_panels(
        panels, sm.params.spec, sm.wildcards.paper, sm.wildcards.figure, variant
    )
    io.write_netcdf(ds, sm.output[0])
