"""Figures of Bello et al. (2022), homogeneous ensembles: Figs. 2, B1, B2, C1-C3 and Table II."""

from __future__ import annotations

import io as _io
import json

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from .. import contract
from ..style import WIDTHS, figure, panel_label

BLUE, ORANGE = "tab:blue", "tab:orange"


def _contour(ax, x, y, z, levels, log_x=False):
    """Filled contours of z(x, y) (dims x, y) with the Delta_EPR = 1 line in white."""
    zz = np.asarray(z).T
    cs = ax.contourf(x, y, zz, levels=levels, cmap="viridis", extend="max")
    finite = np.isfinite(zz)
    if finite.any() and np.nanmin(zz) < 1 < np.nanmax(zz):
        ax.contour(x, y, np.where(finite, zz, np.nan), levels=[1.0], colors="white", linewidths=1.0)
    if log_x:
        ax.set_xscale("log")
    return cs


@contract.renderer
def fig2(ds: xr.Dataset):
    fig = plt.figure(figsize=(WIDTHS["double"], 3.2))
    axes = fig.subplot_mosaic([["a", "b1", "c"], ["a", "b2", "c"]], width_ratios=[1, 1.2, 1])
    # (a) HP map
    ax = axes["a"]
    levels = np.linspace(0, 3, 13)
    cs = _contour(
        ax,
        ds["n_ratio"],
        ds["nu_over_mu"],
        ds["delta_epr_hp"].transpose("n_ratio", "nu_over_mu"),
        levels,
        log_x=True,
    )
    fig.colorbar(cs, ax=ax, label=r"$\Delta^{\rm HP}_{\rm EPR}$", ticks=[0, 1, 2, 3])
    ax.set(xlabel=r"$N_1/N_2$", ylabel=r"$\nu/\mu$")
    panel_label(ax, "a")
    # (b) polarizations and Delta_EPR vs N
    N = ds["N"].values
    order = np.argsort(N)
    main = ds
    ax = axes["b1"]
    for j, colour in zip((1, 2), (BLUE, ORANGE), strict=True):
        ax.plot(
            N[order],
            main["polarization_exact"].sel(ensemble=j).values[order],
            "o",
            mfc="none",
            color=colour,
            ms=4,
        )
        ax.plot(
            N[order],
            main["polarization_me"].sel(ensemble=j).values[order],
            "s",
            color=colour,
            ms=2,
        )
        ax.text(
            0.03,
            0.93 if j == 1 else 0.07,
            rf"$j={j}$",
            color=colour,
            transform=ax.transAxes,
            ha="left",
            va="top" if j == 1 else "bottom",
        )
    ax.axhline(0, color="0.7", lw=0.5)
    ax.set(ylabel=r"$\langle J^z_j\rangle/(N_jI)$", ylim=(-1, 1))
    ax.tick_params(labelbottom=False)
    panel_label(ax, "b")
    ax = axes["b2"]
    ax.sharex(axes["b1"])
    mus = (
        json.loads(ds.attrs["panel_b_params"])["mu_sqrt_n"],
        ds["delta_epr_exact_reduced_mu"].attrs["mu_sqrt_n"],
    )
    for name, mu, grey in zip(
        ("delta_epr_exact", "delta_epr_exact_reduced_mu"), mus, ("black", "0.55"), strict=True
    ):
        ax.plot(
            N[order],
            ds[name].values[order],
            "o",
            mfc="none",
            color=grey,
            ms=4,
            label=rf"exact, $\mu\sqrt{{N}}={mu:g}$",
        )
    ax.plot(
        N[order],
        main["delta_epr_me"].values[order],
        "s",
        color="tab:red",
        ms=2.5,
        label="2nd-order ME",
    )
    ax.axhline(
        float(np.ravel(ds["delta_epr_hp_limit"].values)[0]),
        color="0.3",
        ls="--",
        lw=0.8,
    )
    ax.text(
        N.min(),
        float(np.ravel(ds["delta_epr_hp_limit"].values)[0]) * 1.15,
        r"HP, $J\to\infty$",
        ha="left",
        va="bottom",
        fontsize=7,
        color="0.3",
    )
    ax.set(xlabel=r"$N$", ylabel=r"$\Delta_{\rm EPR}$", yscale="log")
    top = np.nanmax([ds["delta_epr_exact"].max(), ds["delta_epr_me"].max()])
    hp_limit = float(np.ravel(ds["delta_epr_hp_limit"].values)[0])
    ax.set_ylim(hp_limit * 0.55, top * 8)  # room for the HP label and the legend
    _log_ticks(ax.yaxis)
    ax.legend(loc="upper right", handletextpad=0.3)
    # (c) mixed initial states
    ax = axes["c"]
    for kind, coord, colour, me_marker, hp_marker, label in (
        ("uniform", "J_min", BLUE, "o", ".", r"$J\geq J_{\min}$"),
        ("gaussian", "J_mean", ORANGE, "s", "x", "Gaussian"),
    ):
        x = ds[coord].values
        ax.plot(
            x,
            ds[f"delta_epr_me_{kind}"],
            me_marker,
            mfc="none",
            color=colour,
            ms=4,
            label=f"{label}, ME",
        )
        ax.plot(x, ds[f"delta_epr_hp_{kind}"], hp_marker, color=colour, ms=4, label=f"{label}, HP")
    ax.axhline(1, color="0.5", lw=0.6, ls=":")
    ax.set(xlabel=r"$J_{\min}$ or $\bar J$", ylabel=r"$\Delta_{\rm EPR}$", yscale="log")
    values = [ds[f"delta_epr_{m}_{k}"] for m in ("me", "hp") for k in ("uniform", "gaussian")]
    ax.set_ylim(None, np.nanmax([float(v.max()) for v in values]) * 12)  # room for the legend
    _log_ticks(ax.yaxis)
    ax.legend(loc="upper right", handletextpad=0.3)
    panel_label(ax, "c")
    return fig


