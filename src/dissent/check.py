"""Figure-diff checks: data compared numerically, images by RMS, against committed baselines."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    present = {str(n) for n in (*baseline.variables, *actual.variables)}  # names are strings
    for name in sorted(set(variables) - present):
        problems.append(
            f"{name}: declared in check.variables but the figure has no such variable "
            f"(a configuration error: fix or drop the declaration); variables: {sorted(present)}"
        )
    for name in sorted(present):
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


class BaselineError(RuntimeError):
    """A committed baseline cannot be read: restore it from git, do not rebuild it."""


def _readable_png(path: Path, baseline: bool) -> None:
    """Raise naming ``path`` (and the remedy) when it is not a readable PNG."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as exc:
        why = f"{path}: cannot be read as a PNG ({type(exc).__name__}: {exc})"
        if baseline:
            raise BaselineError(
                f"{why}; it is a committed baseline: restore it with git (git checkout -- {path})"
            ) from None
        raise io.CorruptResultError(f"{why}; delete it and rerun") from None


def read_baseline(path: Path):
    """A baseline dataset; a damaged one is named with the remedy for a committed file."""
    try:
        return io.read_netcdf(path)
    except io.CorruptResultError as exc:
        message = str(exc).replace("; delete it and rerun", "")
        raise BaselineError(
            f"{message}; it is a committed baseline: restore it with git (git checkout -- {path})"
        ) from None


def compare_image(png: Path, base_png: Path, rms: float, diff_png: Path) -> str | None:
    """The difference of an image from its baseline (None when within ``rms``, and no stale
    ``diff_png`` is left); a failed comparison leaves ``diff_png``."""
    _readable_png(base_png, baseline=True)
    _readable_png(png, baseline=False)
    try:
        result = compare_images(str(base_png), str(png), tol=rms, in_decorator=True)
    except ImageComparisonFailure as exc:  # another image size: a difference too
        return str(exc)
    if result is None:
        diff_png.unlink(missing_ok=True)  # of an earlier failure: the figure passes now
        return None
    diff_png.parent.mkdir(parents=True, exist_ok=True)
    Path(str(result["diff"])).replace(diff_png)
    return f"RMS {result['rms']:.3f} > {rms} (diff: {diff_png})"


def notes_path(png: Path) -> Path:
    """The notes view of a figure image: ``<figure>-notes.png`` beside ``<figure>.png``."""
    return png.with_name(f"{png.stem}-notes{png.suffix}")


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
    notes: bool = False,
) -> dict:
    """Verdict for one figure; a failed image comparison leaves ``diff_png``.

    ``declared`` is the figure's ``check:`` configuration (see :func:`compare_data`; ``image:
    {rms: x}`` or ``{skip: why}``; ``notes_image`` likewise, default ``image``). With ``notes``
    the notes view (``<figure>-notes.png`` beside ``png`` and ``base_png``) is compared too.
    """
    declared = declared or {}
    verdict: dict[str, Any] = {
        "figure": str(png),
        "baseline": str(base_png),
        "data": [],
        "image": None,
    }
    views = {"image": (png, base_png, diff_png, declared.get("image", {}))}
    if notes:
        views["notes_image"] = (
            *(notes_path(p) for p in (png, base_png, diff_png)),
            declared.get("notes_image", declared.get("image", {})),
        )
    missing = [p for p in (base_nc, *(v[1] for v in views.values())) if not p.exists()]
    if missing:
        verdict.update(passed=False, data=[f"no baseline at {', '.join(map(str, missing))}"])
        return verdict
    verdict["judged"] = {
        str(p): file_digest(p) for p in (nc, base_nc, *(q for v in views.values() for q in v[:2]))
    }
    verdict["data"] = compare_data(
        io.read_netcdf(nc), read_baseline(base_nc), rtol, atol, declared.get("variables")
    )
    if all("skip" in v[3] for v in views.values()) and nothing_compared(nc, declared):
        verdict["data"].append(
            "every variable and every image is skipped (check:): the figure is not compared at "
            "all (a configuration error: compare something, or drop the figure from the check)"
        )
    for key, (image, base, diff, rule) in views.items():
        verdict[key] = None
        if "skip" in rule:
            verdict[f"{key}_skipped"] = rule["skip"]
        else:
            verdict[key] = compare_image(image, base, rule.get("rms", rms), diff)
    verdict["passed"] = not verdict["data"] and not any(verdict[key] for key in views)
    return verdict


