# The figure-diff check: rebuild the quick variant and compare it with the committed baselines.


rule check_figure:
    """Compare one quick figure (data and image) with its baseline; leaves a diff image on failure."""
    input:
        nc="results/quick/{paper}/{figure}.nc",
        png=quick_images,
        baseline=baseline_files,
    output:
        "results/checks/{paper}/{figure}.json",
    log:
        "logs/checks/{paper}/{figure}.log",
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        tolerances=config["check"],
        declared=lambda w: declared_check(w.paper, w.figure),
        notes=lambda w: "notes" in spec_of("quick/", w.paper, w.figure),
        code=codedeps.digest(["dissent.check"]),
    run:
        from dissent import check

        p, w = params, wildcards
        check.check_job(
            w.paper,
            w.figure,
            p.declared,
            p.notes,
            BASELINES,
            p.tolerances,
            output[0],
            log[0],
        )


rule check_summary:
    """One readable summary of every verdict."""
    input:
        [f"results/checks/{p}/{f}.json" for p, f in quick_figures()],
    output:
        "results/checks/summary.md",
    log:
        "logs/checks/summary.log",
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    run:
        from dissent import check

        check.summary_job(input, output[0], log[0])


rule check:
    """Target: fails when any figure differs from its baseline (see results/checks/summary.md).
    It has no output, so it always runs; its inputs include every quick figure it judges, so
    whatever is missing is rebuilt, and a verdict whose files changed since is judged again.
    """
    input:
        summary="results/checks/summary.md",
        judged=judged_files(),
    log:
        "logs/checks/verdict.log",
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        figures=[
            (p, f, declared_check(p, f), "notes" in spec_of("quick/", p, f))
            for p, f in quick_figures()
        ],
        tolerances=config["check"],
    run:
        from dissent import check

        p = params
        check.verdict_job(input.summary, p.figures, BASELINES, p.tolerances, log[0])


rule update_baselines:
    """Target: accept the current quick figures as the new baselines (review the diff first!).
    Only figures that no longer pass are replaced."""
    input:
        all_outputs("quick"),
    log:
        "logs/checks/update_baselines.log",
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        figures=[
            (p, f, declared_check(p, f), "notes" in spec_of("quick/", p, f))
            for p, f in quick_figures()
        ],
        tolerances=config["check"],
    run:
        from dissent import check

        check.update_baselines_job(
            params.figures, BASELINES, params.tolerances, log[0]
        )
