"""NetCDF conventions: atomic writes, CF attributes, provenance, integrity checks on read."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import threading
import traceback
from collections.abc import Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from importlib import metadata
from pathlib import Path

import numpy as np
import xarray as xr

from . import __version__

# HDF5/netCDF-C are not thread-safe: local jobs may run in threads of one process.
_NETCDF = threading.RLock()


class CorruptResultError(RuntimeError):
    """A cached result file cannot be read or is not a finished result."""


@contextmanager
def atomic_path(path: str | Path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=suffix or f".tmp{path.suffix}", dir=path.parent
    )
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def logged(path: str | Path):
    """Send a job's output, and the traceback of a failure, to its log file (then re-raise)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh, redirect_stdout(fh), redirect_stderr(fh):
        try:
            yield
        except BaseException:
            traceback.print_exc(file=fh)
            raise


@contextmanager
def job_log(path: str | Path):
    """Log file of a job run in a thread of the Snakemake process: yields the open file (write
    messages to it) and records the traceback of a failure (then re-raises). Unlike
    :func:`logged` it leaves the process-wide stdout/stderr alone."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        try:
            yield fh
        except BaseException:
            traceback.print_exc(file=fh)
            raise


def git_commit(cwd: str | Path | None = None) -> str:
    """Current git commit (with '-dirty' when the work tree has changes), or 'unknown'."""
    try:
        run = dict(cwd=cwd, capture_output=True, text=True, timeout=10, check=True)
        commit = subprocess.run(["git", "rev-parse", "HEAD"], **run).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "-uno"], **run).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(config_hash: str) -> dict[str, str]:
    """Global attributes saying what produced a file (no timestamps: files stay reproducible).

    Versions are read from the installed distributions (importing qutip alone takes seconds)."""
    return {
        "software": f"dissent {__version__}",
        "git_commit": git_commit(),
        "config_hash": config_hash,
        "python": platform.python_version(),
        **{
            name: metadata.version(name)
            for name in ("numpy", "scipy", "qutip", "xarray", "matplotlib")
        },
        "Conventions": "CF-1.10",
    }


def missing_attributes(ds: xr.Dataset) -> list[str]:
    """Names of data variables or coordinates that lack long_name or units."""
    names = list(ds.data_vars) + list(ds.coords)
    return [n for n in names if not {"long_name", "units"} <= set(ds[n].attrs)]


def check_real(ds: xr.Dataset) -> None:
    complex_vars = [n for n, v in ds.variables.items() if np.iscomplexobj(v.values)]
    if complex_vars:
        raise TypeError(f"complex variables cannot be written to NetCDF: {complex_vars}")


def write_netcdf(ds: xr.Dataset, path: str | Path, attrs: Mapping[str, str] | None = None) -> None:
    """Write ``ds`` to ``path`` atomically, compressed, marked complete."""
    check_real(ds)
    ds = ds.copy()
    ds.attrs.update(attrs or {})
    ds.attrs["complete"] = 1
    encoding = {
        name: {"zlib": True, "complevel": 4}
        for name, var in ds.data_vars.items()
        if var.dtype.kind in "fiub" and var.ndim > 0
    }
    with atomic_path(path, suffix=".tmp.nc") as tmp, _NETCDF:
        ds.to_netcdf(tmp, encoding=encoding, engine="netcdf4")


def read_netcdf(path: str | Path) -> xr.Dataset:
    """Load a finished result into memory, or raise CorruptResultError naming the file."""
    path = Path(path)
    try:
        with _NETCDF, xr.open_dataset(path, engine="netcdf4") as ds:
            ds = ds.load()
    except Exception as exc:  # netCDF4/HDF5 raise a variety of errors on damaged files
        raise CorruptResultError(
            f"{path}: cannot be read ({type(exc).__name__}: {exc}); delete it and rerun"
        ) from None
    if ds.attrs.get("complete") != 1:
        raise CorruptResultError(f"{path}: not marked complete; delete it and rerun")
    return ds
