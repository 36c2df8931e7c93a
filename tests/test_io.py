"""Output-file conventions: permissions follow the umask; NetCDF files are CF-1.10 clean."""

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


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077], ids=oct)
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


def test_paper_units_are_written_dimensionless():
    attrs = io.cf_units({"long_name": "field asymmetry delta", "units": "a"})
    assert attrs == {
        "long_name": "field asymmetry delta (in units of a)",
        "units": "1",  # not "a", which UDUNITS reads as the area unit "are"
        "paper_units": "a",
    }
    assert io.cf_units(attrs) == attrs  # idempotent: files are rewritten at every step
    assert io.cf_units({"long_name": "n", "units": "cycles"})["units"] == "1"  # not 2 pi rad
    assert io.cf_units({"long_name": "A_H", "units": "micro-eV"})["units"] == "ueV"
    for units in ["1", "rad", "ns", "ms"]:
        assert io.cf_units({"long_name": "x", "units": units}) == {"long_name": "x", "units": units}


def test_written_file_has_cf_attributes_and_the_input_is_untouched(tmp_path):
    ds = xr.Dataset(
        {"c": (("time",), np.array([0.0, np.nan]), {"long_name": "C", "units": "1"})},
        coords={"time": ("time", [0.0, 1.0], {"long_name": "time t", "units": "1/rate unit"})},
    )
    io.write_netcdf(ds, tmp_path / "c.nc")
    assert ds["time"].attrs["units"] == "1/rate unit"
    back = io.read_netcdf(tmp_path / "c.nc")
    assert back["time"].attrs["units"] == "1" and back["time"].attrs["paper_units"] == "1/rate unit"
    assert "_FillValue" not in back["time"].encoding  # coordinates have no missing values
    assert np.isnan(back["c"].values[1])  # data keep NaN as missing value
    assert back.attrs["Conventions"] == "CF-1.10" and back.attrs["history"]


def test_cf_variable_and_cycles_coordinate_build_attributed_variables(tmp_path):
    flag = io.cf_variable("point", np.array([1, 0], dtype=np.int8), "physical (1) or masked (0)")
    conc = io.cf_variable(("point", "n"), [[0.1, 0.2, 0.3]] * 2, "concurrence C", note="Eq. 5")
    ds = xr.Dataset({"physical": flag, "c": conc}, coords={"n": io.cycles_coordinate([0, 5, 10])})
    assert ds["physical"].dtype == np.int8  # the dtype is kept
    assert ds["c"].attrs == {"long_name": "concurrence C", "units": "1", "note": "Eq. 5"}
    assert ds["n"].dims == ("n",) and ds["n"].attrs["units"] == "cycles"
    assert io.missing_attributes(ds) == []
    io.write_netcdf(ds, tmp_path / "v.nc")
    back = io.read_netcdf(tmp_path / "v.nc")
    assert back["n"].attrs["long_name"] == "number of cycles (in units of cycles)"


def test_default_mode_reads_the_umask_without_setting_it(monkeypatch):
    """Local jobs run in threads: setting the umask to 0 and back, even briefly, gave files of
    other threads modes wider than the umask. default_mode() must only read it."""

    def forbidden(mask):
        raise AssertionError(f"os.umask({mask:#o}) called")

    with umask(0o027):
        monkeypatch.setattr(os, "umask", forbidden)
        mode = io.default_mode()
        monkeypatch.undo()
    assert mode == 0o640


def test_temporaries_of_a_killed_writer_are_removed(tmp_path):
    """A killed run leaves `.<name>.<random>.tmp.<ext>` files; the next write of that output
    removes them (and only them)."""
    target = tmp_path / "fig.png"
    orphans = [tmp_path / ".fig.png.abcd1234.tmp.png", tmp_path / ".fig.png.x_9y8z7w.tmp.png"]
    kept = [tmp_path / ".fig.png.note", tmp_path / ".other.png.abcd1234.tmp.png"]
    for path in orphans + kept:
        path.write_bytes(b"")
    with io.atomic_path(target) as tmp:
        tmp.write_bytes(b"png")
    assert target.read_bytes() == b"png"
    assert not any(p.exists() for p in orphans) and all(p.exists() for p in kept)


def test_data_changed_after_writing_is_detected_whatever_the_mtime(tmp_path):
    import netCDF4

    path = tmp_path / "a.nc"
    ds = xr.Dataset({"x": ("t", np.arange(3.0), {"long_name": "x", "units": "1"})})
    io.write_netcdf(ds, path)
    assert io.read_netcdf(path).attrs[io.CHECKSUM] == io.content_digest(io.read_netcdf(path))
    before = path.stat()
    with netCDF4.Dataset(path, "a") as nc:
        nc["x"][1] = 7.0  # a valid file, other data, same mtime
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(io.CorruptResultError, match=f"{path}: its data do not match"):
        io.read_netcdf(path)


def test_a_full_disk_is_named_as_such(tmp_path, monkeypatch):
    """netCDF-C reports a full disk as "NetCDF: HDF error": the message says what happened."""
    import errno
    import shutil
    from collections import namedtuple

    def full(*args, **kwargs):
        raise RuntimeError("NetCDF: HDF error")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(xr.Dataset, "to_netcdf", full)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9 - 4096, 4096))
    ds = xr.Dataset({"x": ("t", np.arange(3.0), {"long_name": "x", "units": "1"})})
    with pytest.raises(OSError, match="no space left on the device") as err:
        io.write_netcdf(ds, tmp_path / "a.nc")
    assert err.value.errno == errno.ENOSPC and str(tmp_path / "a.nc") in str(err.value)
    assert not list(tmp_path.iterdir())  # nothing half-written left
