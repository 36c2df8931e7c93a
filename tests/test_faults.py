"""Fault drills: interruptions, corrupted caches, bad configuration, determinism, rebuild reasons.

Every drill runs Snakemake on the quick variant in scratch copies of the repository (never in the
repository itself). Each test can fail: it checks files, exit codes and messages.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from scratch import copy_repository, env_for

from dissent import io

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow
TIMING_ATTRS = "solve_seconds"  # wall-clock measurements: the only attributes allowed to differ
# The drills build the quick variant of one paper (the reference paper of the workflow), which keeps
# them to minutes and independent of papers that are still being added.
DRILL_CONFIG = "papers: [zou2022]\n"


def copy_repo(dest: Path) -> Path:
    """A scratch copy of the repository with the drill configuration beside it."""
    copy_repository(dest)
    (dest / "drill.yaml").write_text(DRILL_CONFIG)
    return dest


def command(cwd, *args, configfiles=()) -> list[str]:
    """snakemake ARGS --configfile drill.yaml [CONFIGFILES] (the last config wins)."""
    files = [str(Path(cwd) / "drill.yaml"), *map(str, configfiles)]
    return [sys.executable, "-m", "snakemake", *args, "--configfile", *files]


def snakemake(cwd, *args, check=True, timeout=1800, configfiles=()):
    run = subprocess.run(
        command(cwd, *args, configfiles=configfiles),
        cwd=cwd,
        env=env_for(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and run.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
        )
    return run


def figure_data(cwd: Path) -> dict[str, Path]:
    """results/quick/<paper>/<figure>.nc of a built copy."""
    found = {str(p.relative_to(cwd)): p for p in (cwd / "results/quick").glob("*/*.nc")}
    assert found, f"no figure data under {cwd}/results/quick"
    return found


def figure_images(cwd: Path) -> dict[str, Path]:
    found = {str(p.relative_to(cwd)): p for p in (cwd / "figures/quick").glob("*/*.png")}
    assert found, f"no figures under {cwd}/figures/quick"
    return found


def without_timing(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    ds.attrs = {k: v for k, v in ds.attrs.items() if TIMING_ATTRS not in k}
    return ds


def assert_same_outputs(a: Path, b: Path) -> None:
    """Identical figure data (values, coordinates, attributes but timings) and identical PNGs."""
    data_a, data_b = figure_data(a), figure_data(b)
    assert sorted(data_a) == sorted(data_b)
    for name in data_a:
        xr.testing.assert_identical(
            without_timing(io.read_netcdf(data_a[name])),
            without_timing(io.read_netcdf(data_b[name])),
        )
    png_a, png_b = figure_images(a), figure_images(b)
    assert sorted(png_a) == sorted(png_b)
    for name in png_a:
        assert png_a[name].read_bytes() == png_b[name].read_bytes(), f"{name} differs"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The quick variant of every selected figure, built in one uninterrupted run."""
    repo = copy_repo(tmp_path_factory.mktemp("clean"))
    snakemake(repo, "--cores", "2", "quick")
    return repo


@pytest.fixture(scope="module")
def reference(clean, tmp_path_factory):
    """A copy of the clean run's figure data and images (the drills below reuse `clean`, whose
    absolute source paths a copied tree would not match, and restore it)."""
    ref = tmp_path_factory.mktemp("reference")
    for sub in ("results/quick", "figures/quick"):
        shutil.copytree(clean / sub, ref / sub)
    return ref


# ------------------------------------------------------------------------------ determinism
def test_two_clean_runs_give_identical_data_and_pngs(clean, tmp_path):
    other = copy_repo(tmp_path / "second")
    snakemake(other, "--cores", "2", "quick")
    assert_same_outputs(clean, other)


# ------------------------------------------------------------------------------ SIGKILL
def _chunk_of_log(log: Path, repo: Path) -> Path:
    """logs/.../<panel>/solve-0-of-2.log -> results/.../<panel>/chunks/0-of-2.nc"""
    rel = log.relative_to(repo / "logs")
    name = log.name[len("solve-") : -len(".log")]
    return repo / "results" / rel.parent / "chunks" / f"{name}.nc"


