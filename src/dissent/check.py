"""Figure-diff checks: data compared numerically, images by RMS, against committed baselines."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.testing.compare import compare_images
from matplotlib.testing.exceptions import ImageComparisonFailure

from . import io


class CheckFailed(RuntimeError):
    """Some figure differs from its baseline. (Not SystemExit: jobs run in threads of the
    Snakemake process, where SystemExit would stall the scheduler.)"""


def compare_data(
    actual: xr.Dataset,
    baseline: xr.Dataset,
    rtol: float,
    atol: float,
    variables: Mapping[str, Mapping] | None = None,
) -> list[str]:
    """Differences between two figure datasets, as readable lines (empty when they agree).

    ``variables`` is a figure's ``check.variables`` declaration: per variable ``skip`` (not
    compared), ``where`` (compared only where that variable is true in both datasets), ``rtol`` /
    ``atol`` (instead of the global ones).
    """
    variables = variables or {}
    problems = []
    for name in sorted(set(baseline.variables) | set(actual.variables)):
        rule = variables.get(name, {})
        if "skip" in rule:
            continue
        if name not in actual.variables:
            problems.append(f"{name}: missing (in the baseline)")
            continue
        if name not in baseline.variables:
            problems.append(f"{name}: new (not in the baseline)")
            continue
        a, b = actual[name], baseline[name]
        if a.dims != b.dims or a.shape != b.shape:
            problems.append(f"{name}: shape {dict(a.sizes)} != baseline {dict(b.sizes)}")
            continue
        if a.dtype.kind not in "fiub":
            if not np.array_equal(a.values, b.values):
                problems.append(f"{name}: values differ")
            continue
        av, bv = a.values.astype(float), b.values.astype(float)
        compared = np.ones(av.shape, bool)
        if "where" in rule:
            mask = rule["where"]
            if mask not in actual.variables or mask not in baseline.variables:
                problems.append(f"{name}: 'where' variable {mask!r} is missing")
                continue
            both = (actual[mask] != 0) & (baseline[mask] != 0)
            compared = both.broadcast_like(a).transpose(*a.dims).values
        r, t = rule.get("rtol", rtol), rule.get("atol", atol)
        close = np.isclose(av, bv, rtol=r, atol=t, equal_nan=True) | ~compared
        if not close.all():
            diff = np.where(compared, np.abs(av - bv), np.nan)
            where = f", where {rule['where']}" if "where" in rule else ""
            problems.append(
                f"{name}: {int((~close).sum())} of {int(compared.sum())} values differ "
                f"(max |diff| {np.nanmax(diff):.3g}, rtol {r:g}, atol {t:g}{where})"
            )
    return problems


def check_figure(
    nc: Path,
    png: Path,
    base_nc: Path,
    base_png: Path,
    rtol: float,
    atol: float,
    rms: float,
    diff_png: Path,
    declared: Mapping | None = None,
) -> dict:
    """Verdict for one figure; a failed image comparison leaves ``diff_png``.

    ``declared`` is the figure's ``check:`` configuration (see :func:`compare_data`; ``image:
    {rms: x}`` or ``{skip: why}``).
    """
    declared = declared or {}
    verdict = {"figure": str(png), "baseline": str(base_png), "data": [], "image": None}
    if not base_nc.exists() or not base_png.exists():
        verdict.update(passed=False, data=[f"no baseline at {base_nc} / {base_png}"])
        return verdict
    verdict["data"] = compare_data(
        io.read_netcdf(nc), io.read_netcdf(base_nc), rtol, atol, declared.get("variables")
    )
    image = declared.get("image", {})
    if "skip" in image:
        verdict["image_skipped"] = image["skip"]
    else:
        rms = image.get("rms", rms)
        try:
            result = compare_images(str(base_png), str(png), tol=rms, in_decorator=True)
        except ImageComparisonFailure as exc:  # another image size: a difference too
            verdict["image"] = str(exc)
        else:
            if result is not None:
                verdict["image"] = f"RMS {result['rms']:.3f} > {rms}"
                diff_png.parent.mkdir(parents=True, exist_ok=True)
                Path(result["diff"]).replace(diff_png)
                verdict["diff_image"] = str(diff_png)
    verdict["passed"] = not verdict["data"] and verdict["image"] is None
    return verdict


def _config_hash(nc: Path) -> str | None:
    return io.read_netcdf(nc).attrs.get("config_hash")


def baseline_is_current(
    nc: Path,
    png: Path,
    base_nc: Path,
    base_png: Path,
    rtol: float,
    atol: float,
    rms: float,
    declared: Mapping | None = None,
) -> bool:
    """True when the figure passes against its baseline and was made from the same quick
    configuration (same ``config_hash``: tests reuse such a baseline as the figure's quick data, see
    tests/quickdata.py); replacing it would only churn provenance attributes and timings."""
    if not base_nc.exists() or _config_hash(nc) != _config_hash(base_nc):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        diff = Path(tmp) / "diff.png"
        return check_figure(nc, png, base_nc, base_png, rtol, atol, rms, diff, declared)["passed"]


def summary(verdicts: list[dict]) -> str:
    """Markdown summary of all verdicts."""
    failed = [v for v in verdicts if not v["passed"]]
    lines = [f"# Figure check: {len(verdicts) - len(failed)} passed, {len(failed)} failed", ""]
    for v in verdicts:
        lines.append(f"- {'PASS' if v['passed'] else 'FAIL'} {v['figure']}")
        for problem in v["data"]:
            lines.append(f"    - data: {problem}")
        if v.get("image"):
            lines.append(f"    - image: {v['image']} (diff: {v.get('diff_image')})")
    return "\n".join(lines) + "\n"


def check_job(input, baselines: Path, figure: str, tolerances, declared, output: str, log):
    """The check job of one quick figure (Snakemake rule ``check_figure``)."""
    with io.job_log(log):
        base = Path(baselines)
        verdict = check_figure(
            Path(input.nc),
            Path(input.png),
            base / f"{figure}.nc",
            base / f"{figure}.png",
            rtol=tolerances["rtol"],
            atol=tolerances["atol"],
            rms=tolerances["image_rms"],
            diff_png=Path(output).with_name(f"{figure}-diff.png"),
            declared=declared,
        )
        write_json(verdict, Path(output))


def summary_job(verdict_files, output: str, log: str) -> None:
    """Write results/checks/summary.md from every verdict (Snakemake rule ``check_summary``)."""
    with io.job_log(log):
        text = summary([json.loads(Path(p).read_text()) for p in verdict_files])
        with io.atomic_path(output, suffix=".tmp.md") as tmp:
            tmp.write_text(text)


def verdict_job(summary_file: str, log: str) -> None:
    """Print the summary; fail when any figure differs (Snakemake target ``check``)."""
    text = Path(summary_file).read_text()
    Path(log).write_text(text)
    print(text)
    if " 0 failed" not in text.splitlines()[0]:
        raise CheckFailed(f"figure check failed: see {summary_file}")


def update_baselines_job(figures, baselines: Path, tolerances, log: str) -> None:
    """Copy the quick figures that no longer pass over their baselines (``update_baselines``).

    ``figures``: (paper, figure, declared check) of every quick figure. A figure that still passes
    is left alone: replacing it would only churn provenance attributes and timings.
    """
    with io.job_log(log) as fh:
        for paper, figure, declared in figures:
            nc = Path(f"results/quick/{paper}/{figure}.nc")
            png = Path(f"figures/quick/{paper}/{figure}.png")
            base_nc, base_png = (
                Path(baselines) / paper / nc.name,
                Path(baselines) / paper / png.name,
            )
            tol = (tolerances["rtol"], tolerances["atol"], tolerances["image_rms"])
            if baseline_is_current(nc, png, base_nc, base_png, *tol, declared):
                print(f"unchanged {base_nc.with_suffix('')}", file=fh)
                continue
            base_nc.parent.mkdir(parents=True, exist_ok=True)
            for source, target in ((nc, base_nc), (png, base_png)):
                shutil.copyfile(source, target)
                print(f"baseline {target}", file=fh)


def write_json(obj: dict, path: Path) -> None:
    with io.atomic_path(path, suffix=".tmp.json") as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True))
