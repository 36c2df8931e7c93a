"""Figures of Zou, Zhang & Tserkovnyak (2022): render functions of the figure datasets."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..style import figure, panel_label

FIG2_COLOURS = {3.0: "black", 1.0: "tab:orange", 0.3: "tab:cyan", 0.0: "tab:red"}
FIG3_COLOURS = {5.0: "black", 2.0: "tab:cyan", 0.0: "tab:red"}


def _colour(colours: dict, value: float, index: int) -> str:
    return colours.get(round(float(value), 6), f"C{index}")


def _numerics_with_closed_form(ax, ds: xr.Dataset, colours: dict) -> None:
    """C(t) per delta (solid) with its closed form on top (white dashes)."""
    for i, delta in enumerate(ds["delta"].values):
        ax.plot(
            ds["time"],
            ds["concurrence"].sel(delta=delta),
            color=_colour(colours, delta, i),
            label=rf"$\delta={delta:g}$",
        )
        ax.plot(
            ds["time"],
            ds["concurrence_analytic"].sel(delta=delta),
            color="white",
            lw=0.6,
            ls=(0, (2, 2)),
        )


def fig2(ds: xr.Dataset):
    fig, ax = figure("single")
    _numerics_with_closed_form(ax, ds, FIG2_COLOURS)
    ax.plot([], [], color="0.6", ls=(0, (2, 2)), lw=0.8, label="closed form (white dashes)")
    ax.set(
        xlabel=r"time $at$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(ds["time"].values[0], ds["time"].values[-1]),
        ylim=(0, 0.75),
    )
    ax.legend(loc="upper right", ncols=2, title=r"$a=|A|=1$, $T=0$")
    return fig


def fig3(ds: xr.Dataset):
    fig, ax = figure("single")
    params = json.loads(ds.attrs["panel_main_params"])
    gamma = params["A"] + params.get("A_tilde", 0.0)
    _numerics_with_closed_form(ax, ds, FIG3_COLOURS)
    ax.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        ylim=(0, 1.05),
        xlim=(ds["time"].values[0], ds["time"].values[-1]),
    )
    inset = ax.inset_axes([0.45, 0.12, 0.5, 0.42])
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
    inset.set_xlabel(r"$\eta=\delta/\Gamma$", fontsize=6, labelpad=1)
    inset.set_ylabel(r"$\mathcal{C}_{\max}$", fontsize=6, labelpad=1)
    inset.tick_params(labelsize=5)
    inset.legend(fontsize=5, loc="upper right")
    ax.legend(loc="upper left", title=rf"$\Gamma={gamma:g}$", fontsize=6)
    return fig


def _curves(ax, time, conc, dim, label, cmap):
    values = conc[dim].values
    colours = plt.get_cmap(cmap)(
        np.linspace(0.25, 1.0, values.size)
        if cmap != "viridis"
        else np.linspace(0.0, 0.9, values.size)
    )
    for colour, v in zip(colours, values, strict=True):
        ax.plot(time, conc.sel({dim: v}), color=colour, label=f"{label}{v:g}")


def figS4(ds: xr.Dataset):
    fig, (ax_a, ax_b) = figure("double", 1, 2, height=2.6)
    _curves(ax_a, ds["time_a"], ds["concurrence_a"], "A", r"$|A|=$", "Reds")
    ax_a.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        ylim=(0, None),
        xlim=(0, ds["time_a"].values[-1]),
    )
    ax_a.legend(title="a = 30, ã = 3, δ = 0", loc="upper right")
    _curves(ax_b, ds["time_b"], ds["concurrence_b"], "delta", r"$\delta=$", "viridis")
    ax_b.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        ylim=(0, None),
        xlim=(0, ds["time_b"].values[-1]),
    )
    ax_b.legend(title="a = |A| = 10, ã = |Ã| = 1", loc="upper right", ncols=2)
    panel_label(ax_a, "a")
    panel_label(ax_b, "b")
    return fig


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
