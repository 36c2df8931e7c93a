"""Figures of Zou, Zhang & Tserkovnyak (2022): render functions of the figure datasets."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from .. import contract
from ..style import figure, panel_label

FIG2_COLOURS = {3.0: "black", 1.0: "tab:orange", 0.3: "tab:cyan", 0.0: "tab:red"}
FIG3_COLOURS = {5.0: "black", 2.0: "tab:cyan", 0.0: "tab:red"}


def _colour(colours: dict, value: float, index: int) -> str:
    return colours.get(round(float(value), 6), f"C{index}")


def _numerics_with_closed_form(ax, ds: xr.Dataset, colours: dict, tmax=None, every=None):
    """Closed form of the text per delta (line) with the numerical solution on it (circles)."""
    time = ds["time"].values
    keep = time <= (tmax if tmax is not None else time[-1]) + 1e-12
    step = every or max(1, int(keep.sum()) // 24)
    for i, delta in enumerate(ds["delta"].values):
        colour = _colour(colours, delta, i)
        ax.plot(
            time[keep],
            ds["concurrence_analytic"].sel(delta=delta).values[keep],
            color=colour,
            label=rf"$\delta={delta:g}$",
        )
        ax.plot(
            time[keep][::step],
            ds["concurrence"].sel(delta=delta).values[keep][::step],
            "o",
            ms=2.6,
            mfc="none",
            mew=0.6,
            color=colour,
        )


def _method_handles() -> list:
    """Legend entries saying which style is the closed form and which the numerics."""
    return [
        Line2D([], [], color="0.35", label="closed form (text)"),
        Line2D(
            [], [], ls="", marker="o", ms=2.6, mfc="none", mew=0.6, color="0.35", label="numerical"
        ),
    ]


def _method_key(ax, **kw) -> None:
    """A second legend with the two styles, kept beside the axes' main legend."""
    ax.add_artist(ax.legend(handles=_method_handles(), **kw))


@contract.renderer
def fig2(ds: xr.Dataset):
    """(a) the first 4/a as in the paper; (b) up to 30/a: the long delta = 0.3 lifetime."""
    fig, (ax_a, ax_b) = figure("single", 2, 1, height=4.4)
    for ax, tmax in ((ax_a, 4.0), (ax_b, float(ds["time"].values[-1]))):
        _numerics_with_closed_form(ax, ds, FIG2_COLOURS, tmax=tmax)
        ax.set(xlabel=r"time $at$", ylabel=r"concurrence $\mathcal{C}$", xlim=(0, tmax))
    ax_a.set_ylim(0, 0.85)
    ax_b.set_ylim(0, 0.6)
    ax_a.legend(loc="upper right", ncols=2, title=r"$a=|A|=1$, $T=0$")
    _method_key(ax_b, loc="center right")
    # lifetime tau = 1/[2(a - kappa0)] of the text for the overdamped curves with delta > 0
    params = json.loads(ds.attrs["panel_main_params"])
    a, big_a = float(params["a"]), float(params["A"])
    for delta in ds["delta"].values:
        if 0 < delta < big_a:
            tau = 1.0 / (2.0 * (a - np.sqrt(big_a**2 - delta**2)))
            c_tau = float(ds["concurrence_analytic"].sel(delta=delta).interp(time=tau))
            colour = _colour(FIG2_COLOURS, delta, 0)
            ax_b.axvline(tau, color=colour, lw=0.6, ls=":")
            ax_b.annotate(
                rf"$\tau=1/2(a-\kappa_0)\approx{tau:.1f}/a$",
                xy=(tau, c_tau),
                xytext=(tau + 1.5, 0.17),
                fontsize=7,
                color="0.2",
                arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.5},
            )
    panel_label(ax_a, "a")
    panel_label(ax_b, "b")
    return fig


