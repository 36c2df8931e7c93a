"""The workflow end to end, in a scratch copy of the repository (the figure-diff check of CI)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scratch import copy_repository

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow


def snakemake(cwd, *args, check=True, env=None):
    # The copy's own sources come first, so that edits made in the copy are what runs.
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(Path(cwd) / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=3000,
    )
    if check and run.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
        )
    return run


def job_counts(output: str) -> dict[str, int]:
    """The 'Job stats' table of a dry run as rule -> count."""
    table = output.split("Job stats:")[1].split("\n\n")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A scratch copy of the repository, nothing built."""
    return copy_repository(tmp_path_factory.mktemp("repo"))


# The baselines were made with OpenBLAS's default kernels for this CPU; the check must pass on any
# CPU, so it runs here with the kernels of another one (results must not depend on the last bits;
# tests/test_kernels.py compares the quick data under the Sandybridge and Haswell kernels too).
OTHER_CPU = {"OPENBLAS_CORETYPE": "Prescott"}


@pytest.fixture(scope="module")
def checked(repo):
    """Run the figure-diff check once: quick variant of every selected paper vs tests/baselines,
    built with the OpenBLAS kernels of another CPU."""
    return snakemake(repo, "--cores", "2", "check", check=False, env=OTHER_CPU)


def test_other_cpu_kernels_are_really_used():
    """OPENBLAS_CORETYPE really switches the BLAS kernels (threadpoolctl reports them)."""
    code = "import numpy, threadpoolctl; print(threadpoolctl.threadpool_info()[0]['architecture'])"

    def kernels(extra):
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"} | extra
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    assert kernels(OTHER_CPU) != kernels({})


def test_figure_check_passes(checked, repo):
    summary = (repo / "results/checks/summary.md").read_text()
    assert checked.returncode == 0, summary + checked.stderr[-3000:]
    assert re.match(r"# Figure check: \d+ passed, 0 failed", summary)


def test_rerun_does_nothing(checked, repo):
    run = snakemake(repo, "-n", "results/checks/summary.md")
    assert "Nothing to be done" in run.stdout + run.stderr


def _quick_panels():
    """(paper, figure, panel) -> solver module of every quick panel."""
    from dissent import codedeps, config

    papers = config.load_papers(config.paper_files(ROOT / "config/papers"))
    out = {}
    for paper, figures in papers.items():
        for figure in figures:
            spec = config.figure_spec(papers, paper, figure, "quick")
            for panel, body in spec.get("panels", {}).items():
                out[paper, figure, panel] = codedeps.function_module(
                    body["solver"], "dissent.models"
                )
    return out


def _solve_closure(module):
    from dissent import codedeps

    return codedeps.closure(module) | codedeps.closure("dissent.pipeline")


PHYSICS_MODULES = sorted(
    ".".join(p.relative_to(ROOT / "src").with_suffix("").parts).removesuffix(".__init__")
    for sub in ("models", "quantum")
    for p in (ROOT / "src/dissent" / sub).rglob("*.py")
)


@pytest.mark.parametrize("module", PHYSICS_MODULES)
def test_editing_a_physics_module_reruns_exactly_the_solves_that_import_it(checked, repo, module):
    """The cache is never stale and never reruns what cannot have changed."""
    from dissent import codedeps

    path = repo / codedeps.module_path(module).relative_to(ROOT)
    original = path.read_text()
    try:
        path.write_text(original + "\n# an edit\n")
        run = snakemake(repo, "-n", "results/checks/summary.md")
    finally:
        path.write_text(original)
    scheduled = set(
        re.findall(
            r"rule solve(?:_in_process)?:.*?"
            r"wildcards: variant=quick/, paper=(\w+), figure=(\w+), panel=(\w+)",
            run.stdout,
            re.S,
        )
    )
    expected = {key for key, solver in _quick_panels().items() if module in _solve_closure(solver)}
    assert scheduled == expected


def test_restoring_a_file_reruns_nothing(checked, repo):
    """Content, not timestamps: a `git checkout` that restores a module forces no rerun."""
    path = repo / "src/dissent/quantum/steady.py"
    path.write_text(path.read_text())  # new mtime, same content
    run = snakemake(repo, "-n", "results/checks/summary.md")
    assert "Nothing to be done" in run.stdout + run.stderr


def test_every_module_a_solve_job_loaded_is_in_its_closure(checked, repo):
    """Cross-check of the static closure against what the quick solve jobs really imported."""
    from dissent import io

    panels = _quick_panels()
    chunks = sorted((repo / "results/quick").glob("*/*/*/chunks/*.nc"))
    assert {c.parts[-5:-2] for c in chunks} == set(panels)
    for chunk in chunks:
        if chunk.name == "in-process.nc":  # solved in the Snakemake process: it imports more
            continue
        loaded = set(io.read_netcdf(chunk).attrs["modules_loaded"].split())
        missing = loaded - _solve_closure(panels[chunk.parts[-5:-2]])
        assert not missing, (chunk, missing)


