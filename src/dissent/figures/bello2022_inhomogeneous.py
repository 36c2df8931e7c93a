"""Render functions of the inhomogeneous figures of Bello et al. (2022)."""

from __future__ import annotations

import matplotlib
import xarray as xr

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

try:  # the project style, when present
    from ..style import figure as _figure
except ImportError:  # pragma: no cover
    _figure = None


def _fig(width="single", nrows=1, ncols=1, **kw):
    if _figure is not None:
        return _figure(width, nrows, ncols, **kw)
    return plt.subplots(nrows, ncols, layout="constrained", **kw)


def fig3(ds: xr.Dataset):
    """Delta (top) and lambda_min(rho^T2) (bottom) vs cycles, homogeneous vs inhomogeneous."""
    fig, (ax1, ax2) = _fig("single", 2, 1, sharex=True, height=4.2, layout="constrained")
    for i, color in zip(range(ds.sizes["inhomogeneous"]), ("C0", "C1"), strict=False):
        sel = ds.isel(inhomogeneous=i)
        label = "inhom." if int(sel["inhomogeneous"]) else "hom."
        ax1.plot(ds["n"], sel["delta"], color=color, label=label)
        ax2.plot(ds["n"], sel["lambda_min"], color=color, label=label)
    ax1.axhline(1.0, color="0.5", lw=0.8, ls="--")
    ax2.axhline(0.0, color="0.5", lw=0.8, ls="--")
    ax1.set_xscale("log")
    ax1.set_ylabel(r"$\Delta$")
    ax2.set_ylabel(r"$\lambda_{\min}(\rho^{T_2})$")
    ax2.set_xlabel("cycles $n$")
    ax1.legend(frameon=False)
    return fig
