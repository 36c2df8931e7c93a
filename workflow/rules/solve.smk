rule solve:
    """Run a panel's solver on chunk {chunk} of {n} of its points (the cluster's unit of work)."""
    input:
        grid="results/{variant}{paper}/{figure}/{panel}/grid.nc",
    output:
        "results/{variant}{paper}/{figure}/{panel}/chunks/{chunk}-of-{n}.nc",
    log:
        "logs/{variant}{paper}/{figure}/{panel}/solve-{chunk}-of-{n}.log",
    benchmark:
        "logs/{variant}{paper}/{figure}/{panel}/solve-{chunk}-of-{n}.benchmark.tsv"
    wildcard_constraints:
        chunk=r"\d+",
        n=r"\d+",
    priority: solve_priority  # heavy panels (more chunks) first: a short tail
    conda:
        "../../environment.yml"  # used only with --sdm conda (untested here: pip is the route)
    resources:
        mem_mb=lambda w, attempt: solve_resources(w, attempt, "mem_mb"),
        runtime=lambda w, attempt: solve_resources(w, attempt, "runtime"),
    params:
        code=solve_code,  # content digest of the solver's import closure
    shell:
        "python -m dissent.pipeline {input.grid:q} {wildcards.chunk:q} {wildcards.n:q} "
        "{output:q} > {log:q} 2>&1"


rule solve_in_process:
    """Solve a light panel (config `in_process: true`) whole, inside the Snakemake process."""
    input:
        grid="results/{variant}{paper}/{figure}/{panel}/grid.nc",
    output:
        "results/{variant}{paper}/{figure}/{panel}/chunks/in-process.nc",
    log:
        "logs/{variant}{paper}/{figure}/{panel}/solve-in-process.log",
    priority: 50  # light: done as soon as its grid exists, between the drawing steps
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        code=solve_code,  # content digest of the solver's import closure
    run:
        from dissent import pipeline

        pipeline.solve_in_process_job(input.grid, output[0], log[0])
