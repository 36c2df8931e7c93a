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
    params:
        benchmarks=variant_benchmarks,
    run:
        from dissent import provenance

        provenance.provenance_job(
            input.nc, params.benchmarks, wildcards, output[0], log[0]
        )


rule quick:
    """Target: every quick figure and its provenance (`snakemake --report report.html quick`)."""
    input:
        all_outputs("quick"),
    localrule: True
