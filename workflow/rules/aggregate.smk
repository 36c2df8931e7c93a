rule aggregate:
    """Concatenate the chunks of every panel into one NetCDF per figure, with metadata."""
    input:
        grids=grid_files,
        chunks=chunk_files,
        code=companion_sources,
    output:
        "results/{variant}{paper}/{figure}.nc",
    params:
        spec=figure_spec,
    log:
        "logs/{variant}{paper}/{figure}/aggregate.log",
    localrule: True
    script:
        "../scripts/aggregate.py"