def test_sigkill_in_the_middle_of_a_solve_then_rerun(reference, tmp_path):
    repo = copy_repo(tmp_path / "killed")
    proc = subprocess.Popen(
        command(repo, "--cores", "2", "quick"),
        cwd=repo,
        env=env_for(repo),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    running = None
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline and proc.poll() is None:
            # A solve is running: it has opened its log, its output does not exist yet.
            done = list((repo / "results/quick").glob("*/*/*/chunks/*.nc"))
            started = [p for p in (repo / "logs/quick").glob("*/*/*/solve-*.log")]
            busy = [log for log in started if not _chunk_of_log(log, repo).exists()]
            if busy and done:  # at least one chunk finished, another one in flight
                running = busy
                break
            time.sleep(0.05)
        assert running, "the run finished (or timed out) before it could be killed mid-solve"
        os.killpg(proc.pid, signal.SIGKILL)  # Snakemake and every job process, no clean-up
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)

    # Nothing half-written is visible under a final name: every result file is a finished one.
    results = [p for p in (repo / "results").rglob("*.nc") if not p.name.startswith(".")]
    for path in results:
        io.read_netcdf(path)  # raises CorruptResultError for a partial file
    missing = [log for log in running if not _chunk_of_log(log, repo).exists()]
    assert missing, "the killed solve jobs should not have left their outputs"
    # The rerun: release the stale lock of the killed run, then finish (incomplete jobs rerun).
    snakemake(repo, "--unlock")
    snakemake(repo, "--cores", "2", "quick")
    assert_same_outputs(reference, repo)
    again = snakemake(repo, "-n", "quick")
    assert "Nothing to be done" in again.stdout + again.stderr


# ------------------------------------------------------------------------------ corrupted chunk
def _truncate(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def _garbage(path: Path) -> None:
    """Overwrite the middle half of the file with random bytes (same size)."""
    data = bytearray(path.read_bytes())
    lo, hi = len(data) // 4, 3 * len(data) // 4
    data[lo:hi] = np.random.default_rng(0).integers(0, 256, hi - lo, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))


def _unfinished(path: Path) -> None:
    """A readable NetCDF that was never marked complete (a writer that is not atomic died)."""
    ds = xr.open_dataset(path).load()
    ds.attrs.pop("complete")
    path.unlink()
    ds.to_netcdf(path)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage",
    [_truncate, _garbage, _unfinished, _empty],
    ids=["truncated", "garbage", "unfinished", "empty"],
)
def test_corrupted_chunk_is_detected_and_named(clean, reference, damage):
    repo = clean
    chunk = sorted((repo / "results/quick").glob("*/*/*/chunks/0-of-*.nc"))[0]
    rel = chunk.relative_to(repo)
    paper, figure = rel.parts[2], rel.parts[3]
    png = repo / "figures/quick" / paper / f"{figure}.png"
    before = png.read_bytes()
    damage(chunk)

    run = snakemake(repo, "--cores", "2", "quick", check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0, (
        f"a damaged chunk ({damage.__name__}) was accepted:\n{output[-3000:]}"
    )
    assert f"{rel}:" in output and "delete it and rerun" in output, output[-3000:]
    assert png.read_bytes() == before, "the figure was redrawn from a damaged chunk"

    chunk.unlink()  # what the message says; the rerun recomputes the chunk and what depends on it
    snakemake(repo, "--cores", "2", "quick")
    assert_same_outputs(reference, repo)


# ------------------------------------------------------------------------------ the check
def test_the_check_rebuilds_what_it_judges_and_no_verdict_outlives_its_files(clean, reference):
    """`check` with the figures deleted rebuilds them (it does not pass on the verdicts of the
    earlier run); data changed under the same mtime are caught by their content checksum."""
    repo = clean
    snakemake(repo, "--cores", "2", "check")
    for sub in ("results/quick", "figures/quick"):
        shutil.rmtree(repo / sub)
    run = snakemake(repo, "--cores", "2", "check")
    assert "rule aggregate" in run.stdout + run.stderr, "nothing was rebuilt"
    assert_same_outputs(reference, repo)

    nc = repo / "results/quick/zou2022/fig2.nc"
    before = nc.stat()
    ds = xr.open_dataset(nc).load()  # a valid file with other data, checksum attribute kept
    name = next(v for v in ds.data_vars if ds[v].dtype.kind == "f")
    ds[name] = ds[name] * 1.5
    nc.unlink()
    ds.to_netcdf(nc)
    os.utime(nc, ns=(before.st_atime_ns, before.st_mtime_ns))
    run = snakemake(repo, "--cores", "2", "check", check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0, "changed data passed the check"
    assert "results/quick/zou2022/fig2.nc: its data do not match the checksum" in output, output
    nc.unlink()  # what the message says
    snakemake(repo, "--cores", "2", "check")
    assert_same_outputs(reference, repo)
    snakemake(repo, "--cores", "2", "quick")  # the report tables deleted above, for later drills


# ------------------------------------------------------------------------------ bad configuration
BAD_CONFIGS = [
    # (override YAML, key that the message must name)
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {a: -1.0}}}}}}",
        "zou2022.fig2.panels.main.params.a",
    ),  # negative rate
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {boltzmann: 1.5}}}}}}",
        "zou2022.fig2.panels.main.params.boltzmann",
    ),  # exp(-D/kT) outside [0, 1]
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {A: 2.0}}}}}}",
        "zou2022.fig2.panels.main.params.A",
    ),  # |A| > a
    (
        "figures: {zou2022: {fig2: {panels: {main: {grid: {delta: {values: []}}}}}}}",
        "zou2022.fig2.panels.main.grid.delta",
    ),  # empty grid
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {time: {linspace: [0.0, 4.0, 0]}}}}}}}",
        "zou2022.fig2.panels.main.params.time",
    ),  # empty axis
    ("figures: {zou2022: {fig99: {title: 'no such figure'}}}", "zou2022.fig99"),  # unknown figure
    ("chunks: 0", "chunks"),  # chunk count zero
    ("figures: {zou2022: {fig2: {chunks: 0}}}", "zou2022.fig2.chunks"),  # per figure, too
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {a: abc}}}}}}",
        "zou2022.fig2.panels.main.params.a",
    ),  # non-numeric value
    ("papers: [nosuch2020]", "papers"),  # unknown paper
    ("chunks: two", "chunks"),  # wrong type
    ("check: {rtol: tight, atol: 0.0, image_rms: 1.0}", "check.rtol"),  # wrong type
    (
        "figures: {zou2022: {fig2: {panels: {main: {gird: {delta: {values: [1.0]}}}}}}}",
        "zou2022.fig2.panels.main",
    ),  # unknown key (typo)
    ("chunk: 2", "<top level>"),  # unknown global key
    # the holes of the bad-input drill (issue 16): NaN, repeated grid values, a huge grid, a list
    # where one number is expected, a name that is not a declared solver
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {a: .nan}}}}}}",
        "zou2022.fig2.panels.main.params.a",
    ),
    (
        "figures: {zou2022: {fig2: {panels: {main: {grid: {delta: {values: [1.0, 1.0]}}}}}}}",
        "zou2022.fig2.panels.main.grid.delta",
    ),
    (
        "figures: {zou2022: {figS5: {panels: {main: {grid: "
        "{A: {linspace: [0.0, 1.0, 10000]}, A_tilde: {linspace: [0.0, 1.0, 10000]}}}}}}}",
        "zou2022.figS5.panels.main.grid",
    ),
    (
        "figures: {zou2022: {fig2: {panels: {main: {params: {a: [1.0, 2.0]}}}}}}",
        "zou2022.fig2.panels.main.params.a",
    ),
    (
        "figures: {zou2022: {fig2: {panels: {main: {solver: zou2022.__class__}}}}}",
        "zou2022.fig2.panels.main.solver",
    ),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return copy_repo(tmp_path_factory.mktemp("pristine"))


