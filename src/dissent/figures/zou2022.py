"""Figures of Zou, Zhang & Tserkovnyak (2022): render functions of the figure datasets.

Each paper figure (``figN``) draws what the paper's caption describes; ``figN_notes`` draws our
findings from the same dataset (closed forms vs numerics, lifetimes, printed vs derived values).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from .. import contract
from ..style import figure, panel_label

FIG2_COLOURS = {3.0: "black", 1.0: "tab:orange", 0.3: "tab:cyan", 0.0: "tab:red"}
FIG3_COLOURS = {5.0: "black", 2.0: "tab:cyan", 0.0: "tab:red"}
# Fig. S4: one distinct colour per curve; the caption's "red curve" is the steady |A| = a one
S4_COLOURS_A = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:red"]
S4_COLOURS_B = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "0.2"]
NOTES = "notes: § zou2022 > "  # prefix of a notes panel's pointer to docs/reproduction-notes.md


def _colour(colours: dict, value: float, index: int) -> str:
    return colours.get(round(float(value), 6), f"C{index}")


def _params(ds: xr.Dataset, panel: str) -> dict:
    return json.loads(ds.attrs[f"panel_{panel}_params"])


def _notes_title(ax, label: str, what: str, section: str) -> None:
    """A notes panel's title: its label, what it shows, its section of the reproduction notes."""
    head = f"({label}) {what}" if label else what
    ax.set_title(f"{head}\n{NOTES}{section}", loc="left", fontsize=7)


def _numerics_with_closed_form(ax, ds: xr.Dataset, colours: dict, tmax=None) -> None:
    """Closed form of the text per delta (line) with the numerical solution on it (circles)."""
    time = ds["time"].values
    keep = time <= (tmax if tmax is not None else time[-1]) + 1e-12
    step = max(1, int(keep.sum()) // 24)
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


# --- Fig. 2 ---------------------------------------------------------------------------------------
FIG2_TMAX = 4.0  # a t shown in the paper view
# where each curve's label sits (a t, C): beside its curve, off every other curve
FIG2_LABELS = {3.0: (1.25, 0.08), 1.0: (1.55, 0.36), 0.3: (3.0, 0.37), 0.0: (3.0, 0.53)}
# (b) labels only the long-lived curves; panel (a) above names every colour
FIG2_LONG_LABELS = {0.3: (22.0, 0.1), 0.0: (22.0, 0.3)}


@contract.renderer
def fig2(ds: xr.Dataset):
    """Fig. 2: C(t) of the Lindblad dynamics for the four delta, 0 <= a t <= 4, one panel."""
    fig, ax = figure("single", height=2.5)
    time = ds["time"].values
    keep = time <= FIG2_TMAX + 1e-12
    for i, delta in enumerate(ds["delta"].values):
        colour = _colour(FIG2_COLOURS, delta, i)
        ax.plot(time[keep], ds["concurrence"].sel(delta=delta).values[keep], color=colour)
        x, y = FIG2_LABELS.get(round(float(delta), 6), (time[keep][-1], 0.0))
        ax.text(x, y, rf"$\delta={delta:g}$", color=colour, fontsize=7, va="center")
    ax.set(
        xlabel=r"time $at$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(0, FIG2_TMAX),
        ylim=(0, 0.56),
    )
    return fig


@contract.renderer
def fig2_notes(ds: xr.Dataset):
    """(a) closed forms of the text vs the numerics; (b) long-time view with the text's lifetime."""
    fig, (ax_a, ax_b) = figure("single", 2, 1, height=4.8)
    _numerics_with_closed_form(ax_a, ds, FIG2_COLOURS, tmax=FIG2_TMAX)
    ax_a.set(
        xlabel=r"time $at$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(0, FIG2_TMAX),
        ylim=(0, 0.56),
    )
    for i, delta in enumerate(ds["delta"].values):
        x, y = FIG2_LABELS.get(round(float(delta), 6), (FIG2_TMAX, 0.0))
        colour = _colour(FIG2_COLOURS, delta, i)
        ax_a.text(x, y, rf"$\delta={delta:g}$", color=colour, fontsize=7, va="center")
    ax_a.legend(
        handles=_method_handles(),
        loc="upper left",
        bbox_to_anchor=(2.35, 0.33),
        bbox_transform=ax_a.transData,
    )
    _notes_title(
        ax_a, "a", "closed forms of the text vs numerics", "Closed forms used as companions"
    )

    time = ds["time"].values
    params = _params(ds, "main")
    a, big_a = float(params["a"]), float(params["A"])
    for i, delta in enumerate(ds["delta"].values):
        key, colour = round(float(delta), 6), _colour(FIG2_COLOURS, delta, i)
        ax_b.semilogy(time, ds["concurrence"].sel(delta=delta), color=colour)
        if 0 < delta < big_a:  # overdamped: C ~ exp(-t/tau) at long times, tau of the text
            tau = 1.0 / (2.0 * (a - np.sqrt(big_a**2 - delta**2)))
            c_end = float(ds["concurrence"].sel(delta=delta).isel(time=-1))
            slope = c_end * np.exp((time[-1] - time) / tau)
            ax_b.plot(time, slope, color="0.15", ls=(0, (3, 2)), lw=0.8)
            ax_b.text(
                8,
                0.012,
                rf"dashed: $\propto e^{{-t/\tau}}$, $\tau=1/2(a-\kappa_0)\approx{tau:.1f}/a$",
                fontsize=7,
                color="0.2",
            )
        if key in FIG2_LONG_LABELS:
            x, y = FIG2_LONG_LABELS[key]
            ax_b.text(x, y, rf"$\delta={delta:g}$", color=colour, fontsize=7, va="center")
    ax_b.set(
        xlabel=r"time $at$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(0, time[-1]),
        ylim=(1e-3, 1.0),
    )
    _notes_title(
        ax_b, "b", "long times: the lifetime of the text", "Closed forms used as companions"
    )
    return fig


# --- Fig. 3 ---------------------------------------------------------------------------------------
FIG3_LABELS = {5.0: (0.22, 0.25), 2.0: (0.02, 0.84), 0.0: (0.02, 0.95)}
FIG3_STYLES = {2.0: {"ls": (0, (4, 2)), "lw": 1.3}, 0.0: {"lw": 1.8}}  # EP dashed over red


@contract.renderer
def fig3(ds: xr.Dataset):
    """Fig. 3: post-selected C(t) for delta = 5, Gamma, 0; inset: numerical C_max vs delta/Gamma."""
    fig, ax = figure("single", height=3.6)
    params = _params(ds, "main")
    gamma = params["A"] + params.get("A_tilde", 0.0)
    time = ds["time"].values
    for i, delta in enumerate(sorted(ds["delta"].values)):  # red first, the dashed EP on top
        key = round(float(delta), 6)
        colour = _colour(FIG3_COLOURS, delta, i)
        ax.plot(time, ds["concurrence"].sel(delta=delta), color=colour, **FIG3_STYLES.get(key, {}))
        name = r"$\delta=\Gamma$" if np.isclose(delta, gamma) else rf"$\delta={delta:g}$"
        x, y = FIG3_LABELS.get(key, (time[-1], 0.0))
        ax.text(x, y, name, color=colour, fontsize=7, va="center")
    ax.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(time[0], time[-1]),
        ylim=(0, 1.05),
    )
    inset = ax.inset_axes([0.5, 0.765, 0.47, 0.13])
    eta = ds["eta"].values
    inset.plot(eta, ds["max_concurrence"], color="black", lw=0.9)
    inset.set(xlim=(eta[0], eta[-1]), ylim=(0.4, 1.05), yticks=[0.5, 1.0])
    inset.set_xlabel(r"$\delta/\Gamma$", labelpad=1)
    inset.set_ylabel(r"$\mathcal{C}_{\max}$", labelpad=1)
    inset.tick_params(labelsize=7, pad=1.5)
    return fig


