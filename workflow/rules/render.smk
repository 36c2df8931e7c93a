rule render:
    """Draw a figure from its NetCDF only: a colour change never reruns a solver."""
    input:
        nc="results/{variant}{paper}/{figure}.nc",
        code=render_sources,
    output:
        pdf="figures/{variant}{paper}/{figure}.pdf",
        png=report(
            "figures/{variant}{paper}/{figure}.png",
            caption="../report/figure.rst",
            category="{paper}",
        ),
    log:
        "logs/{variant}{paper}/{figure}/render.log",
    localrule: True
    params:
        spec=figure_spec,
    script:
        "../scripts/render.py"


rule table:
    """Write a table declared by a figure (``tables: [csv, md]``)."""
    input:
        nc="results/{variant}{paper}/{figure}.nc",
        code=render_sources,
    output:
        "figures/{variant}{paper}/{figure}.{ext}",
    log:
        "logs/{variant}{paper}/{figure}/table-{ext}.log",
    localrule: True
    params:
        spec=figure_spec,
    script:
        "../scripts/table.py"


from types import SimpleNamespace


report: "../report/workflow.rst"


def variant_figures(w):
    """The NetCDF of every figure of the selected papers, for the variant of ``w``."""
    return [f"results/{w.variant}{p}/{f}.nc" for p in SELECTED for f in PAPERS[p]]


def variant_benchmarks(w):
    """The benchmark file of every solve job of the variant (wall time, memory per job)."""
    out = []
    for p in SELECTED:
        for f in PAPERS[p]:
            for chunk in chunk_files(
                SimpleNamespace(variant=w.variant, paper=p, figure=f)
            ):
                panel_dir, name = chunk.rsplit("/chunks/", 1)
                out.append(
                    f"{panel_dir.replace('results/', 'logs/', 1)}/solve-{name[:-3]}.benchmark.tsv"
                )
    return out


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
    script:
        "../scripts/provenance.py"


rule quick:
    """Target: every quick figure and its provenance (`snakemake --report report.html quick`)."""
    input:
        all_outputs("quick"),
    localrule: True