def test_update_baselines_replaces_only_changed_figures(checked, repo):
    import xarray as xr

    base = repo / "tests/baselines"
    before = {p: p.read_bytes() for p in base.rglob("*") if p.is_file()}
    changed = base / "zou2022/fig2.nc"
    with xr.open_dataset(changed) as ds:
        edited = ds.load()
    name = next(v for v in edited.data_vars if edited[v].dtype.kind == "f")
    edited[name] = edited[name] + 1.0  # a baseline that no longer matches
    edited.to_netcdf(changed)
    stale = changed.read_bytes()
    snakemake(repo, "--cores", "2", "update_baselines")
    log = (repo / "logs/checks/update_baselines.log").read_text()
    assert f"baseline {changed.relative_to(repo)}" in log and "unchanged" in log, log
    after = {p: p.read_bytes() for p in base.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    rewritten = {p for p in after if after[p] != (stale if p == changed else before[p])}
    assert rewritten == {changed}, rewritten  # only the stale baseline, its PNG was identical
    with xr.open_dataset(changed) as ds:
        # back to the real data (built with another CPU's kernels: equal within the check's rtol)
        assert np.allclose(ds[name], edited[name] - 1.0, rtol=1e-6, atol=1e-9)


def test_one_figure_target_builds_only_what_it_needs(repo):
    run = snakemake(repo, "-n", "figures/zou2022/figS4.pdf")
    counts = job_counts(run.stdout)
    assert counts["render"] == 1 and counts["aggregate"] == 1
    assert counts["grid"] == 2  # panels a and b of figS4 only
    assert "fig2" not in run.stdout.replace("figS4", "")


def test_editing_one_grid_reruns_that_figure_only(checked, repo, tmp_path):
    override = tmp_path / "edit.yaml"
    override.write_text(
        "figures: {zou2022: {fig2: {quick: {panels: {main: {params: "
        "{time: {linspace: [0.0, 4.0, 41]}}}}}}}}\n"
    )
    run = snakemake(repo, "results/checks/summary.md", "-n", "--configfile", str(override))
    counts = job_counts(run.stdout)
    assert counts["grid"] == 1 and counts["aggregate"] == 1
    assert counts["render_quick"] == 2  # the paper's figure and its notes view
    assert counts["check_figure"] == 1


def test_editing_a_render_function_reruns_rendering_only(checked, repo):
    module = repo / "src/dissent/figures/zou2022.py"
    original = module.read_text()
    try:
        module.write_text(original + "\n# a cosmetic edit\n")
        run = snakemake(repo, "-n", "figures/quick/zou2022/fig2.png")
        counts = job_counts(run.stdout)
        assert set(counts) == {"render_quick", "total"}
    finally:
        module.write_text(original)


def test_every_quick_netcdf_is_cf_clean(checked, repo):
    from cfcheck import cf_problems, metadata_problems

    files = sorted((repo / "results/quick").glob("*/*.nc"))
    assert len(files) >= 28
    problems = [p for nc in files for p in cf_problems(nc) + metadata_problems(nc)]
    assert not problems, "\n".join(problems)


def test_report_builds_cleanly_and_a_browser_shows_a_figure_with_its_caption(
    checked, repo, tmp_path
):
    from report_view import DOCUTILS_MESSAGE, browser, rendered_dom

    snakemake(repo, "--cores", "2", "quick")
    run = snakemake(repo, "--report", "report.html", "quick")
    log = run.stdout + run.stderr
    assert not DOCUTILS_MESSAGE.findall(log), log[-4000:]
    report = repo / "report.html"
    assert "system-message" not in report.read_text()
    if browser() is None:
        pytest.skip("no Chromium/Chrome on PATH (Debian: apt-get install chromium)")
    dom = rendered_dom(report, tmp_path)
    opened = re.search(r'data-opened="([^"]+)"', dom)
    width = re.search(r'data-image-width="(\d+)"', dom)
    shown = re.search(r'data-image-shown-width="(\d+)"', dom)
    assert opened and opened[1].endswith(".png"), "no figure in the report"
    # a paper's page lists its figures by the paper's name and title and the view (labels)
    html = report.read_text()
    assert re.search(r'"labels": \{"figure": "Fig\. \w+", "title": "[^"]+", "view": ', html)
    assert html.count('"view": "as in the paper"') == 28
    assert '"view": "our notes beside it"' in html
    assert width and int(width[1]) > 100, "the browser did not decode the PNG"
    assert shown and int(shown[1]) > 100, "the figure is not displayed"
    description = dom.split(">Description<", 1)[-1]
    assert "How it was computed" in description, "no caption next to the figure"
    # the real render_quick rule's caption: the quick variant and its own data file
    assert "quick variant" in description and "full variant" not in description
    assert re.search(r"results/quick/\w+/\w+\.nc", description), description[:2000]
    assert "system-message" not in dom and "Docutils System Messages" not in dom
