# The figure-diff check: rebuild the quick variant and compare it with the committed baselines.
BASELINES = Path(config["baselines"])


def baseline_files(w):
    """The baselines of a figure, when they exist (a missing one is reported, not fatal)."""
    files = [BASELINES / w.paper / f"{w.figure}.{ext}" for ext in ("nc", "png")]
    return [str(f) for f in files if f.exists()]


def quick_figures():
    return [(p, f) for p in SELECTED for f in PAPERS[p]]


rule check_figure:
    """Compare one quick figure (data and image) with its baseline; leaves a diff image on failure."""
    input:
        nc="results/quick/{paper}/{figure}.nc",
        png="figures/quick/{paper}/{figure}.png",
        baseline=baseline_files,
    output:
        "results/checks/{paper}/{figure}.json",
    params:
        tolerances=config["check"],
        baselines=config["baselines"],
    log:
        "logs/checks/{paper}/{figure}.log",
    localrule: True
    script:
        "../scripts/check.py"


rule check_summary:
    """One readable summary of every verdict."""
    input:
        [f"results/checks/{p}/{f}.json" for p, f in quick_figures()],
    output:
        "results/checks/summary.md",
    localrule: True
    script:
        "../scripts/summary.py"


rule check:
    """Target: fails when any figure differs from its baseline (see results/checks/summary.md)."""
    input:
        "results/checks/summary.md",
    localrule: True
    script:
        "../scripts/verdict.py"


rule update_baselines:
    """Target: accept the current quick figures as the new baselines (review the diff first!)."""
    input:
        all_outputs("quick"),
    params:
        baselines=config["baselines"],
    localrule: True
    script:
        "../scripts/update_baselines.py"