@contract.renderer
def fig3(ds: xr.Dataset):
    """(a) C(t) for the three regimes; (b) the paper's inset, C_max vs eta, as its own panel."""
    fig, (ax, inset) = figure("single", 2, 1, height=4.4)
    params = json.loads(ds.attrs["panel_main_params"])
    gamma = params["A"] + params.get("A_tilde", 0.0)
    _numerics_with_closed_form(ax, ds, FIG3_COLOURS)
    ax.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        ylim=(0, 1.7),
        yticks=np.linspace(0, 1, 6),
        xlim=(ds["time"].values[0], ds["time"].values[-1]),
    )
    deltas, methods = ax.get_legend_handles_labels()[0], _method_handles()
    handles = [deltas[0], methods[0], deltas[1], methods[1], deltas[2]]  # rows: deltas, styles
    ax.legend(
        handles=handles,
        loc="upper center",
        title=rf"$\Gamma={gamma:g}$",
        ncols=3,
        columnspacing=1.2,
    )
    eta = ds["eta"]
    inset.plot(eta, ds["max_concurrence"], color="black", label="numerical")
    inset.plot(
        eta,
        ds["max_concurrence_closed_form"],
        color="tab:orange",
        ls="--",
        lw=0.9,
        label=r"$2\eta/(1+\eta^2)$",
    )
    inset.plot(
        eta, ds["max_concurrence_text"], color="tab:purple", ls=":", lw=0.9, label="as printed"
    )
    inset.axvline(1.0, color="grey", lw=0.5)
    inset.set(
        xlabel=r"$\eta=\delta/\Gamma$",
        ylabel=r"$\mathcal{C}_{\max}$",
        xlim=(float(eta[0]), float(eta[-1])),
        ylim=(0, 1.05),
    )
    inset.legend(loc="lower left")
    panel_label(ax, "a")
    panel_label(inset, "b")
    return fig


def _curves(ax, time, conc, dim, label, cmap, keep):
    values = conc[dim].values
    colours = plt.get_cmap(cmap)(
        np.linspace(0.25, 1.0, values.size)
        if cmap != "viridis"
        else np.linspace(0.0, 0.9, values.size)
    )
    for colour, v in zip(colours, values, strict=True):
        ax.plot(time[keep], conc.sel({dim: v}).values[keep], color=colour, label=f"{label}{v:g}")


def _arrow(ax, start, end, text, where) -> None:
    """The caption's grey arrow: the direction in which the curve parameter increases."""
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "0.5", "lw": 1})
    ax.text(*where, text, color="0.35", fontsize=7, ha="left", va="center")


@contract.renderer
def figS4(ds: xr.Dataset):
    """(a) |A| = 20..30 at a = 30, (b) delta = 0..16 at a = |A| = 10; both a~/a = 0.1."""
    fig, (ax_a, ax_b) = figure("double", 1, 2, height=2.6)
    time = ds["time"].values
    pa = json.loads(ds.attrs["panel_a_params"])
    pb = json.loads(ds.attrs["panel_b_params"])
    t_a = 0.5
    _curves(ax_a, time, ds["concurrence_a"], "A", r"$|A|=$", "Reds", time <= t_a + 1e-12)
    _curves(ax_b, time, ds["concurrence_b"], "delta", r"$\delta=$", "viridis", time >= 0)
    for ax, tmax in ((ax_a, t_a), (ax_b, time[-1])):
        ax.set(
            xlabel=r"time $t$",
            ylabel=r"concurrence $\mathcal{C}$",
            ylim=(0, 0.55),
            xlim=(0, tmax),
        )
    plateau = float(ds["concurrence_a"].isel(A=-1, time=-1))
    for ax in (ax_a, ax_b):
        ax.axhline(plateau, color="0.6", lw=0.5, ls="--")
    ax_a.text(
        t_a, plateau - 0.01, rf"$27/74\approx{plateau:.3f}$ ", ha="right", va="top", fontsize=7
    )
    a, at = pa["a"], pa["a"] * pa["boltzmann"]
    ax_a.legend(
        title=rf"$a={a:g}$, $\tilde a={at:g}$, $\delta={pa['delta']:g}$",
        loc="upper right",
        ncols=3,
    )
    _arrow(ax_a, (0.12, 0.06), (0.2, 0.27), r"increasing $|A|$", (0.205, 0.28))
    b, bt = pb["a"], pb["a"] * pb["boltzmann"]
    ax_b.legend(
        title=rf"$a=|A|={b:g}$, $\tilde a=|\tilde A|={bt:g}$",
        loc="upper right",
        ncols=4,
    )
    _arrow(ax_b, (1.0, 0.3), (0.3, 0.08), r"increasing $\delta$", (1.02, 0.31))
    panel_label(ax_a, "a")
    panel_label(ax_b, "b")
    return fig


@contract.renderer
def figS5(ds: xr.Dataset):
    fig, ax = figure("single", height=2.8)
    conc = ds["concurrence"].transpose("A_tilde", "A")
    ax.set_facecolor("0.85")
    mesh = ax.pcolormesh(
        ds["A"], ds["A_tilde"], conc, shading="nearest", vmin=0, vmax=0.5, cmap="viridis"
    )
    fig.colorbar(mesh, ax=ax, label=r"steady-state concurrence $\mathcal{C}(\infty)$")
    ax.text(
        0.3,
        0.75,
        "unphysical\n" + r"$|\tilde A|>|A|$",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=7,
        color="0.3",
    )
    ax.set(xlabel=r"$|A| = a$", ylabel=r"$|\tilde A| = \tilde a$", aspect="equal")
    return fig
