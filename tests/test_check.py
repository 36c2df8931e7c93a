"""The figure-diff comparison and its per-figure declarations (config `check:`)."""

import os
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from dissent import check, config, io


def _pair():
    x = np.linspace(0, 1, 4)
    base = xr.Dataset(
        {
            "c": ("x", np.array([0.1, 0.2, 0.3, 0.4])),
            "theta": ("x", np.array([1.0, 2.0, 3.0, 0.5])),
            "unique": ("x", np.array([1, 1, 0, 1], dtype="int8")),
            "n_ties": ("x", np.array([1, 1, 3, 1])),
        },
        coords={"x": x},
    )
    new = base.copy(deep=True)
    new["theta"].values[2] = 0.1  # differs only where the optimum is not unique
    new["n_ties"].values[2] = 4
    return new, base


def test_undeclared_differences_are_reported():
    new, base = _pair()
    problems = check.compare_data(new, base, 1e-6, 1e-9)
    assert [p.split(":")[0] for p in problems] == ["n_ties", "theta"]


def test_declared_skip_and_where_hide_only_the_declared_differences():
    new, base = _pair()
    declared = {"n_ties": {"skip": "optimiser count"}, "theta": {"where": "unique"}}
    assert check.compare_data(new, base, 1e-6, 1e-9, declared) == []
    new["theta"].values[0] = 1.5  # a real change where the optimum is unique is still caught
    problems = check.compare_data(new, base, 1e-6, 1e-9, declared)
    assert len(problems) == 1 and problems[0].startswith("theta: 1 of 3 values differ")


def test_declared_tolerance_and_missing_mask():
    new, base = _pair()
    new["c"] = new["c"] * (1 + 1e-4)
    assert check.compare_data(
        new, base, 1e-6, 1e-9, {"n_ties": {"skip": "x"}, "theta": {"skip": "x"}}
    )
    assert not check.compare_data(
        new,
        base,
        1e-6,
        1e-9,
        {"c": {"rtol": 1e-3}, "n_ties": {"skip": "x"}, "theta": {"skip": "x"}},
    )
    problems = check.compare_data(new, base, 1e-6, 1e-9, {"c": {"where": "nope"}})
    assert any("'where' variable 'nope' is missing" in p for p in problems)


@pytest.mark.parametrize(
    "declaration, key",
    [
        ({"variables": {"c": {"skp": "typo"}}}, "x.f.check.variables.c"),
        ({"image": {"rms": -1}}, "x.f.check.image.rms"),
        ({"variables": {"c": {}}}, "x.f.check.variables.c"),
    ],
)
def test_bad_check_declaration_names_the_key(declaration, key):
    papers = {
        "x": {"f": {"title": "t", "panels": {"main": {"solver": "m.f"}}, "check": declaration}}
    }
    with pytest.raises(config.ConfigError, match=key.replace(".", r"\.")):
        config.check_schema(papers)


def test_baseline_of_another_configuration_is_not_current(tmp_path):
    """Equal data but another quick configuration: the baseline is replaced by update_baselines
    (tests reuse a baseline as quick data only when its config_hash is the current one)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    new, _ = _pair()
    png = tmp_path / "f.png"
    fig = plt.figure(figsize=(1, 1))
    fig.savefig(png)
    plt.close(fig)
    paths = {}
    for name, config_hash in (("new", "abc"), ("same", "abc"), ("other", "def")):
        paths[name] = tmp_path / f"{name}.nc"
        io.write_netcdf(new.assign_attrs(config_hash=config_hash), paths[name])
    assert check.baseline_is_current(paths["new"], png, paths["same"], png, 1e-6, 1e-9, 1.0)
    assert not check.baseline_is_current(paths["new"], png, paths["other"], png, 1e-6, 1e-9, 1.0)


def test_notes_view_is_compared_and_its_baseline_required(tmp_path):
    """With a notes view the check compares ``<figure>-notes.png`` too: a missing notes baseline
    fails, a different notes image fails with its own diff image, an equal one passes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def draw(path, colour):
        fig = plt.figure(figsize=(1, 1))
        fig.patch.set_facecolor(colour)
        fig.savefig(path)
        plt.close(fig)

    new, _ = _pair()
    nc = tmp_path / "f.nc"
    io.write_netcdf(new, nc)
    out, base = tmp_path / "out", tmp_path / "base"
    out.mkdir(), base.mkdir()
    for d in (out, base):
        draw(d / "f.png", "white")
    draw(out / "f-notes.png", "black")
    diff = tmp_path / "checks/f-diff.png"
    args = (nc, out / "f.png", nc, base / "f.png", 1e-6, 1e-9, 1.0, diff)
    assert check.check_figure(*args)["passed"]  # no notes view: its files are not looked at
    missing = check.check_figure(*args, notes=True)
    assert not missing["passed"] and "f-notes.png" in missing["data"][0]
    draw(base / "f-notes.png", "white")
    differs = check.check_figure(*args, notes=True)
    assert not differs["passed"] and differs["image"] is None and "RMS" in differs["notes_image"]
    assert (tmp_path / "checks/f-diff-notes.png").exists()
    draw(base / "f-notes.png", "black")
    assert check.check_figure(*args, notes=True)["passed"]


