# Local steps (grid, aggregate, render, tables, checks, provenance) run in threads of the Snakemake
# process (`force-use-threads` in the profiles): no interpreter start-up and imports per job. Each
# calls one function of the package. The solve chunks are separate processes (`shell`), the unit
# of work of a cluster.


rule grid:
    """Expand one panel's axes into its table of parameter points."""
    output:
        "results/{variant}{paper}/{figure}/{panel}/grid.nc",
    log:
        "logs/{variant}{paper}/{figure}/{panel}/grid.log",
    priority: 100  # every grid first: then all solves are ready and the heaviest start first
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        panel=panel_spec,
    run:
        from dissent import pipeline

        pipeline.grid_job(params.panel, wildcards, output[0], log[0])
