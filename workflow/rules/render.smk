rule render:
    """Draw a figure from its NetCDF only: a colour change never reruns a solver."""
    input:
        nc="results/{variant}{paper}/{figure}.nc",
    output:
        pdf=report(
            "figures/{variant}{paper}/{figure}.pdf",
            caption="../report/figure.rst",
            category="{paper}",
        ),
        png="figures/{variant}{paper}/{figure}.png",
    log:
        "logs/{variant}{paper}/{figure}/render.log",
    localrule: True
    params:
        spec=figure_spec,
        code=render_code,
    run:
        from dissent import render

        render.render_job(input.nc, params.spec, output.pdf, log[0])


rule table:
    """Write a table declared by a figure (``tables: [csv, md]``)."""
    input:
        nc="results/{variant}{paper}/{figure}.nc",
    output:
        "figures/{variant}{paper}/{figure}.{ext}",
    log:
        "logs/{variant}{paper}/{figure}/table-{ext}.log",
    localrule: True
    params:
        spec=figure_spec,
        code=render_code,
    run:
        from dissent import render

        render.table_job(input.nc, params.spec, output[0], log[0])
