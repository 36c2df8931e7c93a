# The figure-diff check: rebuild the quick variant and compare it with the committed baselines.
rule check_figure:
    """Compare one quick figure (data and image) with its baseline; leaves a diff image on failure."""
    input:
        nc="results/quick/{paper}/{figure}.nc",
        png="figures/quick/{paper}/{figure}.png",
        baseline=baseline_files,
    output:
        "results/checks/{paper}/{figure}.json",
    log:
        "logs/checks/{paper}/{figure}.log",
    localrule: True
    params:
        tolerances=config["check"],
        baselines=config["baselines"],
        declared=lambda w: spec_of("quick/", w.paper, w.figure).get("check", {}),
    script:
        "../scripts/check.py"


rule check_summary:
    """One readable summary of every verdict."""
    input:
        [f"results/checks/{p}/{f}.json" for p, f in quick_figures()],
    output:
        "results/checks/summary.md",
    log:
        "logs/checks/summary.log",
    localrule: True
    script:
        "../scripts/summary.py"


rule check:
    """Target: fails when any figure differs from its baseline (see results/checks/summary.md)."""
    input:
        "results/checks/summary.md",
    log:
        "logs/checks/verdict.log",
    localrule: True
    script:
        "../scripts/verdict.py"


rule update_baselines:
    """Target: accept the current quick figures as the new baselines (review the diff first!)."""
    input:
        all_outputs("quick"),
    log:
        "logs/checks/update_baselines.log",
    localrule: True
    params:
        baselines=config["baselines"],
        tolerances=config["check"],
        declared={
            f"{p}/{f}": spec_of("quick/", p, f).get("check", {}) for p, f in quick_figures()
        },
    script:
        "../scripts/update_baselines.py"
