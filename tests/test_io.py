"""NetCDF and output-file conventions: permissions follow the umask."""

import os
import stat
from contextlib import contextmanager

import numpy as np
import pytest
import xarray as xr

from dissent import io, style


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_outputs_respect_the_umask(tmp_path, mask):
    ds = xr.Dataset({"x": ("t", np.arange(3.0), {"long_name": "x", "units": "1"})})
    with umask(mask):
        io.write_netcdf(ds, tmp_path / "a.nc")
        fig, ax = style.figure()
        ax.plot([0, 1])
        style.save(fig, tmp_path / "a")
        with io.atomic_path(tmp_path / "a.md") as tmp:
            tmp.write_text("text\n")
        (tmp_path / "reference").touch()  # what open() gives
    expected = stat.S_IMODE((tmp_path / "reference").stat().st_mode)
    assert expected == 0o666 & ~mask
    for name in ["a.nc", "a.pdf", "a.png", "a.md"]:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected, name


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), io.atomic_path(tmp_path / "b.nc") as tmp:
        tmp.write_text("partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
