"""Snakemake glue: solve one chunk of a panel's points."""

from dissent import io, pipeline

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    grid = io.read_netcdf(sm.input.grid)
    result = pipeline.solve_chunk(grid, int(sm.wildcards.chunk), int(sm.wildcards.n))
    io.write_netcdf(result, sm.output[0])
    print(
        f"solved points {result.attrs['start']}:{result.attrs['stop']} "
        f"in {result.attrs['solve_seconds']} s"
    )
