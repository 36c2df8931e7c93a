"""Snakemake glue: write a panel's grid of parameter points."""

from dissent import io, pipeline

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    where = f"{sm.wildcards.paper}.{sm.wildcards.figure}.panels.{sm.wildcards.panel}"
    io.write_netcdf(pipeline.make_grid(sm.params.panel, where), sm.output[0])
