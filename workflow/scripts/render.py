"""Snakemake glue: draw a figure from its NetCDF."""

from pathlib import Path

from dissent import io, pipeline

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    ds = io.read_netcdf(sm.input.nc)
    pipeline.render(ds, sm.params.spec, Path(sm.output.pdf).with_suffix(""))
