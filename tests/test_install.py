"""A non-editable install (`pip install .`) carries everything the package reads at run time,
and its version says which commit it was built from (setuptools-scm)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xarray as xr
from scratch import copy_repository

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.workflow
def test_wheel_builds_a_figure_without_the_source_tree(tmp_path):
    wheels = tmp_path / "wheels"
    source = tmp_path / "source"  # a clone (setuptools leaves build/ in the source tree) ...
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(source)], check=True)
    copy_repository(source)  # ... with the work tree's changes on top
    head = subprocess.run(
        ["git", "rev-parse", "--short=7", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("dissent-*.whl")
    assert f"+g{head}" in wheel.name, f"the version does not name the commit {head}: {wheel.name}"
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert (site / "dissent/schema/papers.schema.yaml").is_file()
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = tmp_path / "out"
    code = (
        "import dissent, sys; from pathlib import Path; "
        f"assert Path(dissent.__file__).is_relative_to({str(site)!r}), dissent.__file__; "
        "from dissent import build; "
        f"build.main(['zou2022', 'fig2', '--quick', '--out', {str(out)!r}, "
        f"'--papers-dir', {str(ROOT / 'config/papers')!r}])"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path, timeout=600)
    assert (out / "zou2022/fig2.png").stat().st_size > 0
    software = xr.open_dataset(out / "zou2022/fig2.nc").attrs["software"]
    assert software.startswith("dissent 0.1.dev") and f"+g{head}" in software, software
