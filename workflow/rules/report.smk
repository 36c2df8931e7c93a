report: "../report/workflow.rst"


rule provenance:
    """Provenance table of the report: versions, git commit, config hash, runtime per job."""
    input:
        nc=variant_figures,
    output:
        report(
            "results/{variant}provenance.html",
            caption="../report/provenance.rst",
            category="Provenance",
        ),
    log:
        "logs/{variant}provenance.log",
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        benchmarks=variant_benchmarks,
    run:
        from dissent import provenance

        provenance.provenance_job(
            input.nc, params.benchmarks, wildcards, output[0], log[0]
        )


rule claims:
    """Claims ledger of the report: per paper, what the text says, what we get, the verdict."""
    input:
        nc=variant_figures,
        ledger=[f"config/claims/{p}.yaml" for p in SELECTED],
    output:
        report(
            "results/{variant}claims.html",
            caption="../report/claims.rst",
            category="Claims",
        ),
    log:
        "logs/{variant}claims.log",
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        figures={p: list(PAPERS[p]) for p in SELECTED},
        code=codedeps.digest(["dissent.claims.ledger"] + CLAIM_MODULES),
    run:
        from dissent.claims import ledger

        ledger.claims_job(
            input.ledger, params.figures, wildcards, output[0], log[0]
        )


rule quick:
    """Target: every quick figure and its provenance (`snakemake --report report.html quick`)."""
    input:
        all_outputs("quick"),
    localrule: True
