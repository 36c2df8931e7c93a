"""Figures of Hou, Kleinherbers, Kelly & Tserkovnyak (2025): render functions of the datasets.

Each paper figure (``figN``) draws what the paper's caption describes; ``figN_notes`` draws our
findings from the same dataset (edges, levels and limits the text argues with).
"""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import xarray as xr
from matplotlib import patheffects
from matplotlib.colors import BoundaryNorm

from .. import contract
from ..style import figure, panel_label

UNPHYSICAL = "0.8"  # colour of the masked (not completely positive) region
NOTES = "notes: § hou2025 > "  # prefix of a notes panel's pointer to docs/reproduction-notes.md
# Fig. 4(c): colour levels fine at small C, so that C = 0 and the text's window (C >~ 0.07) differ
FIG4_LEVELS = [0.0, 0.01, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]
FIG4_RATIO_LEVELS = [0.9, 0.99, 0.999]  # the caption's |Gamma_a(r)|/Gamma_a(0) contours
FIG4_LABEL_B = [1.2, 1.1, 1.045]  # b/Delta where each contour is labelled (staggered)
FIG4_WINDOW = (1.1, 2.0)  # the text's window: b <~ 1.1 Delta, r <~ 2 sqrt(As/Delta)
FIG4_TEXT_LEVEL = 0.07  # our reading of the window: C >= 0.07 (reproduction notes)


def _cmap():
    return matplotlib.colormaps["viridis"].with_extremes(bad=UNPHYSICAL)


def _params(ds: xr.Dataset, panel: str) -> dict:
    return json.loads(ds.attrs[f"panel_{panel}_params"])


def _notes_title(ax, label: str, what: str, section: str) -> None:
    """A notes panel's title: its label, what it shows, its section of the reproduction notes."""
    head = f"({label}) {what}" if label else what
    ax.set_title(f"{head}\n{NOTES}{section}", loc="left", fontsize=7)


# --- Fig. 1 ---------------------------------------------------------------------------------------
def _temperature_map(fig, ax, ds: xr.Dataset) -> None:
    """C over k_B T(0)/Delta (x) and k_B T(r)/Delta (y); the unphysical region grey."""
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
    ax.set(xlabel=r"$k_B T(0)/\Delta$", ylabel=r"$k_B T(r)/\Delta$")


@contract.renderer
def fig1(ds: xr.Dataset):
    """Fig. 1(b): C over k_B T(0)/Delta and k_B T(r)/Delta, the unphysical region grey."""
    fig, ax = figure("single", height=2.8)
    _temperature_map(fig, ax, ds)
    ax.text(0.25, 0.8, "unphysical", ha="center", va="center", fontsize=7)
    ratio = float(_params(ds, "main")["ratio"])
    ax.set_title(rf"$|\Gamma_e(r)|/\Gamma_e(0)={ratio:g}$", fontsize=7, loc="right")
    panel_label(ax, "b")  # the paper's panel (a) is the setup sketch
    return fig


@contract.renderer
def fig1_notes(ds: xr.Dataset):
    """Fig. 1(b) with the Gibbs line T(r) = T(0) and the exact edge of the physical region."""
    fig, ax = figure("single", height=3.0)
    _temperature_map(fig, ax, ds)
    t = ds["T_local"].values
    ax.plot(t, t, color="k", lw=0.8, ls="--")
    ax.text(0.05, 0.9, r"dashed: $T(r)=T(0)$ (Gibbs, $\mathcal{C}=0$)", fontsize=7)
    ratio = float(_params(ds, "main")["ratio"])
    ax.set(xlim=(t[0], t[-1]), ylim=(t[0], t[-1]))
    _notes_title(
        ax,
        "",
        rf"$|\Gamma_e(r)|/\Gamma_e(0)={ratio:g}$: $\mathcal{{C}}>0$ only below the Gibbs line",
        "Claims of the text, tested",
    )
    return fig


# --- Fig. 3 ---------------------------------------------------------------------------------------
FIG3_XLIM = (0.1, 0.75)  # k_B T(0)/Delta shown: the unphysical band and every C > 0


def _ratio_colours(ds: xr.Dataset) -> dict:
    """One colour per ratio, the strongest nonlocal emission first (C0)."""
    return {float(r): f"C{i}" for i, r in enumerate(ds["ratio"].values[::-1])}