def _log_ticks(axis) -> None:
    """Labelled ticks at 1, 2, 5 x 10^k: a log axis spanning less than a decade stays readable."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


# ---------------------------------------------------------------------------------------------
# Table II
# ---------------------------------------------------------------------------------------------
TABLE2_COLUMNS = [
    ("material", "Material", None),
    ("N", "N", "{:.0e}"),
    ("A_H", "A_H [micro-eV]", "{:.3g}"),
    ("cycle_time", "Delta t [ns]", "{:.3g}"),
    ("T_ent", "T_ent [ms]", "{:.2g}"),
    ("T_dd", "T_dd [ms]", "{:g}"),
    ("entangling_cycles", "1/(2 kappa) [cycles]", "{:.4g}"),
    ("cycles_per_IN", "1/(2 kappa)/(I N)", "{:.4g}"),
]


def _table_rows(ds: xr.Dataset, formatted=True) -> list[list[str]]:
    rows = []
    for i, name in enumerate(ds["material"].values):
        row = []
        for key, _, fmt in TABLE2_COLUMNS:
            if key == "material":
                row.append(str(name))
                continue
            value = float(np.ravel(ds[key].values)[i])
            row.append(fmt.format(value) if formatted else repr(value))
        rows.append(row)
    return rows


@contract.table
def table2_csv(ds: xr.Dataset) -> str:
    buf = _io.StringIO()
    buf.write(",".join(h for _, h, _ in TABLE2_COLUMNS) + "\n")
    for row in _table_rows(ds, formatted=False):
        buf.write(",".join(f'"{c}"' if "," in c else c for c in row) + "\n")
    return buf.getvalue()


@contract.table
def table2_md(ds: xr.Dataset) -> str:
    head = [h for _, h, _ in TABLE2_COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in _table_rows(ds)]
    return "\n".join(lines) + "\n"


# the PNG's headers in the paper's symbols (the CSV/Markdown keep plain ASCII names)
TABLE2_SYMBOLS = {
    "material": "Material",
    "N": r"$N$",
    "A_H": r"$A_H$ [$\mu$eV]",
    "cycle_time": r"$\Delta t$ [ns]",
    "T_ent": r"$T_{\rm ent}$ [ms]",
    "T_dd": r"$T_{\rm dd}$ [ms]",
    "entangling_cycles": r"$1/(2\kappa)$ [cycles]",
    "cycles_per_IN": r"$1/(2\kappa)/(IN)$",
}


def _power_of_ten(value: float, digits: int = 4) -> str:
    """1e+05 -> $10^{5}$, 2e+04 -> $2\times10^{4}$, 1.6667e6 -> $1.667\times10^{6}$, 100 -> 100."""
    if value < 1e3:
        return f"{value:.{digits}g}"
    exp = int(np.floor(np.log10(value)))
    mant = float(f"{value / 10**exp:.{digits}g}")
    return rf"$10^{{{exp}}}$" if mant == 1 else rf"${mant:g}\times10^{{{exp}}}$"


@contract.renderer
def table2(ds: xr.Dataset):
    fig, ax = figure("double", height=1.6)
    ax.axis("off")
    rows = _table_rows(ds)
    keys = [key for key, _, _ in TABLE2_COLUMNS]
    for key in ("N", "entangling_cycles"):
        for row, value in zip(rows, np.ravel(ds[key].values), strict=True):
            row[keys.index(key)] = _power_of_ten(float(value))
    table = ax.table(
        cellText=rows,
        colLabels=[TABLE2_SYMBOLS[key] for key, _, _ in TABLE2_COLUMNS],
        loc="center",
        cellLoc="center",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.auto_set_column_width(list(range(len(TABLE2_COLUMNS))))
    table.scale(1.0, 1.45)
    ax.set_title(
        "Table II recomputed from $N$, $A_H$ and $I$ "
        r"($\mu = 1.5/\sqrt{2IN}$, $\nu = 0.8\mu$, $k = 1$; $T_{\rm dd}$ as printed)",
        fontsize=7,
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Figs. B1, B2
# ---------------------------------------------------------------------------------------------
@contract.renderer
def figB1(ds: xr.Dataset):
    fig, ax = figure("single", height=2.4)
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.85, ds["N"].size))
    for colour, n in zip(colours, ds["N"].values, strict=True):
        sub = ds.sel(N=n)
        ax.plot(
            ds["k"],
            sub["fidelity_me"],
            "s-",
            color=colour,
            ms=3,
            lw=0.7,
            label=rf"$N={n:g}$, 2nd-order",
        )
        ax.plot(
            ds["k"],
            sub["fidelity_exact"],
            "o",
            mfc="none",
            color=colour,
            ms=4.5,
            label=rf"$N={n:g}$, exact",
        )
    ax.set(
        xlabel=r"$k$",
        ylabel=r"fidelity $\langle\Psi_{\rm TMS}|\rho_\infty|\Psi_{\rm TMS}\rangle$",
        ylim=(None, 1.0),
    )
    ax.legend(ncol=2, loc="lower right", columnspacing=0.8, handletextpad=0.4)
    return fig


@contract.renderer
def figB2(ds: xr.Dataset):
    """2nd-order ME: filled dots joined by thin lines; exact map: open rings of the same colour."""
    fig, axes = figure("double", 1, 3, height=2.3)
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.85, ds["N"].size))
    k = ds["k"].values
    for ax, name, ylabel, tag in (
        (axes[0], "delta_epr", r"$\Delta_{\rm EPR}$", "a"),
        (axes[1], "min_pt_eigenvalue", r"$\lambda_{\min}(\rho^{T_2})$", "b"),
        (axes[2], "witness", r"$\langle W\rangle$ ($N=1$)", "c"),
    ):
        for colour, n in zip(colours, ds["N"].values, strict=True):
            me = ds[f"{name}_me"].sel(N=n)
            if not np.isfinite(me).any():
                continue
            ax.plot(k, me, "o-", color=colour, ms=2.5, lw=0.6, label=rf"$N={n:g}$")
            ax.plot(k, ds[f"{name}_exact"].sel(N=n), "o", mfc="none", color=colour, ms=6, mew=0.8)
        ax.axhline(1.0 if name == "delta_epr" else 0.0, color="0.5", lw=0.6, ls=":")
        ax.set(xlabel=r"$k$", ylabel=ylabel)
        panel_label(ax, tag)
    axes[0].plot([], [], "o-", color="0.4", ms=2.5, lw=0.6, label="2nd-order ME")
    axes[0].plot([], [], "o", mfc="none", color="0.4", ms=6, mew=0.8, label="exact map")
    axes[0].legend(loc="upper right")
    return fig


# ---------------------------------------------------------------------------------------------
# Figs. C1-C3
# ---------------------------------------------------------------------------------------------
def _no_steady_state(ax) -> None:
    """Hatch the whole axes below the contours: blank (NaN) cells show the hatching."""
    ax.add_patch(
        Rectangle(
            (0, 0),
            1,
            1,
            transform=ax.transAxes,
            fill=False,
            hatch="////",
            ec="0.75",
            lw=0,
            zorder=0,
        )
    )


@contract.renderer
def figC1(ds: xr.Dataset):
    """Caption of Fig. C1: left N1/N2 vs nu2/mu1 (orange dot), right mu2/mu1 vs nu1/mu1 (orange
    square at the ideal point); middle: p against nu1/mu1 and mu2/mu1."""
    fig, axes = figure("double", 2, 3, height=4.4, squeeze=False)
    levels = np.linspace(0, 2, 11)
    same = r"$N_1=N_2$, $\nu_2/\mu_1=0.8$"
    cs = None
    for row, p in enumerate(ds["p"].values):
        ax = axes[row, 0]
        z = ds["delta_epr_left"].sel(p=p).transpose("n_ratio", "nu_over_mu_left")
        cs = _contour(ax, ds["n_ratio"], ds["nu_over_mu_left"], z, levels, log_x=True)
        ax.plot([1.0], [0.8], "o", color=ORANGE, ms=5, mec="white", mew=0.6)
        ax.set(xlabel=r"$N_1/N_2$", ylabel=r"$\nu_2/\mu_1$")
        ax.set_title(rf"$p={p:g}$, $\mu_2=\mu_1$, $\nu_1=\nu_2$", fontsize=7)
        ax = axes[row, 2]
        z = ds["delta_epr_right"].sel(p=p).transpose("mu2_over_mu1", "nu1_over_mu1_right")
        _contour(ax, ds["mu2_over_mu1"], ds["nu1_over_mu1_right"], z, levels)
        ax.plot([1.0], [0.8], "s", color=ORANGE, ms=5, mec="white", mew=0.6)
        ax.set(xlabel=r"$\mu_2/\mu_1$", ylabel=r"$\nu_1/\mu_1$")
        ax.set_title(rf"$p={p:g}$, " + same, fontsize=7)
    for row, (name, yn, ylabel, title) in enumerate(
        (
            ("delta_epr_middle_nu", "nu1_over_mu1_middle", r"$\nu_1/\mu_1$", r"$\mu_2=\mu_1$"),
            (
                "delta_epr_middle_mu",
                "mu2_over_mu1_middle",
                r"$\mu_2/\mu_1$",
                r"$\nu_1/\mu_1=0.8$",
            ),
        )
    ):
        ax = axes[row, 1]
        _contour(ax, ds["p_middle"], ds[yn], ds[name].transpose("p_middle", yn), levels)
        ax.set(xlabel=r"phase-flip probability $p$", ylabel=ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.set_title(title + ", " + same, fontsize=7)
    for ax in axes.flat:
        _no_steady_state(ax)
    fig.colorbar(cs, ax=axes, label=r"$\Delta^{\rm HP}_{\rm EPR}$", shrink=0.8)
    fig.legend(
        handles=[
            Patch(fill=False, hatch="////", ec="0.6", lw=0, label="no HP steady state"),
            Line2D([], [], color="white", lw=1.0, label=r"$\Delta_{\rm EPR}=1$"),
            Line2D([], [], ls="", marker="o", color=ORANGE, label="values of the other columns"),
            Line2D(
                [],
                [],
                ls="",
                marker="s",
                color=ORANGE,
                label=r"ideal: $\mu_1=\mu_2$, $\nu_1=\nu_2$",
            ),
        ],
        loc="outside lower center",
        ncols=4,
        facecolor="0.85",
        frameon=True,
        edgecolor="none",
    )
    return fig


@contract.renderer
def figC2(ds: xr.Dataset):
    fig, ax = figure("single", height=2.4)
    N = ds["N"].values
    order = np.argsort(N)
    ax.plot(
        N[order], ds["time_hp"].values[order], "-", color="black", lw=0.8, label=r"$T=1/(2\kappa)$"
    )
    ax.plot(
        N[order],
        ds["time_fully_polarized"].values[order],
        "o",
        color=BLUE,
        ms=4,
        label=r"$|\Psi_{\rm FP}\rangle$",
    )
    ax.plot(
        N[order],
        ds["time_mixed"].values[order],
        "s",
        color=ORANGE,
        ms=4,
        label="maximally mixed, $J_j=N_j/2$",
    )
    ax.set(xlabel=r"$N$", ylabel=r"stabilization time $T$ [cycles]")
    ax.legend()
    return fig


@contract.renderer
def figC3(ds: xr.Dataset):
    """p(J) of both mixtures over the J where either has weight, J_min and J_mean marked."""
    fig, ax = figure("single", height=2.3)
    params = json.loads(ds.attrs["panel_main_params"])
    J = ds["J"].values
    ax.bar(J - 0.2, ds["p_uniform"], width=0.4, color=BLUE, label="equal weight (C17)")
    ax.bar(J + 0.2, ds["p_gaussian"], width=0.4, color=ORANGE, label=r"Gaussian, $w^2=3$")
    top = float(max(ds["p_uniform"].max(), ds["p_gaussian"].max()))
    for value, colour, text in (
        (params["j_min"], BLUE, r"$J_{\min}$"),
        (params["j_mean"], ORANGE, r"$\bar J$"),
    ):
        ax.axvline(value, color=colour, lw=0.8, ls="--")
        ax.text(value + 0.15, top * 1.04, text, color=colour, ha="left", va="bottom")
    support = J[(ds["p_uniform"].values > 1e-3) | (ds["p_gaussian"].values > 1e-3)]
    ax.set(
        xlabel=r"$J$",
        ylabel=r"$p_j(J)$",
        xlim=(support.min() - 1, J.max() + 1),
        ylim=(0, top * 1.6),
    )
    ax.legend(loc="upper right")
    return fig
