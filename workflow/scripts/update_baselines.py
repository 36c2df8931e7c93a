"""Snakemake glue: copy the quick figures (data + PNG) to the baseline directory."""

import shutil
from pathlib import Path

from dissent import io

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    for path in map(Path, sm.input):
        if path.suffix in (".nc", ".png"):
            target = Path(sm.params.baselines) / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            print(f"baseline {target}")