def _fails_before_any_job(repo: Path, tmp_path: Path, text: str, key: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "\n")
    # A real run (not a dry run) of one cheap target: a configuration that slipped through would
    # start jobs and leave results/.
    run = snakemake(
        repo,
        "--cores",
        "1",
        "figures/quick/zou2022/fig2.png",
        configfiles=[bad],
        check=False,
        timeout=600,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, f"accepted: {text}"
    assert f"Invalid configuration: {key}" in output, output[-3000:]
    assert not (repo / "results").exists() and not (repo / "logs").exists(), "a job ran"


@pytest.mark.parametrize(("text", "key"), BAD_CONFIGS, ids=[k for _, k in BAD_CONFIGS])
def test_bad_configuration_is_named(text, key):
    """Every bad configuration, through the loader the Snakefile runs before any job."""
    import yaml

    from dissent import config as cfg

    config = cfg.deep_merge(
        yaml.safe_load((ROOT / "config/config.yaml").read_text()),
        yaml.safe_load(DRILL_CONFIG),
    )
    config["paper_configs"] = str(ROOT / "config/papers")
    config = cfg.deep_merge(config, yaml.safe_load(text))
    schema = ROOT / "workflow/schemas/config.schema.yaml"
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load_workflow_config(config, schema)
    assert str(err.value).startswith(key), err.value


# One of each kind end to end (schema type, unknown key, solver validator, empty grid, unknown
# paper, NaN, huge grid): Snakemake itself stops before any job, with the message naming the key.
END_TO_END = [BAD_CONFIGS[i] for i in (0, 3, 9, 11, 12, 14, 16)]


@pytest.mark.parametrize(("text", "key"), END_TO_END, ids=[k for _, k in END_TO_END])
def test_bad_configuration_fails_before_any_job(pristine, tmp_path, text, key):
    _fails_before_any_job(pristine, tmp_path, text, key)


INJECTION = (
    'figures: {"zz`touch INJECTED`": {fig1: {title: t, panels: {main: {solver: '
    "zou2022.concurrence_dynamics, params: {a: 1.0, A: 1.0, time: [0.0, 1.0]}}}}}}"
)
TEMPLATE = (
    '__use_yte__: true\npapers:\n  - ?__import__("pathlib").Path("INJECTED").touch() or "zou2022"\n'
)


def test_configuration_cannot_run_code(pristine, tmp_path):
    """A paper key made to run in the solve job's shell, and YTE templating (Python in YAML),
    are refused before any job; the main configuration's template is not even evaluated."""
    _fails_before_any_job(pristine, tmp_path, INJECTION, "zz`touch INJECTED`")
    run = snakemake(
        pristine,
        "--cores",
        "1",
        "results/quick/zz`touch INJECTED`/fig1.nc",
        configfiles=[tmp_path / "bad.yaml"],
        check=False,
    )
    assert run.returncode != 0 and not (pristine / "INJECTED").exists()
    # A --configfile is read (and its template run) by Snakemake before the workflow: refused then
    _fails_before_any_job(pristine, tmp_path, TEMPLATE, "__use_yte__")
    (pristine / "INJECTED").unlink(missing_ok=True)
    repo = copy_repo(tmp_path / "templated")
    main = repo / "config/config.yaml"
    main.write_text(TEMPLATE + main.read_text().replace("papers:", "#papers:", 1))
    run = snakemake(repo, "-n", "quick", check=False)
    assert run.returncode != 0 and "__use_yte__" in run.stdout + run.stderr
    assert not (repo / "INJECTED").exists(), "the template of config/config.yaml was run"


def test_bozkurt_transmission_outside_unit_interval(pristine, tmp_path):
    """T outside [0, 1] for bozkurt2025's transmission probability (once its config exists)."""
    import yaml

    path = ROOT / "config/papers/bozkurt2025.yaml"
    if not path.exists():
        pytest.skip("config/papers/bozkurt2025.yaml does not exist yet")
    bozkurt = "bozkurt2025"
    papers = yaml.safe_load(path.read_text())[bozkurt]
    for figure, spec in papers.items():
        for panel_name, panel in spec["panels"].items():
            for section in ("params", "grid"):
                if "T" in panel.get(section, {}):
                    value = 1.5 if section == "params" else {"values": [0.5, 1.5]}
                    override = {
                        bozkurt: {figure: {"panels": {panel_name: {section: {"T": value}}}}}
                    }
                    text = yaml.safe_dump({"papers": ["zou2022", bozkurt], "figures": override})
                    key = f"bozkurt2025.{figure}.panels.{panel_name}.{section}.T"
                    return _fails_before_any_job(pristine, tmp_path, text, key)
    pytest.skip("no bozkurt2025 figure has a transmission parameter T")


# ------------------------------------------------------------------------------ why a rebuild
def _summary(repo: Path, *args) -> dict[str, tuple[str, str]]:
    """`snakemake --summary`: output file -> (status, plan)."""
    lines = snakemake(repo, "--summary", "quick", configfiles=args).stdout.splitlines()
    header = lines.index(next(x for x in lines if x.startswith("output_file")))
    rows = [line.split("\t") for line in lines[header + 1 :] if "\t" in line]
    return {r[0]: (r[4], r[5]) for r in rows}


def test_summary_says_why_a_figure_would_be_rebuilt(clean, tmp_path):
    repo = clean
    summary = _summary(repo)
    assert summary and all(plan == "no update" for _, plan in summary.values()), summary

    edit = tmp_path / "edit.yaml"
    edit.write_text(
        "figures: {zou2022: {fig2: {quick: {panels: {main: {params: "
        "{time: {linspace: [0.0, 4.0, 41]}}}}}}}}\n"
    )
    summary = _summary(repo, edit)
    assert summary["figures/quick/zou2022/fig2.png"] == ("params changed", "update pending")
    assert summary["results/quick/zou2022/fig2/main/grid.nc"][0] == "params changed"
    assert summary["figures/quick/zou2022/fig3.png"] == ("ok", "no update")

    module = repo / "src/dissent/figures/zou2022.py"
    original = module.read_text()
    try:
        module.write_text(original + "\n# a cosmetic edit\n")
        summary = _summary(repo)
        png = summary["figures/quick/zou2022/fig2.png"]
        assert png == ("params changed", "update pending")  # the render code digest
        assert summary["results/quick/zou2022/fig2.nc"] == ("ok", "no update")
    finally:
        module.write_text(original)
