"""Small helpers for the claim functions: pick a grid point, check that it is there."""

from __future__ import annotations

import numpy as np
import xarray as xr


def at(da: xr.DataArray, tol: float = 1e-9, **coords: float) -> xr.DataArray:
    """``da`` at the grid values ``coords`` (each must be on the grid to ``tol``, else KeyError).

    Claims are evaluated on grid points that exist in both the quick and the full variant, so a
    claim never depends on interpolation or on a nearest neighbour that moved with the grid.
    """
    out = da
    for name, value in coords.items():
        grid = np.asarray(out[name].values, dtype=float)
        i = int(np.argmin(np.abs(grid - value)))
        if abs(grid[i] - value) > tol * max(1.0, abs(value)):
            raise KeyError(
                f"{name} = {value} is not on the grid of {da.name!r} (nearest {grid[i]})"
            )
        out = out.isel({name: i})
    return out


def scalar(da: xr.DataArray) -> float:
    """A 0-d DataArray as a Python float."""
    return float(np.asarray(da.values).reshape(()))


def max_abs_diff(a: xr.DataArray, b: xr.DataArray) -> float:
    """max |a - b| over all elements (NaN where both are NaN is ignored)."""
    return float(np.nanmax(np.abs(np.asarray(a.values) - np.asarray(b.values))))


def single_maximum(y: np.ndarray, rtol: float = 1e-12) -> bool:
    """Whether ``y`` rises to one maximum and then falls (no second local maximum)."""
    d = np.diff(np.asarray(y, dtype=float))
    scale = rtol * np.nanmax(np.abs(y))
    signs = np.sign(np.where(np.abs(d) <= scale, 0.0, d))
    signs = signs[signs != 0]
    return bool(np.sum(np.diff(signs) != 0) <= 1 and (signs.size == 0 or signs[0] > 0))


def params(ds: xr.Dataset, panel: str = "main") -> dict:
    """The fixed solver parameters of a panel, as stored in the figure's attributes."""
    import json

    return json.loads(ds.attrs[f"panel_{panel}_params"])