def nothing_compared(nc: Path, declared: Mapping) -> bool:
    """Whether ``declared`` skips every variable of the figure's data."""
    variables = declared.get("variables", {})
    return all("skip" in variables.get(name, {}) for name in io.read_netcdf(nc).variables)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content: what a verdict judged (see :func:`stale_verdicts`)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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
    notes: bool = False,
) -> bool:
    """True when the figure passes against its baseline and was made from the same quick
    configuration (same ``config_hash``: tests reuse such a baseline as the figure's quick data, see
    tests/quickdata.py); replacing it would only churn provenance attributes and timings."""
    if not base_nc.exists() or _config_hash(nc) != _config_hash(base_nc):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        diff = Path(tmp) / "diff.png"
        verdict = check_figure(nc, png, base_nc, base_png, rtol, atol, rms, diff, declared, notes)
        return verdict["passed"]


def summary(verdicts: list[dict]) -> str:
    """Markdown summary of all verdicts."""
    failed = [v for v in verdicts if not v["passed"]]
    lines = [f"# Figure check: {len(verdicts) - len(failed)} passed, {len(failed)} failed", ""]
    for v in verdicts:
        lines.append(f"- {'PASS' if v['passed'] else 'FAIL'} {v['figure']}")
        for problem in v["data"]:
            lines.append(f"    - data: {problem}")
        for key in ("image", "notes_image"):
            if v.get(key):
                lines.append(f"    - {key.replace('_', ' ')}: {v[key]}")
    return "\n".join(lines) + "\n"