@contract.renderer
def fig3_notes(ds: xr.Dataset):
    """(a) closed forms vs numerics of C(t); (b) C_max: numerics, derived and printed formula."""
    fig, (ax_a, ax_b) = figure("single", 2, 1, height=4.8)
    params = _params(ds, "main")
    gamma = params["A"] + params.get("A_tilde", 0.0)
    _numerics_with_closed_form(ax_a, ds, FIG3_COLOURS)
    ax_a.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(ds["time"].values[0], ds["time"].values[-1]),
        ylim=(0, 1.05),
    )
    _notes_title(
        ax_a,
        "a",
        rf"closed forms (lines) vs numerics (circles), $\Gamma={gamma:g}$",
        "Closed forms used as companions",
    )
    for i, delta in enumerate(ds["delta"].values):
        name = r"$\delta=\Gamma$" if np.isclose(delta, gamma) else rf"$\delta={delta:g}$"
        x, y = FIG3_LABELS.get(round(float(delta), 6), (0.0, 0.0))
        ax_a.text(x, y, name, color=_colour(FIG3_COLOURS, delta, i), fontsize=7, va="center")
    ax_a.legend(handles=_method_handles(), loc="lower right", bbox_to_anchor=(1, 0.7))
    eta = ds["eta"]
    ax_b.plot(eta, ds["max_concurrence"], color="black", label="numerical")
    ax_b.plot(
        eta,
        ds["max_concurrence_closed_form"],
        color="tab:orange",
        ls="--",
        lw=0.9,
        label=r"derived $2\eta/(1+\eta^2)$",
    )
    ax_b.plot(
        eta,
        ds["max_concurrence_text"],
        color="tab:purple",
        ls=":",
        lw=1.1,
        label=r"printed $\sqrt{2-1/\eta^2}/\eta$",
    )
    ax_b.set(
        xlabel=r"$\eta=\delta/\Gamma$",
        ylabel=r"$\mathcal{C}_{\max}$",
        xlim=(float(eta[0]), float(eta[-1])),
        ylim=(0, 1.05),
    )
    ax_b.legend(loc="lower left")
    _notes_title(
        ax_b, "b", "maximal concurrence: derived vs printed", "Discrepancies with the text"
    )
    return fig