@contract.renderer
def fig3(ds: xr.Dataset):
    """Fig. 3: C vs k_B T(0)/Delta at fixed T(r), one curve per |Gamma_e(r)|/Gamma_e(0)."""
    fig, ax = figure("single")
    colours = _ratio_colours(ds)
    for ratio, colour in colours.items():
        ax.plot(ds["T_local"], ds["concurrence"].sel(ratio=ratio), color=colour, label=f"{ratio:g}")
    edge = float(ds["T_local_edge"].min())  # below: unphysical for every ratio
    ax.axvspan(FIG3_XLIM[0], edge, color=UNPHYSICAL, lw=0)
    ax.text(
        (FIG3_XLIM[0] + edge) / 2,
        0.2,
        "unphysical",
        rotation=90,
        ha="center",
        va="center",
        fontsize=7,
    )
    t_r = float(_params(ds, "main")["T_nonlocal"])
    ax.set(
        xlabel=r"$k_B T(0)/\Delta$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=FIG3_XLIM,
        ylim=(0, None),
    )
    ax.legend(title=rf"$|\Gamma_e(r)|/\Gamma_e(0)$  ($k_BT(r)/\Delta={t_r:g}$)", loc="upper right")
    return fig


@contract.renderer
def fig3_notes(ds: xr.Dataset):
    """Zoom on the edges of the physical region, 0.19-0.20 apart by < 0.01 in k_B T(0)/Delta."""
    fig, ax = figure("single", height=2.4)
    edges = ds["T_local_edge"]
    lo, hi = float(edges.min()), float(edges.max())
    span = hi - lo
    ax.axvspan(lo - 0.6 * span, lo, color=UNPHYSICAL, lw=0)
    for ratio, colour in _ratio_colours(ds).items():
        ax.axvline(float(edges.sel(ratio=ratio)), color=colour, lw=1.2, label=f"{ratio:g}")
    ax.set(xlim=(lo - 0.6 * span, hi + 0.1 * span), yticks=[], xlabel=r"$k_B T(0)/\Delta$")
    ax.legend(title=r"$x$", loc="upper left")
    ax.text(
        lo - 0.3 * span,
        0.1,
        "unphysical\nfor every $x$",
        ha="center",
        fontsize=7,
        transform=ax.get_xaxis_transform(),
    )
    t_r = float(_params(ds, "main")["T_nonlocal"])
    _notes_title(
        ax,
        "",
        r"edges $k_BT(0)/\Delta=1/(\Delta/k_BT(r)-\ln x)$, $x=|\Gamma_e(r)|/\Gamma_e(0)$,"
        + rf" $k_BT(r)/\Delta={t_r:g}$",
        "Model as implemented",
    )
    return fig


# --- Fig. 4 ---------------------------------------------------------------------------------------
def _dispersion(ax, ds: xr.Dataset) -> None:
    """(a) omega = As k^2 - b, the crossings omega = +-Delta and the band bottom -b > mu."""
    k = ds["k"].values
    b_disp = float(ds["b_dispersion"])
    ax.plot(k, ds["omega"], color="k")
    for omega, kk, colour, name in (
        (1.0, ds["k_emission"], "tab:red", r"emission, $k(\Delta)$"),
        (-1.0, ds["k_absorption"], "tab:blue", r"absorption, $k(-\Delta)$"),
    ):
        ax.axhline(omega, color=colour, lw=0.6, ls="--")
        ax.plot([float(kk)], [omega], "o", color=colour, ms=3, label=name)
    ax.axhline(0.0, color="0.6", lw=0.4)
    bottom = -b_disp - 0.5
    ax.axhspan(bottom, -b_disp, color="0.88", lw=0)
    ax.axhline(-b_disp, color="0.4", lw=0.6, ls=":")
    ax.text(k[-1] * 0.97, -b_disp - 0.25, r"$\mu<-b$", ha="right", va="center", fontsize=7)
    ax.set(
        xlabel=r"$k\sqrt{As/\Delta}$",
        ylabel=r"$\omega/\Delta$",
        xlim=(k[0], k[-1]),
        ylim=(bottom, float(ds["omega"].max()) + 0.2),
    )
    ax.set_title(rf"$b/\Delta={b_disp:g}$", fontsize=7, loc="right")
    ax.legend(loc="upper left")


def _temperature_curves(ax, ds: xr.Dataset, markers: bool) -> None:
    """(b) T(r) for each b, drawn through the stored values at the zeros (T -> -0 there)."""
    r = ds["r_curve"].values
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
        rr = np.concatenate([r, zeros[keep]])
        order = np.argsort(rr, kind="stable")
        tt = np.concatenate([t, t_zeros[keep]])[order]
        ax.plot(rr[order], tt, color=f"C{i}", label=rf"$b/\Delta={b:g}$")
        if markers:
            ax.plot(zeros[keep], t_zeros[keep], "o", color=f"C{i}", ms=2.5, mfc="none")
    ax.set(
        xlabel=r"$r/\sqrt{As/\Delta}$",
        ylabel=r"$k_B T(r)/\Delta$",
        xlim=(r[0], r[-1]),
        ylim=(float(ds["T_nonlocal_curve"].min()) - 0.02, 0.02),  # the data, no room for a key
    )
    ax.legend(loc="lower left")


