"""Snakemake glue: print the check summary; fail when any figure differs from its baseline."""

import sys
from pathlib import Path

text = Path(snakemake.input[0]).read_text()  # noqa: F821
print(text)
if " 0 failed" not in text.splitlines()[0]:
    sys.exit(f"figure check failed: see {snakemake.input[0]}")  # noqa: F821
