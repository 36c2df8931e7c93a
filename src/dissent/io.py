"""NetCDF conventions: atomic writes, CF attributes, provenance, integrity checks on read."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import threading
import traceback
from collections.abc import Hashable, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from importlib import metadata
from pathlib import Path

import numpy as np
import xarray as xr

from . import __version__

# HDF5/netCDF-C are not thread-safe: local jobs may run in threads of one process.
_NETCDF = threading.RLock()
# HDF5 (>= 1.10) flock()s every file it opens and at times still holds a file it has closed, so
# opening a file just written fails at random with "NetCDF: HDF error" (seen here in the threaded
# local jobs; also SciTools/iris#6760). Every file is written to a temporary name and renamed
# when complete, so no reader ever sees a file being written: the lock protects nothing here.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")


class CorruptResultError(RuntimeError):
    """A cached result file cannot be read or is not a finished result."""


def process_umask() -> int:
    """The process umask, read without changing it (``os.umask`` can only set it: setting it
    to 0 and back, even briefly, widens the files other threads create meanwhile)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _UMASK_AT_IMPORT  # no /proc (not Linux): as it was when this module was imported


def _umask_at_import() -> int:
    mask = os.umask(0o022)  # imports run before any job thread starts
    os.umask(mask)
    return mask


_UMASK_AT_IMPORT = _umask_at_import()


def default_mode() -> int:
    """Permission bits a new file gets from ``open()``: 0o666 less the process umask."""
    return 0o666 & ~process_umask()