def rule_key(tolerances: Mapping, declared: Mapping, notes: bool) -> str:
    """What a verdict was judged by, besides the files: tolerances and the figure's declaration."""
    text = json.dumps([tolerances, declared, notes], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def judge(paper: str, figure: str, declared, notes: bool, baselines: Path, tolerances) -> dict:
    """The verdict of one quick figure of the workflow's layout (``results/quick``,
    ``figures/quick``; diff images in ``results/checks/<paper>``), with what it judged."""
    base = Path(baselines) / paper
    verdict = check_figure(
        Path(f"results/quick/{paper}/{figure}.nc"),
        Path(f"figures/quick/{paper}/{figure}.png"),
        base / f"{figure}.nc",
        base / f"{figure}.png",
        rtol=tolerances["rtol"],
        atol=tolerances["atol"],
        rms=tolerances["image_rms"],
        diff_png=Path(f"results/checks/{paper}/{figure}-diff.png"),
        declared=declared,
        notes=notes,
    )
    verdict["rule"] = rule_key(tolerances, declared, notes)
    return verdict


def is_current(verdict: Mapping, tolerances, declared, notes: bool) -> bool:
    """A verdict still stands: it passed, by the same rule, on files whose content is what it
    judged (a file replaced, rebuilt or damaged since, whatever its mtime, makes it stale)."""
    judged = verdict.get("judged") or {}
    if not verdict.get("passed") or verdict.get("rule") != rule_key(tolerances, declared, notes):
        return False
    return bool(judged) and all(
        Path(p).exists() and file_digest(Path(p)) == digest for p, digest in judged.items()
    )


def check_job(paper: str, figure: str, declared, notes, baselines, tolerances, output, log):
    """The check job of one quick figure (Snakemake rule ``check_figure``)."""
    with io.job_log(log):
        write_json(judge(paper, figure, declared, notes, baselines, tolerances), Path(output))


def summary_job(verdict_files, output: str, log: str) -> None:
    """Write results/checks/summary.md from every verdict (Snakemake rule ``check_summary``)."""
    with io.job_log(log):
        write_summary([json.loads(Path(p).read_text()) for p in verdict_files], Path(output))


def write_summary(verdicts: list[dict], path: Path) -> None:
    with io.atomic_path(path, suffix=".tmp.md") as tmp:
        tmp.write_text(summary(verdicts))


def verdict_job(summary_file: str, figures, baselines: Path, tolerances, log: str) -> None:
    """Print the summary; fail when any figure differs (Snakemake target ``check``).

    ``figures``: (paper, figure, declared check, has a notes view) of every quick figure. No
    cached verdict outlives what it judged: each one is re-judged, and rewritten with the summary,
    unless it passed on exactly the files (by content) and the rule it would be judged on now.
    """
    with io.job_log(log) as fh:
        verdicts, rejudged = [], []
        for paper, figure, declared, notes in figures:
            path = Path(f"results/checks/{paper}/{figure}.json")
            verdict = json.loads(path.read_text()) if path.exists() else {}
            if not is_current(verdict, tolerances, declared, notes):
                verdict = judge(paper, figure, declared, notes, baselines, tolerances)
                write_json(verdict, path)
                rejudged.append(f"{paper}.{figure}")
            verdicts.append(verdict)
        if rejudged:
            write_summary(verdicts, Path(summary_file))
            print(f"re-judged (files or rule changed since the verdict): {rejudged}", file=fh)
        text = summary(verdicts)
        print(text, file=fh)
    print(text)
    if any(not v["passed"] for v in verdicts):
        raise CheckFailed(f"figure check failed: see {summary_file}")


def update_baselines_job(figures, baselines: Path, tolerances, log: str) -> None:
    """Copy the quick figures that no longer pass over their baselines (``update_baselines``):
    the data file, and each image that differs from its baseline beyond the check's RMS.

    ``figures``: (paper, figure, declared check, has a notes view) of every quick figure. A
    figure that still passes is left alone: replacing it would only churn provenance attributes
    and timings.
    """
    with io.job_log(log) as fh:
        for paper, figure, declared, notes in figures:
            nc = Path(f"results/quick/{paper}/{figure}.nc")
            png = Path(f"figures/quick/{paper}/{figure}.png")
            base_nc, base_png = (
                Path(baselines) / paper / nc.name,
                Path(baselines) / paper / png.name,
            )
            tol = (tolerances["rtol"], tolerances["atol"], tolerances["image_rms"])
            if baseline_is_current(nc, png, base_nc, base_png, *tol, declared, notes):
                print(f"unchanged {base_nc.with_suffix('')}", file=fh)
                continue
            base_nc.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nc, base_nc)
            print(f"baseline {base_nc}", file=fh)
            images = [(png, base_png, declared.get("image", {}))]
            if notes:
                rule = declared.get("notes_image", declared.get("image", {}))
                images.append((notes_path(png), notes_path(base_png), rule))
            for source, target, rule in images:
                if _image_is_current(source, target, rule, tolerances["image_rms"]):
                    continue  # equal within the check's RMS: a copy would only churn bytes
                shutil.copyfile(source, target)
                print(f"baseline {target}", file=fh)


def _image_is_current(png: Path, base_png: Path, rule: Mapping, rms: float) -> bool:
    """An image baseline that exists and that ``png`` matches (or that the check skips)."""
    if not base_png.exists():
        return False
    if "skip" in rule:
        return True
    with tempfile.TemporaryDirectory() as tmp:
        return compare_image(png, base_png, rule.get("rms", rms), Path(tmp) / "diff.png") is None


def write_json(obj: dict, path: Path) -> None:
    with io.atomic_path(path, suffix=".tmp.json") as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True))
