rule grid:
    """Expand one panel's axes into its table of parameter points."""
    output:
        "results/{variant}{paper}/{figure}/{panel}/grid.nc",
    log:
        "logs/{variant}{paper}/{figure}/{panel}/grid.log",
    localrule: True
    params:
        panel=panel_spec,
    script:
        "../scripts/grid.py"