def _png(path, colour="white"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1))
    fig.patch.set_facecolor(colour)
    fig.savefig(path)
    plt.close(fig)


def _figure_files(tmp_path):
    new, _ = _pair()
    nc, png = tmp_path / "f.nc", tmp_path / "f.png"
    io.write_netcdf(new, nc)
    _png(png)
    base = tmp_path / "base"
    base.mkdir()
    io.write_netcdf(new, base / "f.nc")
    _png(base / "f.png")
    return nc, png, base / "f.nc", base / "f.png", tmp_path / "checks/f-diff.png"


def test_a_damaged_baseline_is_named_with_the_remedy_for_a_committed_file(tmp_path):
    nc, png, base_nc, base_png, diff = _figure_files(tmp_path)
    base_png.write_bytes(base_png.read_bytes()[:100])  # a truncated PNG
    with pytest.raises(check.BaselineError, match=f"{base_png}: .*restore it with git"):
        check.check_figure(nc, png, base_nc, base_png, 1e-6, 1e-9, 1.0, diff)
    _png(base_png)
    base_nc.write_bytes(b"not a netcdf")
    with pytest.raises(check.BaselineError, match=f"{base_nc}: .*restore it with git") as err:
        check.check_figure(nc, png, base_nc, base_png, 1e-6, 1e-9, 1.0, diff)
    assert "delete it" not in str(err.value)


def test_a_stale_diff_image_is_removed_when_the_figure_passes_again(tmp_path):
    nc, png, base_nc, base_png, diff = _figure_files(tmp_path)
    _png(png, "black")
    assert not check.check_figure(nc, png, base_nc, base_png, 1e-6, 1e-9, 1.0, diff)["passed"]
    assert diff.exists()
    _png(png, "white")
    assert check.check_figure(nc, png, base_nc, base_png, 1e-6, 1e-9, 1.0, diff)["passed"]
    assert not diff.exists()


def test_declaring_a_variable_the_figure_does_not_have_is_an_error():
    new, base = _pair()
    problems = check.compare_data(new, base, 1e-6, 1e-9, {"n_tie": {"skip": "typo of n_ties"}})
    assert any(p.startswith("n_tie: declared in check.variables") for p in problems), problems


def test_a_figure_with_everything_skipped_is_an_error(tmp_path):
    nc, png, base_nc, base_png, diff = _figure_files(tmp_path)
    everything = {n: {"skip": "x"} for n in io.read_netcdf(nc).variables}
    declared = {"variables": everything, "image": {"skip": "x"}}
    verdict = check.check_figure(nc, png, base_nc, base_png, 1e-6, 1e-9, 1.0, diff, declared)
    assert not verdict["passed"] and "not compared at all" in verdict["data"][0]
    declared["image"] = {"rms": 2.0}  # the image alone is compared: that is a check
    assert check.check_figure(nc, png, base_nc, base_png, 1e-6, 1e-9, 1.0, diff, declared)["passed"]


def test_a_verdict_is_stale_once_what_it_judged_changed(tmp_path, monkeypatch):
    """The check target re-judges every verdict whose files changed by content (whatever their
    mtime) or whose rule changed; a current one is reused."""
    monkeypatch.chdir(tmp_path)
    tolerances = {"rtol": 1e-6, "atol": 1e-9, "image_rms": 1.0}
    quick, figures, base = Path("results/quick/p"), Path("figures/quick/p"), Path("base/p")
    for d in (quick, figures, base):
        d.mkdir(parents=True)
    new, _ = _pair()
    for d in (quick, base):
        io.write_netcdf(new, d / "f.nc")
    _png(figures / "f.png")
    _png(base / "f.png")
    verdict = check.judge("p", "f", {}, False, Path("base"), tolerances)
    assert verdict["passed"] and check.is_current(verdict, tolerances, {}, False)
    assert not check.is_current(verdict, {**tolerances, "rtol": 1.0}, {}, False)
    path = figures / "f.png"
    before = path.stat()
    _png(path, "black")  # another image under the same mtime
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not check.is_current(verdict, tolerances, {}, False)

    checks = Path("results/checks/p")
    checks.mkdir(parents=True)
    check.write_json(verdict, checks / "f.json")  # the cached verdict: "passed"
    with pytest.raises(check.CheckFailed):
        check.verdict_job("summary.md", [("p", "f", {}, False)], Path("base"), tolerances, "log")
    assert "1 failed" in Path("summary.md").read_text()
    assert "p.f" in Path("log").read_text()  # re-judged
