"""Snakemake glue: copy the quick figures (data + PNG) to the baseline directory.

A figure that already passes against its baseline is left alone, so that accepting one changed
figure does not rewrite every baseline (their provenance attributes differ on every run).
"""

import shutil
from pathlib import Path

from dissent import check, io

sm = snakemake  # noqa: F821
tol = sm.params.tolerances
with io.logged(sm.log[0]):
    pngs = {(p.parent.name, p.stem): p for p in map(Path, sm.input) if p.suffix == ".png"}
    for nc in (p for p in map(Path, sm.input) if p.suffix == ".nc"):
        png = pngs[(nc.parent.name, nc.stem)]
        base = Path(sm.params.baselines) / nc.parent.name
        base_nc, base_png = base / nc.name, base / png.name
        if check.baseline_is_current(
            nc,
            png,
            base_nc,
            base_png,
            tol["rtol"],
            tol["atol"],
            tol["image_rms"],
            sm.params.declared[f"{nc.parent.name}/{nc.stem}"],
        ):
            print(f"unchanged {base_nc.with_suffix('')}")
            continue
        base.mkdir(parents=True, exist_ok=True)
        for source, target in ((nc, base_nc), (png, base_png)):
            shutil.copyfile(source, target)
            print(f"baseline {target}")
