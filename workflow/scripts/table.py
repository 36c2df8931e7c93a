"""Snakemake glue: write a table declared by a figure."""

from dissent import io, pipeline

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    pipeline.render_table(io.read_netcdf(sm.input.nc), sm.params.spec, sm.output[0])
