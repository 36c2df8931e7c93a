rule aggregate:
    """Concatenate the chunks of every panel into one NetCDF per figure, with metadata."""
    input:
        grids=grid_files,
        chunks=chunk_files,
        code=companion_sources,
    output:
        "results/{variant}{paper}/{figure}.nc",
    log:
        "logs/{variant}{paper}/{figure}/aggregate.log",
    localrule: True
    params:
        spec=figure_spec,
    script:
        "../scripts/aggregate.py"
