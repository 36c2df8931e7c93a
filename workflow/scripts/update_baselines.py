"""Snakemake glue: copy the quick figures (data + PNG) to the baseline directory."""

import shutil
from pathlib import Path

sm = snakemake  # noqa: F821
for path in map(Path, sm.input):
    if path.suffix in (".nc", ".png"):
        paper = path.parent.name
        target = Path(sm.params.baselines) / paper / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        print(f"baseline {target}")
