rule render:
    """Draw a view of a figure from its NetCDF only (a colour change never reruns a solver): PDF
    and PNG. View '' is the paper's figure, '-notes' our findings beside it (config ``notes``).
    """
    input:
        nc="results/{paper}/{figure}.nc",
    output:
        pdf="figures/{paper}/{figure}{view}.pdf",
        png=report(
            "figures/{paper}/{figure}{view}.png",
            caption="../report/figure.rst",
            category="{paper}",
            labels=report_labels(""),
        ),
    log:
        "logs/{paper}/{figure}/render{view}.log",
    priority: 50  # as soon as its data exist: drawing overlaps the solves
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        spec=lambda w: spec_of("", w.paper, w.figure),
        variant="",  # the report caption's "full variant", results/<paper>/<figure>.nc
        code=lambda w: render_code(spec_of("", w.paper, w.figure), w.view),
    run:
        from dissent import render

        render.render_job(input.nc, params.spec, output, log[0], wildcards.view)


rule render_quick:
    """The quick variant is drawn as PNG only: what the check compares and the report shows."""
    input:
        nc="results/quick/{paper}/{figure}.nc",
    output:
        png=report(
            "figures/quick/{paper}/{figure}{view}.png",
            caption="../report/figure.rst",
            category="{paper}",
            labels=report_labels("quick/"),
        ),
    log:
        "logs/quick/{paper}/{figure}/render{view}.log",
    priority: 50  # as soon as its data exist: drawing overlaps the solves
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        spec=lambda w: spec_of("quick/", w.paper, w.figure),
        variant="quick/",  # the report caption's "quick variant", results/quick/...
        code=lambda w: render_code(spec_of("quick/", w.paper, w.figure), w.view),
    run:
        from dissent import render

        render.render_job(input.nc, params.spec, output, log[0], wildcards.view)


rule table:
    """Write a table declared by a figure (``tables: [csv, md]``)."""
    input:
        nc="results/{variant}{paper}/{figure}.nc",
    output:
        "figures/{variant}{paper}/{figure}.{ext}",
    log:
        "logs/{variant}{paper}/{figure}/table-{ext}.log",
    priority: 50  # as soon as its data exist: drawing overlaps the solves
    localrule: True
    resources:
        in_process=1,  # runs in the Snakemake process: one at a time (one GIL)
    params:
        spec=figure_spec,
        code=lambda w: render_code(figure_spec(w)),
    run:
        from dissent import render

        render.table_job(input.nc, params.spec, output[0], log[0])