def _concurrence_map(fig, ax, ds: xr.Dataset):
    """(c) C over b and r on the levels FIG4_LEVELS; returns the (r, b) concurrence."""
    conc = ds["concurrence"].transpose("r", "b")
    cmap = _cmap()
    mesh = ax.pcolormesh(
        ds["b"],
        ds["r"],
        np.ma.masked_invalid(conc.values),
        cmap=cmap,
        norm=BoundaryNorm(FIG4_LEVELS, cmap.N),
        shading="nearest",
        rasterized=True,
    )
    bar = fig.colorbar(mesh, ax=ax, label=r"concurrence $\mathcal{C}$", ticks=FIG4_LEVELS)
    bar.ax.tick_params(labelsize=7)
    ax.set(xlabel=r"$b/\Delta$", ylabel=r"$r/\sqrt{As/\Delta}$")
    return conc


def _ratio_contours(ax, ds: xr.Dataset) -> None:
    """The caption's |Gamma_a(r)|/Gamma_a(0) contours, labelled inline, staggered in b (they
    crowd r -> 0 as r ~ 2 sqrt(1 - level)/sqrt(b - Delta))."""
    ratio = ds["absorption_ratio"].transpose("r", "b").values
    b_vals, r_vals = ds["b"].values, ds["r"].values
    lines = ax.contour(
        b_vals, r_vals, ratio, levels=FIG4_RATIO_LEVELS, colors="white", linewidths=0.7
    )
    spots = []
    for level, b_label in zip(FIG4_RATIO_LEVELS, FIG4_LABEL_B, strict=True):
        j = int(np.argmin(np.abs(b_vals - b_label)))
        column = ratio[:, j]  # decreasing in r from 1 at r = 0 until the first zero of J0
        first = int(np.argmax(column < level)) if (column < level).any() else 0
        if first:
            r_at = np.interp(level, column[first::-1], r_vals[first::-1])
            spots.append((b_vals[j], r_at))
    labels = ax.clabel(lines, fontsize=7, fmt="%g", inline=True, inline_spacing=2, manual=spots)
    for text in labels:
        text.set_path_effects([patheffects.withStroke(linewidth=1.5, foreground="0.25")])


@contract.renderer
def fig4(ds: xr.Dataset):
    """Fig. 4: (a) dispersion, (b) T(r) for two fields, (c) C over b and r with contours."""
    fig, (ax_a, ax_b, ax_c) = figure("double", nrows=1, ncols=3, height=2.4)
    _dispersion(ax_a, ds)
    panel_label(ax_a, "a")
    _temperature_curves(ax_b, ds, markers=False)
    panel_label(ax_b, "b")
    _concurrence_map(fig, ax_c, ds)
    _ratio_contours(ax_c, ds)
    panel_label(ax_c, "c")
    return fig


@contract.renderer
def fig4_notes(ds: xr.Dataset):
    """(a) Fig. 4(c) with the model's C = 0 edge, the C = 0.07 level and the text's window;
    (b) Fig. 4(b) with the stored values at the Bessel zeros and T(0)."""
    fig, (ax_a, ax_b) = figure("double", nrows=1, ncols=2, height=2.9)
    conc = _concurrence_map(fig, ax_a, ds)
    for level, style, name, where in (
        (1e-12, "--", r"$\mathcal{C}=0$ (dashed)", (1.2, 3.5)),
        (FIG4_TEXT_LEVEL, ":", rf"$\mathcal{{C}}={FIG4_TEXT_LEVEL:g}$ (dotted)", (1.17, 1.75)),
    ):
        ax_a.contour(
            ds["b"],
            ds["r"],
            conc.values,
            levels=[level],
            colors="white",
            linewidths=0.9,
            linestyles=style,
        )
        ax_a.text(*where, name, color="white", fontsize=7, ha="left", va="center")
    b_max, r_max = FIG4_WINDOW
    ax_a.plot([1.0, b_max, b_max], [r_max, r_max, 0.0], color="tab:red", lw=1.0)
    ax_a.text(1.008, r_max - 0.25, "text's window", color="tab:red", fontsize=7, va="center")
    _notes_title(
        ax_a,
        "a",
        r"model's $\mathcal{C}=0$ edge and $\mathcal{C}=0.07$ level vs the text's window",
        "Disagreements / qualifications,\nwith evidence (items 1, 2)",
    )
    _temperature_curves(ax_b, ds, markers=True)
    t_local = float(ds["T_local"].isel(b=0, r=0))
    ax_b.axhline(t_local, color="0.5", lw=0.5, ls="--")
    ax_b.text(2.3, t_local - 0.015, rf"$k_BT(0)/\Delta={t_local:.3f}$", fontsize=7, va="top")
    _notes_title(
        ax_b,
        "b",
        "circles: Eq. (8) at the zeros of $J_0$",
        "Disagreements / qualifications,\nwith evidence (item 3)",
    )
    return fig


__all__ = ["fig1", "fig1_notes", "fig3", "fig3_notes", "fig4", "fig4_notes"]
