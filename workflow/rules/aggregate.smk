rule aggregate:
    """Concatenate the chunks of every panel into one NetCDF per figure, with metadata (or take
    the data of the figure named by `data:`)."""
    input:
        grids=grid_files,
        chunks=chunk_files,
        source=source_figure,
    output:
        "results/{variant}{paper}/{figure}.nc",
    log:
        "logs/{variant}{paper}/{figure}/aggregate.log",
    priority: 50  # as soon as its chunks exist (then its figure can be drawn)
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        spec=figure_spec,
        code=aggregate_code,
    run:
        from dissent import pipeline

        pipeline.aggregate_job(input, params.spec, wildcards, output[0], log[0])
