"""Snakemake glue: write a panel's grid of parameter points."""

from dissent import io, pipeline

w = snakemake.wildcards  # noqa: F821
where = f"{w.paper}.{w.figure}.panels.{w.panel}"
io.write_netcdf(pipeline.make_grid(snakemake.params.panel, where), snakemake.output[0])  # noqa: F821
