"""Snakemake glue: compare a quick figure with its baseline."""

from pathlib import Path

from dissent import check, io

sm = snakemake  # noqa: F821
with io.logged(sm.log[0]):
    w, tol = sm.wildcards, sm.params.tolerances
    base = Path(sm.params.baselines) / w.paper
    verdict = check.check_figure(
        Path(sm.input.nc),
        Path(sm.input.png),
        base / f"{w.figure}.nc",
        base / f"{w.figure}.png",
        rtol=tol["rtol"],
        atol=tol["atol"],
        rms=tol["image_rms"],
        diff_png=Path(sm.output[0]).with_name(f"{w.figure}-diff.png"),
        declared=sm.params.declared,
    )
    check.write_json(verdict, Path(sm.output[0]))
