# Reproduction of four papers on dissipative entanglement of spin qubits.
# `snakemake --cores 2` builds every figure of the papers listed in config/config.yaml;
# `snakemake --cores 2 check` rebuilds the quick variant and compares it with tests/baselines.
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

min_version("9.0")


# Configuration is data: refuse YTE templating (Python in YAML) before the file is read. (A
# --configfile is read by Snakemake before this file; common.smk refuses it before any job.)
if "__use_yte__" in Path(workflow.basedir, "config/config.yaml").read_text():
    raise WorkflowError(
        "Invalid configuration: __use_yte__: config/config.yaml asks for YTE "
        "templating, which runs Python code; remove the key"
    )


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/grid.smk"
include: "workflow/rules/solve.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/render.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/check.smk"


rule all:
    default_target: True
    input:
        all_outputs("full"),


onsuccess:
    print(
        "Done. Figures: figures/<paper>/<figure>.{pdf,png}; data: results/<paper>/<figure>.nc "
        "(quick variant under figures/quick/, results/quick/); figure check: "
        "results/checks/summary.md. Report: snakemake --report report.html"
    )
