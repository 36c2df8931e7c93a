"""Figures of Hou, Kleinherbers, Kelly & Tserkovnyak (2025): render functions of the datasets."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .. import contract
from ..style import figure, panel_label

UNPHYSICAL = "0.8"  # colour of the masked (not completely positive) region


def _cmap():
    import matplotlib

    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad(UNPHYSICAL)
    return cmap


@contract.renderer
def fig1(ds: xr.Dataset):
    """Fig. 1(b): C over k_B T(0)/Delta (x) and k_B T(r)/Delta (y), unphysical region grey."""
    fig, ax = figure("single", height=2.8)
    conc = ds["concurrence"].transpose("T_nonlocal", "T_local")
    mesh = ax.pcolormesh(
        ds["T_local"],
        ds["T_nonlocal"],
        np.ma.masked_invalid(conc.values),
        cmap=_cmap(),
        shading="nearest",
        vmin=0.0,
        rasterized=True,
    )
    fig.colorbar(mesh, ax=ax, label=r"concurrence $\mathcal{C}$")
    physical = ds["physical"].transpose("T_nonlocal", "T_local")
    ax.contour(
        ds["T_local"], ds["T_nonlocal"], physical.values, levels=[0.5], colors="k", linewidths=0.6
    )
    t = ds["T_local"].values
    ax.plot(t, t, color="white", lw=0.6, ls=":", label=r"$T(r)=T(0)$ (Gibbs)")
    ax.text(0.25, 0.8, "unphysical", ha="center", va="center", fontsize=7)
    ratio = float(json.loads(ds.attrs["panel_main_params"])["ratio"])
    ax.set(
        xlabel=r"$k_B T(0)/\Delta$",
        ylabel=r"$k_B T(r)/\Delta$",
        title=rf"$|\Gamma_e(r)|/\Gamma_e(0)={ratio:g}$",
    )
    ax.legend(loc="lower right", labelcolor="white")
    panel_label(ax, "b")  # the paper's panel (a) is the setup sketch
    return fig


@contract.renderer
def fig3(ds: xr.Dataset):
    """Fig. 3: C vs k_B T(0)/Delta at fixed T(r), one curve per |Gamma_e(r)|/Gamma_e(0)."""
    fig, ax = figure("single")
    ratios = ds["ratio"].values
    for i, ratio in enumerate(ratios[::-1]):
        ax.plot(
            ds["T_local"], ds["concurrence"].sel(ratio=ratio), color=f"C{i}", label=f"{ratio:g}"
        )
        ax.axvline(float(ds["T_local_edge"].sel(ratio=ratio)), color=f"C{i}", lw=0.4, ls=":")
    t_r = float(json.loads(ds.attrs["panel_main_params"])["T_nonlocal"])
    ax.axvspan(0.0, float(ds["T_local_edge"].min()), color=UNPHYSICAL, lw=0)
    _edge_inset(ax, ds)
    ax.set(
        xlabel=r"$k_B T(0)/\Delta$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(ds["T_local"].values[0], ds["T_local"].values[-1]),
        ylim=(0, None),
    )
    ax.legend(title=rf"$|\Gamma_e(r)|/\Gamma_e(0)$  ($k_BT(r)/\Delta={t_r:g}$)", loc="upper right")
    return fig


def _edge_inset(ax, ds: xr.Dataset) -> None:
    """Zoom on the edges of the physical region, 0.19-0.20 apart by < 0.01 in k_B T(0)/Delta."""
    edges = ds["T_local_edge"]
    lo, hi = float(edges.min()), float(edges.max())
    pad = 0.15 * (hi - lo)
    inset = ax.inset_axes([0.66, 0.3, 0.27, 0.17])
    inset.axvspan(lo - pad, lo, color=UNPHYSICAL, lw=0)
    for i, ratio in enumerate(ds["ratio"].values[::-1]):
        inset.axvline(float(edges.sel(ratio=ratio)), color=f"C{i}", lw=1.2)
    inset.set_xlim(lo - pad, hi + pad)
    inset.set_yticks([])
    inset.set_xticks(np.round([lo, hi], 3))
    inset.set_title("physical edge", fontsize=7, pad=2)
    inset.tick_params(top=False)


@contract.renderer
def fig4(ds: xr.Dataset):
    """Fig. 4: (a) dispersion, (b) T(r) for two fields, (c) C over b and r with contours."""
    fig, axes = figure("double", nrows=1, ncols=3, height=2.4)
    ax_a, ax_b, ax_c = axes

    # (a) dispersion of the inverted magnet and the crossings omega = +-Delta
    k = ds["k"].values
    ax_a.plot(k, ds["omega"], color="k")
    for omega, kk, colour, name in (
        (1.0, ds["k_emission"], "tab:red", r"emission, $k(\Delta)$"),
        (-1.0, ds["k_absorption"], "tab:blue", r"absorption, $k(-\Delta)$"),
    ):
        ax_a.axhline(omega, color=colour, lw=0.6, ls="--")
        ax_a.plot([float(kk)], [omega], "o", color=colour, ms=3, label=name)
    ax_a.axhline(0.0, color="0.6", lw=0.4)
    b_disp = float(ds["b_dispersion"])
    ax_a.set(
        xlabel=r"$k\sqrt{As/\Delta}$",
        ylabel=r"$\omega/\Delta$",
        xlim=(k[0], k[-1]),
        title=rf"$b/\Delta={b_disp:g}$",
    )
    ax_a.legend(loc="upper left")
    panel_label(ax_a, "a")

    # (b) nonlocal temperature vs r for b/Delta = 1.0 and 1.2
    r = ds["r_curve"].values
    t_local = float(ds["T_local"].isel(b=0, r=0))
    for i, b in enumerate(ds["b_curve"].values):
        t = ds["T_nonlocal_curve"].sel(b_curve=b).values
        zeros = np.concatenate(
            [ds[f"r_zero_{kind}"].sel(b_curve=b).values for kind in ("emission", "absorption")]
        )
        t_zeros = np.concatenate(
            [
                ds[f"T_nonlocal_zero_{kind}"].sel(b_curve=b).values
                for kind in ("emission", "absorption")
            ]
        )
        keep = np.isfinite(zeros)
        # the curve through the stored values at the zeros, where T(r) -> 0 logarithmically
        rr = np.concatenate([r, zeros[keep]])
        order = np.argsort(rr, kind="stable")
        tt = np.concatenate([t, t_zeros[keep]])[order]
        ax_b.plot(rr[order], tt, color=f"C{i}", label=rf"$b/\Delta={b:g}$")
        ax_b.plot(zeros[keep], t_zeros[keep], "o", color=f"C{i}", ms=2.5, mfc="none")
    ax_b.axhline(t_local, color="0.5", lw=0.5, ls="--", label=rf"$k_BT(0)/\Delta={t_local:.2f}$")
    ax_b.axhline(0.0, color="0.6", lw=0.4)
    ax_b.set(
        xlabel=r"$r/\sqrt{As/\Delta}$",
        ylabel=r"$k_B T(r)/\Delta$",
        xlim=(r[0], r[-1]),
        ylim=(-0.42, 0.05),
    )
    ax_b.legend(loc="lower left")
    panel_label(ax_b, "b")

    # (c) concurrence over b and r with |Gamma_a(r)|/Gamma_a(0) contours
    conc = ds["concurrence"].transpose("r", "b")
    mesh = ax_c.pcolormesh(
        ds["b"],
        ds["r"],
        np.ma.masked_invalid(conc.values),
        cmap=_cmap(),
        shading="nearest",
        vmin=0.0,
        rasterized=True,
    )
    fig.colorbar(mesh, ax=ax_c, label=r"concurrence $\mathcal{C}$")
    ratio = ds["absorption_ratio"].transpose("r", "b")
    levels = [0.9, 0.99, 0.999]
    ax_c.contour(ds["b"], ds["r"], ratio.values, levels=levels, colors="white", linewidths=0.7)
    # the contours crowd r -> 0 (b - 1 ~ 1/r^2): label each with a short leader line, staggered
    b_vals, r_vals = ds["b"].values, ds["r"].values
    span_b, span_r = b_vals[-1] - b_vals[0], r_vals[-1] - r_vals[0]
    for lv, frac in zip(levels[::-1], (0.3, 0.5, 0.7), strict=True):
        j = int(round(frac * (b_vals.size - 1)))
        below = np.flatnonzero(ratio.values[:, j] < lv)  # decreasing in r near r = 0
        if not below.size:
            continue
        target = (b_vals[j], r_vals[below[0]])
        ax_c.annotate(
            f"{lv:g}",
            xy=target,
            xytext=(target[0] + 0.06 * span_b, target[1] + 0.14 * span_r),
            color="white",
            fontsize=7,
            ha="left",
            va="bottom",
            arrowprops={"arrowstyle": "-", "color": "white", "lw": 0.5, "shrinkA": 0},
        )
    ax_c.contour(
        ds["b"],
        ds["r"],
        (conc.values > 0).astype(float),
        levels=[0.5],
        colors="white",
        linewidths=0.6,
        linestyles="--",
    )
    ax_c.set(xlabel=r"$b/\Delta$", ylabel=r"$r/\sqrt{As/\Delta}$")
    panel_label(ax_c, "c")
    return fig


__all__ = ["fig1", "fig3", "fig4"]