def _remove_stale_temporaries(path: Path, suffix: str) -> None:
    """Temporary files of ``path`` left by a killed writer (each output has one writer at a time:
    any temporary of it that exists now is an orphan)."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}{re.escape(suffix)}")
    for old in path.parent.glob(f".{glob_escape(path.name)}.*"):
        if pattern.fullmatch(old.name):
            old.unlink(missing_ok=True)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?[])", r"[\1]", name)


@contextmanager
def atomic_path(path: str | Path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    The file gets the mode ``open()`` would give it (the umask is respected), not the 0600 of
    ``tempfile.mkstemp``, so that collaborators sharing a directory can read the outputs.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = suffix or f".tmp{path.suffix}"
    _remove_stale_temporaries(path, suffix)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, default_mode())
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

    def git(*args: str) -> str:
        run = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        )
        return run.stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "-uno")
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(config_hash: str) -> dict[str, str]:
    """Global attributes saying what produced a file (no timestamps: files stay reproducible).

    Versions are read from the installed distributions (importing qutip alone takes seconds)."""
    commit = git_commit()
    return {
        "software": f"dissent {__version__}",
        "history": f"dissent {__version__} (git {commit}): grid, solve, aggregate; "
        f"configuration hash {config_hash}",
        "git_commit": commit,
        "config_hash": config_hash,
        "python": platform.python_version(),
        **{
            name: metadata.version(name)
            for name in ("numpy", "scipy", "qutip", "xarray", "matplotlib")
        },
        "Conventions": "CF-1.10",
    }


# Units written as they are: UDUNITS reads them as the physical unit meant. Every other unit
# string is a paper's own unit (f_col, a, Delta, 1/rate unit, cycles, lattice constant, ...):
# UDUNITS cannot parse it, or parses it as something else ("a" is the area unit "are", "cycles"
# is 2 pi rad), so the number is written as dimensionless, the CF practice for scaled quantities.
PHYSICAL_UNITS = frozenset({"1", "rad", "s", "ms", "us", "ns", "K", "eV", "meV", "ueV"})
UDUNITS_SPELLING = {"micro-eV": "ueV"}


def cf_units(attrs: Mapping[str, str]) -> dict[str, str]:
    """CF form of a variable's long_name and units: the one place deciding how units are written.

    A physical unit is kept (in UDUNITS spelling); a paper unit ``u`` becomes ``units: "1"``,
    ``paper_units: u`` and " (in units of u)" appended to ``long_name``. Idempotent.
    """
    out = dict(attrs)
    units = out.get("units")
    units = None if units is None else UDUNITS_SPELLING.get(units, units)
    if units is None or units in PHYSICAL_UNITS or "paper_units" in out:
        if units is not None:
            out["units"] = units
        return out
    out.update(units="1", paper_units=units)
    out["long_name"] = f"{out.get('long_name', '')} (in units of {units})".lstrip()
    return out


def cf_variable(dims, values, long_name: str, units: str = "1", **attrs) -> xr.Variable:
    """A data variable or coordinate with its CF attributes: ``long_name``, ``units`` (the paper's
    unit as written, see :func:`cf_units`; "1" if dimensionless) and optional extra attributes.

    ``dims``: a name or a tuple of names; ``values``: array-like, its dtype kept. Usable wherever
    xarray takes a variable: ``xr.Dataset({"c": cf_variable("point", c, "concurrence C")})``,
    ``coords={"k": cf_variable("k", k, "wavevector", "1/a")}``, ``ds["c"] = cf_variable(...)``.
    """
    return xr.Variable(dims, np.asarray(values), {"long_name": long_name, "units": units, **attrs})


def cf_flag(dims, values, long_name: str, meanings: Mapping[int, str]) -> xr.Variable:
    """A CF flag variable (int8): what it flags in ``long_name``, each value's meaning in
    ``flag_values`` / ``flag_meanings`` (one word each, e.g. ``{0: "masked", 1: "physical"}``)."""
    words = [meanings[k] for k in sorted(meanings)]
    if any(not re.fullmatch(r"[A-Za-z0-9_.+@-]+", w) for w in words):
        raise ValueError(f"flag meanings must be single words: {words}")
    return cf_variable(
        dims,
        np.asarray(values, dtype=np.int8),
        long_name,
        flag_values=np.array(sorted(meanings), dtype=np.int8),
        flag_meanings=" ".join(words),
    )


def cycles_coordinate(cycles) -> xr.Variable:
    """The shared "number of cycles" coordinate, dimension ``n``: ``coords={"n": ...}``."""
    return cf_variable("n", cycles, "number of cycles", "cycles")


def missing_attributes(ds: xr.Dataset) -> list[Hashable]:
    """Names of data variables or coordinates that lack long_name or units."""
    names = list(ds.data_vars) + list(ds.coords)
    return [n for n in names if not {"long_name", "units"} <= set(ds[n].attrs)]


def check_real(ds: xr.Dataset) -> None:
    complex_vars = [n for n, v in ds.variables.items() if np.iscomplexobj(v.values)]
    if complex_vars:
        raise TypeError(f"complex variables cannot be written to NetCDF: {complex_vars}")


CHECKSUM = "content_sha256"  # global attribute: digest of the data as written (see read_netcdf)


def content_digest(ds: xr.Dataset) -> str:
    """SHA-256 of a dataset's variables and coordinates as read back: names, dimensions, dtypes,
    values and attributes (the global attributes, provenance and timings, are not data)."""
    digest = hashlib.sha256()
    for name in sorted(ds.variables, key=str):  # names are strings
        var = ds.variables[name]
        values = var.values
        digest.update(json.dumps([name, var.dims, str(values.dtype), values.shape]).encode())
        if values.dtype.kind in "OUS":
            digest.update(repr(values.tolist()).encode())
        else:
            digest.update(np.ascontiguousarray(values).tobytes())
        digest.update(json.dumps(var.attrs, sort_keys=True, default=repr).encode())
    return digest.hexdigest()


def _disk_full(directory: Path) -> bool:
    try:
        return shutil.disk_usage(directory).free < 16 * 2**20
    except OSError:
        return False


def _read_back_digest(ds: xr.Dataset, encoding: Mapping) -> str:
    """The :func:`content_digest` of ``ds`` as it reads back from a netCDF file: written once to
    a scratch file, read and closed. (Reopening the output itself in append mode to add the
    attribute fails at random with "NetCDF: HDF error" while HDF5 still holds the writer's
    handle, which Python's garbage collector releases when it likes.)"""
    with tempfile.TemporaryDirectory(prefix="dissent-digest-") as scratch:
        draft = Path(scratch) / "draft.nc"
        ds.to_netcdf(draft, encoding=encoding, engine="netcdf4")
        with xr.open_dataset(draft, engine="netcdf4") as back:
            return content_digest(back.load())


def write_netcdf(ds: xr.Dataset, path: str | Path, attrs: Mapping[str, str] | None = None) -> None:
    """Write ``ds`` to ``path`` atomically, compressed, marked complete, CF-1.10 attributes,
    with the :func:`content_digest` of what was written (attribute ``content_sha256``).

    Units go through :func:`cf_units`; coordinates get no ``_FillValue`` (CF 2.5.1).
    """
    check_real(ds)
    ds = ds.copy()
    for var in ds.variables.values():
        var.attrs = cf_units(var.attrs)
    ds.attrs.update(attrs or {})
    ds.attrs.setdefault("Conventions", "CF-1.10")
    ds.attrs.setdefault("history", f"written by dissent {__version__}")
    ds.attrs["complete"] = 1
    encoding: dict[Hashable, dict[str, object]] = {
        name: {"zlib": True, "complevel": 4}
        for name, var in ds.data_vars.items()
        if var.dtype.kind in "fiub" and var.ndim > 0
    }
    for name, coord in ds.coords.items():
        if coord.dtype.kind == "f" and not np.isnan(coord.values).any():
            encoding[name] = {"_FillValue": None}
    ds.attrs.pop(CHECKSUM, None)
    path = Path(path)
    with atomic_path(path, suffix=".tmp.nc") as tmp, _NETCDF:
        try:
            ds.attrs[CHECKSUM] = _read_back_digest(ds, encoding)
            ds.to_netcdf(tmp, encoding=encoding, engine="netcdf4")
        except Exception as exc:
            if _disk_full(path.parent):  # netCDF-C reports a full disk as "NetCDF: HDF error"
                raise OSError(
                    errno.ENOSPC,
                    f"{path}: no space left on the device "
                    f"({shutil.disk_usage(path.parent).free} bytes free) while writing it; "
                    f"free some space and rerun ({type(exc).__name__}: {exc})",
                ) from None
            raise


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
    if CHECKSUM in ds.attrs and ds.attrs[CHECKSUM] != content_digest(ds):
        raise CorruptResultError(
            f"{path}: its data do not match the checksum written with them (changed after it "
            "was written); delete it and rerun"
        )
    return ds
