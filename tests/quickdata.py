"""The quick data of a figure for tests that read figure data (claims, readability, CF).

A committed quick baseline whose configuration hash equals the current quick configuration is used
as it is: the figure-diff check (tests/test_workflow.py) proves that the current code reproduces
it within the declared tolerances, under another CPU's BLAS kernels. A figure whose configuration
changed since its baseline is built in-process. So the data are computed once per test run, by
the check, not again by every test that reads them.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from dissent import build, io
from dissent import config as cfg

ROOT = Path(__file__).resolve().parents[1]
PAPERS = cfg.load_papers(cfg.paper_files(ROOT / "config/papers"))
BASELINES = ROOT / "tests/baselines"


class QuickData:
    """``QuickData(tmp)(paper, figure)`` -> the figure's quick dataset (cached)."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.cache: dict[tuple[str, str], xr.Dataset] = {}

    def __call__(self, paper: str, figure: str) -> xr.Dataset:
        if (paper, figure) not in self.cache:
            spec = cfg.figure_spec(PAPERS, paper, figure, "quick")
            base = BASELINES / paper / f"{figure}.nc"
            ds = io.read_netcdf(base) if base.exists() else None
            if ds is None or ds.attrs.get("config_hash") != cfg.spec_hash(spec):
                ds = build.run_figure(PAPERS, paper, figure, "quick", self.out)
            self.cache[paper, figure] = ds
        return self.cache[paper, figure]
