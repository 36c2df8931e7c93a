"""Snakemake glue: summarise every figure verdict in results/checks/summary.md."""

import json
from pathlib import Path

from dissent import check, io

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    verdicts = [json.loads(Path(p).read_text()) for p in sm.input]
    with io.atomic_path(sm.output[0], suffix=".tmp.md") as tmp:
        tmp.write_text(check.summary(verdicts))
