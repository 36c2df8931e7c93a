"""Snakemake glue: draw a figure from its NetCDF."""

from pathlib import Path

from dissent import io, pipeline

sm = snakemake  # noqa: F821
pipeline.render(io.read_netcdf(sm.input.nc), sm.params.spec, Path(sm.output.pdf).with_suffix(""))