# --- Fig. S4 --------------------------------------------------------------------------------------
S4_TMAX_A = 0.5  # panel (a) shows 0 <= t <= 0.5: every curve of (a) has reached 0 or its plateau
S4_TMIN_B = 3e-3  # panel (b): log time axis from here to the end of the time grid


def _curves(ax, time, conc, dim, colours, label, keep) -> None:
    for colour, v in zip(colours, conc[dim].values, strict=True):
        ax.plot(time[keep], conc.sel({dim: v}).values[keep], color=colour, label=label(v))


def _key(ax, params: str, loc: str, anchor) -> None:
    """The curve key in the panel's empty corner; the panel's fixed parameters beside its label."""
    ax.legend(loc=loc, bbox_to_anchor=anchor, handlelength=1.5, labelspacing=0.3)
    ax.set_title(params, loc="right", fontsize=7)


@contract.renderer
def figS4(ds: xr.Dataset):
    """(a) |A| = 20..30 at a = 30, (b) delta = 0..16 at a = |A| = 10; both a~/a = 0.1."""
    fig, (ax_a, ax_b) = figure("double", 1, 2, height=3.0)
    time = ds["time"].values
    pa, pb = _params(ds, "a"), _params(ds, "b")
    ratio_a = pa["boltzmann"]
    _curves(
        ax_a,
        time,
        ds["concurrence_a"],
        "A",
        S4_COLOURS_A,
        lambda v: rf"$|A|={v:g}$, $|\tilde A|={v * ratio_a:g}$",
        time <= S4_TMAX_A + 1e-12,
    )
    _curves(
        ax_b,
        time,
        ds["concurrence_b"],
        "delta",
        S4_COLOURS_B,
        lambda v: rf"$\delta={v:g}$",
        time >= S4_TMIN_B - 1e-12,
    )
    top = 1.1 * float(max(ds["concurrence_a"].max(), ds["concurrence_b"].max()))
    for ax in (ax_a, ax_b):
        ax.set(xlabel=r"time $t$", ylabel=r"concurrence $\mathcal{C}$", ylim=(0, top))
    ax_a.set_xlim(0, S4_TMAX_A)
    ax_b.set_xscale("log")
    ax_b.set_xlim(S4_TMIN_B, time[-1])
    a, at = pa["a"], pa["a"] * pa["boltzmann"]
    _key(ax_a, rf"$a={a:g}$, $\tilde a={at:g}$, $\delta={pa['delta']:g}$", "upper right", (1, 0.88))
    # the caption's grey arrow: the direction of increasing |A|, across the decaying tails
    ax_a.annotate(
        "",
        xy=(0.2, 0.25),
        xytext=(0.1, 0.05),
        arrowprops={"arrowstyle": "-|>", "color": "0.5", "lw": 1},
    )
    b, bt = pb["a"], pb["a"] * pb["boltzmann"]
    _key(ax_b, rf"$a=|A|={b:g}$, $\tilde a=|\tilde A|={bt:g}$", "upper left", (0, 1))
    panel_label(ax_a, "a")
    panel_label(ax_b, "b")
    return fig


@contract.renderer
def figS4_notes(ds: xr.Dataset):
    """The steady |A| = a curves of both panels against the exact plateau 27/74."""
    fig, ax = figure("single", height=2.6)
    time = ds["time"].values
    keep = time >= S4_TMIN_B - 1e-12
    pa, pb = _params(ds, "a"), _params(ds, "b")
    steady_a = ds["concurrence_a"].sel(A=pa["a"])
    steady_b = ds["concurrence_b"].sel(delta=0.0)
    ax.semilogx(
        time[keep],
        steady_a.values[keep],
        color="tab:red",
        label=rf"(a) $a=|A|={pa['a']:g}$, $\delta=0$",
    )
    ax.semilogx(
        time[keep],
        steady_b.values[keep],
        color="tab:blue",
        ls="--",
        label=rf"(b) $a=|A|={pb['a']:g}$, $\delta=0$",
    )
    ax.axhline(27 / 74, color="0.3", lw=0.6, ls=":", label=r"exact $27/74\approx0.365$")
    ax.axhline(0.35, color="0.6", lw=0.6, ls="-.", label="text: \u201caround 0.35\u201d")
    ax.set(
        xlabel=r"time $t$",
        ylabel=r"concurrence $\mathcal{C}$",
        xlim=(S4_TMIN_B, time[-1]),
        ylim=(0, 0.4),
    )
    ax.legend(loc="lower right")
    _notes_title(
        ax,
        "",
        r"steady state at $|A|=a$, $\tilde a/a=0.1$: exact vs text",
        "Discrepancies with the text",
    )
    return fig


# --- Fig. S5 --------------------------------------------------------------------------------------
@contract.renderer
def figS5(ds: xr.Dataset):
    """Fig. S5: steady C over (|A| = a, |A~| = a~) at delta = 0; |A~| > |A| unphysical (grey)."""
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
