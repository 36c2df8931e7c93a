rule grid:
    """Expand one panel's axes into its table of parameter points."""
    output:
        "results/{variant}{paper}/{figure}/{panel}/grid.nc",
    params:
        panel=panel_spec,
    log:
        "logs/{variant}{paper}/{figure}/{panel}/grid.log",
    localrule: True
    script:
        "../scripts/grid.py"
