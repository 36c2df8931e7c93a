rule solve:
    """Run a panel's solver on chunk {chunk} of {n} of its points (the cluster's unit of work)."""
    input:
        grid="results/{variant}{paper}/{figure}/{panel}/grid.nc",
        code=solver_sources,
    output:
        "results/{variant}{paper}/{figure}/{panel}/chunks/{chunk}-of-{n}.nc",
    log:
        "logs/{variant}{paper}/{figure}/{panel}/solve-{chunk}-of-{n}.log",
    benchmark:
        "logs/{variant}{paper}/{figure}/{panel}/solve-{chunk}-of-{n}.benchmark.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    script:
        "../scripts/solve.py"
