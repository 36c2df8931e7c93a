"""The figure-diff comparison and its per-figure declarations (config `check:`)."""

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
