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


def _integer_ticks():
    """Integer ticks at 1, 2, 5 x 10^k steps (a new locator per axis)."""
    return MaxNLocator(5, steps=[1, 2, 5, 10], integer=True)


NOTES = (
    "notes: § bello2022, homogeneous part > Notes views"  # the docs section of every notes panel
)
DELTA_LEVELS = np.linspace(0, 3, 13)  # Delta_EPR^HP maps: Fig. 2(a) and Fig. C1 ("cf. Fig. 2(a)")


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


def _mus(ds) -> tuple[float, float]:
    """mu sqrt(N) of the exact map in Fig. 2(b): the paper's, and the reduced one."""
    return (
        float(json.loads(ds.attrs["panel_b_params"])["mu_sqrt_n"]),
        float(ds["delta_epr_exact_reduced_mu"].attrs["mu_sqrt_n"]),
    )


def _hp_limit(ds) -> float:
    return float(np.ravel(ds["delta_epr_hp_limit"].values)[0])


@contract.renderer
def fig2(ds: xr.Dataset):
    fig = plt.figure(figsize=(WIDTHS["double"], 3.6))
    axes = fig.subplot_mosaic([["a", "b1", "c"], ["a", "b2", "c"]], width_ratios=[1, 1.2, 1])
    # (a) HP map
    ax = axes["a"]
    cs = _contour(
        ax,
        ds["n_ratio"],
        ds["nu_over_mu"],
        ds["delta_epr_hp"].transpose("n_ratio", "nu_over_mu"),
        DELTA_LEVELS,
        log_x=True,
    )
    fig.colorbar(cs, ax=ax, label=r"$\Delta^{\rm HP}_{\rm EPR}$", ticks=[0, 1, 2, 3])
    ax.set(xlabel=r"$N_1/N_2$", ylabel=r"$\nu/\mu$")
    panel_label(ax, "a")
    # (b) polarizations (exact map at the paper's mu) and Delta_EPR vs N
    N = ds["N"].values
    order = np.argsort(N)
    mu, mu_small = _mus(ds)
    ax = axes["b1"]
    for j, colour in zip((1, 2), (BLUE, ORANGE), strict=True):
        ax.plot(
            N[order],
            ds["polarization_exact"].sel(ensemble=j).values[order],
            "o",
            mfc="none",
            color=colour,
            ms=4,
        )
        ax.plot(
            N[order], ds["polarization_me"].sel(ensemble=j).values[order], "s", color=colour, ms=2
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
    ax.set(ylabel=r"$\langle J^z_j\rangle/(N_jI)$", ylim=(-1, 1))
    ax.tick_params(labelbottom=False)
    ax.legend(
        handles=[
            Line2D([], [], ls="", marker="o", mfc="none", color="0.3", ms=4, label="exact"),
            Line2D([], [], ls="", marker="s", color="0.3", ms=2, label="2nd-order ME"),
        ],
        loc="center right",
        ncols=2,
        columnspacing=0.8,
        handlelength=1.0,
        handletextpad=0.4,
    )
    panel_label(ax, "b")
    ax = axes["b2"]
    ax.sharex(axes["b1"])
    hp_limit = _hp_limit(ds)
    ax.axhline(hp_limit, color="0.3", ls="--", lw=0.8, label=r"HP, $J\to\infty$")
    # nested markers, largest first: the three values coincide at large N
    for name, value, colour, size, width in (
        ("delta_epr_exact", mu, "black", 7, 0.9),
        ("delta_epr_exact_reduced_mu", mu_small, "0.5", 4.8, 1.1),
    ):
        ax.plot(
            N[order],
            ds[name].values[order],
            "o",
            mfc="none",
            color=colour,
            ms=size,
            mew=width,
            label=rf"exact, $\mu\sqrt{{N}}={value:g}$",
        )
    ax.plot(
        N[order],
        ds["delta_epr_me"].values[order],
        "s",
        color="tab:red",
        ms=1.6,
        label="2nd-order ME",
    )
    values = np.concatenate(
        [ds[v].values for v in ("delta_epr_exact", "delta_epr_exact_reduced_mu", "delta_epr_me")]
    )
    ax.set(xlabel=r"$N$", ylabel=r"$\Delta_{\rm EPR}$", yscale="log")
    ax.set_ylim(min(hp_limit, np.nanmin(values)) / 1.15, np.nanmax(values) * 1.25)
    ax.set_xlim(0, N.max() * 1.04)
    ax.xaxis.set_major_locator(_integer_ticks())
    _log_ticks(ax.yaxis, (1.0, 2.0, 3.0, 5.0))
    handles, _ = ax.get_legend_handles_labels()
    keys = {"b": handles[1:] + handles[:1]}
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
    values = np.concatenate(
        [ds[f"delta_epr_{m}_{k}"].values for m in ("me", "hp") for k in ("uniform", "gaussian")]
    )
    ax.set_ylim(np.nanmin(values) / 1.1, np.nanmax(values) * 1.2)
    ax.xaxis.set_major_locator(_integer_ticks())
    _log_ticks(ax.yaxis, (1.0, 2.0, 3.0, 4.0, 5.0, 7.0))
    keys["c"] = ax.get_legend_handles_labels()[0]
    panel_label(ax, "c")
    # one row of keys per panel below the figure (the legends cover no data at any grid)
    rows = [[Line2D([], [], ls="", label=f"({tag})")] + keys[tag] for tag in ("b", "c")]
    fig.legend(
        handles=[h for pair in zip(*rows, strict=True) for h in pair],
        loc="outside lower center",
        ncols=len(rows[0]),
        handlelength=1.5,
        columnspacing=1.2,
    )
    return fig


@contract.renderer
def fig2_notes(ds: xr.Dataset):
    """(a) exact - ME gap of Delta_EPR at both interaction times; (b) HP at finite J vs J -> oo."""
    fig, axes = figure("double", 1, 2, height=2.5)
    N = ds["N"].values
    order = np.argsort(N)
    mu, mu_small = _mus(ds)
    me = ds["delta_epr_me"].values[order]
    ax = axes[0]
    gaps = {}
    for name, value, colour in (
        ("delta_epr_exact", mu, "black"),
        ("delta_epr_exact_reduced_mu", mu_small, "0.55"),
    ):
        gaps[value] = ds[name].values[order] - me
        ax.plot(
            N[order],
            gaps[value],
            "o-",
            color=colour,
            ms=3,
            lw=0.7,
            label=rf"$\mu\sqrt{{N}}={value:g}$",
        )
    ratio = np.median(gaps[mu_small] / gaps[mu])
    ax.set(
        xscale="log",
        yscale="log",
        xlabel=r"$N$",
        ylabel=r"$\Delta_{\rm EPR}^{\rm exact}-\Delta_{\rm EPR}^{\rm ME}$",
    )
    ax.set_title(
        f"exact $-$ ME gap: median ratio {ratio:.3f}, "
        rf"$(\mu'/\mu)^2$ = {(mu_small / mu) ** 2:.3f}"
        "\n" + NOTES,
        fontsize=7,
    )
    ax.legend(loc="upper right")
    _log_ticks(ax.xaxis, (1.0, 2.0, 5.0))
    _log_ticks(ax.yaxis, (1.0, 2.0, 5.0))
    ax = axes[1]
    hp_limit = _hp_limit(ds)
    ax.axhline(hp_limit, color="0.3", ls="--", lw=0.8, label=r"HP, $J\to\infty$ (Eq. 11)")
    ax.plot(
        N[order],
        ds["delta_epr_hp_finite"].values[order],
        "x",
        color="tab:green",
        ms=4,
        label=r"HP linear system at $J=N/2$",
    )
    ax.plot(N[order], me, "s", color="tab:red", ms=2.5, label="2nd-order ME")
    ax.set(xlabel=r"$N$", ylabel=r"$\Delta_{\rm EPR}$", xlim=(0, N.max() * 1.04), yscale="log")
    ax.set_title(
        r"HP at finite $J$ (as in Fig. 2(c)) and its limit $J\to\infty$"
        "\n" + NOTES,
        fontsize=7,
    )
    ax.xaxis.set_major_locator(_integer_ticks())
    _log_ticks(ax.yaxis, (1.0, 2.0, 3.0, 5.0))
    ax.legend(loc="upper right")
    return fig


def _log_ticks(axis, subs=(1.0, 2.0, 5.0)) -> None:
    """Labelled ticks at subs x 10^k: a log axis spanning about a decade stays readable."""
    axis.set_major_locator(LogLocator(base=10, subs=subs))
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
TABLE2_PAPER = ("material", "N", "A_H", "cycle_time", "T_ent", "T_dd")  # the paper's columns
# (Delta t [ns], T_ent [ms]) as Table II prints them, for the notes view's comparison
TABLE2_PRINTED = {
    "GaAs": ("0.014", "0.024"),
    "20% Si": ("5", "0.5"),
    "5% Si": ("18", "0.5"),
    "0.1% Si": ("918", "0.5"),
}


def _power_of_ten(value: float, digits: int = 4) -> str:
    """1e+05 -> $10^{5}$, 2e+04 -> $2\times10^{4}$, 0.0043 -> $4.3\times10^{-3}$, 100 -> 100."""
    if 1e-2 <= value < 1e3:
        return f"{value:.{digits}g}"
    exp = int(np.floor(np.log10(value)))
    mant = float(f"{value / 10**exp:.{digits}g}")
    return rf"$10^{{{exp}}}$" if mant == 1 else rf"${mant:g}\times10^{{{exp}}}$"


def _as_printed(value: float, decimals: int) -> str:
    """Table II's rounding: to ``decimals`` decimal places, below 10^-decimals to two significant
    digits (Delta t: decimals 0, 4.59 -> 5, 0.0144 -> 0.014; T_ent: decimals 1, 0.51 -> 0.5)."""
    if value >= 10.0**-decimals:
        return f"{round(value, decimals):.{decimals}f}"
    return f"{float(f'{value:.2g}'):g}"


def _table_figure(cells, header, height):
    fig, ax = figure("double", height=height)
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=header, loc="center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.auto_set_column_width(list(range(len(header))))
    table.scale(1.0, 1.45)
    return fig, ax


@contract.renderer
def table2(ds: xr.Dataset):
    """Table II's columns, rounded as the paper prints them."""
    rounding = {"cycle_time": 0, "T_ent": 1}
    cells = []
    for i, name in enumerate(ds["material"].values):
        row = [str(name)]
        for key in TABLE2_PAPER[1:]:
            value = float(np.ravel(ds[key].values)[i])
            if key in rounding:
                row.append(_as_printed(value, rounding[key]))
            elif key in ("N", "A_H"):
                row.append(_power_of_ten(value))
            else:
                row.append(f"{value:g}")
        cells.append(row)
    fig, _ = _table_figure(cells, [TABLE2_SYMBOLS[k] for k in TABLE2_PAPER], 1.3)
    return fig


@contract.renderer
def table2_notes(ds: xr.Dataset):
    """Unrounded Delta t and T_ent beside the printed ones, and the cycle counts 1/(2 kappa)."""
    cells = []
    for i, name in enumerate(ds["material"].values):
        value = {k: float(np.ravel(ds[k].values)[i]) for k in ds.data_vars}
        printed = TABLE2_PRINTED.get(str(name), ("-", "-"))
        cells.append(
            [
                str(name),
                f"{value['cycle_time']:.4g}",
                printed[0],
                f"{value['T_ent']:.4g}",
                printed[1],
                _power_of_ten(value["entangling_cycles"]),
                f"{value['cycles_per_IN']:.4g}",
            ]
        )
    header = [
        "Material",
        r"$\Delta t$ [ns]",
        r"printed $\Delta t$",
        r"$T_{\rm ent}$ [ms]",
        r"printed $T_{\rm ent}$",
        TABLE2_SYMBOLS["entangling_cycles"],
        TABLE2_SYMBOLS["cycles_per_IN"],
    ]
    fig, ax = _table_figure(cells, header, 1.6)
    ax.set_title(
        r"Table II unrounded, and $1/(2\kappa)$ (text: $\sim 11IN$ cycles)"
        " - " + NOTES,
        fontsize=7,
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Figs. B1, B2
# ---------------------------------------------------------------------------------------------
def _n_colours(ds):
    return plt.get_cmap("viridis")(np.linspace(0, 0.85, ds["N"].size))


def _n_key(ax, ds, colours, loc, **kw):
    """One legend row: the colour of each N."""
    handles = [
        Line2D([], [], ls="", marker="s", color=c, ms=4, label=f"{n:g}")
        for c, n in zip(colours, ds["N"].values, strict=True)
    ]
    return ax.legend(
        handles=handles,
        title=r"$N$",
        ncols=len(handles),
        loc=loc,
        columnspacing=0.8,
        handlelength=1.0,
        handletextpad=0.4,
        **kw,
    )


@contract.renderer
def figB1(ds: xr.Dataset):
    """2nd-order ME: squares joined by lines; exact map: open circles; colour: N."""
    fig, ax = figure("single", height=2.4)
    colours = _n_colours(ds)
    for colour, n in zip(colours, ds["N"].values, strict=True):
        sub = ds.sel(N=n)
        ax.plot(ds["k"], sub["fidelity_me"], "s-", color=colour, ms=3, lw=0.7)
        ax.plot(ds["k"], sub["fidelity_exact"], "o", mfc="none", color=colour, ms=4.5)
    ax.set(
        xlabel=r"$k$",
        ylabel=r"fidelity $\langle\Psi_{\rm TMS}|\rho_\infty|\Psi_{\rm TMS}\rangle$",
    )
    ax.xaxis.set_major_locator(_integer_ticks())
    methods = [
        Line2D([], [], marker="s", color="0.3", ms=3, lw=0.7, label="2nd-order"),
        Line2D([], [], ls="", marker="o", mfc="none", color="0.3", ms=4.5, label="exact"),
    ]
    ax.add_artist(_n_key(ax, ds, colours, "lower right", bbox_to_anchor=(1.0, 0.22)))
    ax.legend(handles=methods, loc="lower right", ncols=2, columnspacing=0.8)
    return fig


@contract.renderer
def figB2(ds: xr.Dataset):
    """2nd-order ME: filled dots in the colour of N joined by thin lines; exact map: black rings
    (the caption's "black symbols")."""
    fig, axes = figure("double", 1, 3, height=2.3)
    colours = _n_colours(ds)
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
            ax.plot(k, me, "o-", color=colour, ms=2.5, lw=0.6)
            ax.plot(k, ds[f"{name}_exact"].sel(N=n), "o", mfc="none", color="black", ms=5, mew=0.7)
        ax.axhline(1.0 if name == "delta_epr" else 0.0, color="0.5", lw=0.6, ls=":")
        ax.set(xlabel=r"$k$", ylabel=ylabel)
        ax.xaxis.set_major_locator(_integer_ticks())
        panel_label(ax, tag)
    methods = [
        Line2D([], [], marker="o", color="0.4", ms=2.5, lw=0.6, label="2nd-order ME"),
        Line2D([], [], ls="", marker="o", mfc="none", color="black", ms=5, mew=0.7, label="exact"),
    ]
    axes[0].add_artist(_n_key(axes[0], ds, colours, "upper right", bbox_to_anchor=(1.0, 0.8)))
    axes[0].legend(handles=methods, loc="upper right")
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


def _hatch_key(extra=()):
    return [
        Patch(fill=False, hatch="////", ec="0.6", lw=0, label="no HP steady state"),
        Line2D([], [], color="white", lw=1.0, label=r"$\Delta_{\rm EPR}=1$"),
        *extra,
    ]


def _grey_legend(fig, handles):
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        facecolor="0.85",
        frameon=True,
        edgecolor="none",
    )


@contract.renderer
def figC1(ds: xr.Dataset):
    """Fig. C1 as its caption describes it: a left column N1/N2 vs nu2/mu1 (orange dots: the values
    fixed in the right column) and a right column mu2/mu1 vs nu1/mu1 (orange squares: the ideal
    mu1 = mu2, nu1 = nu2); one row per phase-flip probability p, written in each plot."""
    fig, axes = figure("double", 2, 2, height=4.4, squeeze=False)
    same = r"$N_1=N_2$, $\nu_2/\mu_1=0.8$"
    cs = None
    for row, p in enumerate(ds["p"].values):
        ax = axes[row, 0]
        z = ds["delta_epr_left"].sel(p=p).transpose("n_ratio", "nu_over_mu_left")
        cs = _contour(ax, ds["n_ratio"], ds["nu_over_mu_left"], z, DELTA_LEVELS, log_x=True)
        ax.plot([1.0], [0.8], "o", color=ORANGE, ms=5, mec="white", mew=0.6)
        ax.set(xlabel=r"$N_1/N_2$", ylabel=r"$\nu_2/\mu_1$")
        ax.set_title(rf"$p={p:g}$, $\mu_2=\mu_1$, $\nu_1=\nu_2$", fontsize=7)
        ax = axes[row, 1]
        z = ds["delta_epr_right"].sel(p=p).transpose("mu2_over_mu1", "nu1_over_mu1_right")
        _contour(ax, ds["mu2_over_mu1"], ds["nu1_over_mu1_right"], z, DELTA_LEVELS)
        ax.plot([1.0], [0.8], "s", color=ORANGE, ms=5, mec="white", mew=0.6)
        ax.set(xlabel=r"$\mu_2/\mu_1$", ylabel=r"$\nu_1/\mu_1$")
        ax.set_title(rf"$p={p:g}$, " + same, fontsize=7)
    for ax in axes.flat:
        _no_steady_state(ax)
    fig.colorbar(cs, ax=axes, label=r"$\Delta^{\rm HP}_{\rm EPR}$", ticks=[0, 1, 2, 3], shrink=0.8)
    _grey_legend(
        fig,
        _hatch_key(
            (
                Line2D([], [], ls="", marker="o", color=ORANGE, label="values of the right column"),
                Line2D(
                    [],
                    [],
                    ls="",
                    marker="s",
                    color=ORANGE,
                    label=r"ideal: $\mu_1=\mu_2$, $\nu_1=\nu_2$",
                ),
            )
        ),
    )
    return fig


@contract.renderer
def figC1_notes(ds: xr.Dataset):
    """Delta_EPR^HP against the phase-flip probability p (the text's "even for p ~ 5%")."""
    fig, axes = figure("double", 1, 2, height=2.6)
    same = r"$N_1=N_2$, $\nu_2/\mu_1=0.8$"
    cs = None
    for ax, name, yn, ylabel, fixed in (
        (axes[0], "delta_epr_middle_nu", "nu1_over_mu1_middle", r"$\nu_1/\mu_1$", r"$\mu_2=\mu_1$"),
        (
            axes[1],
            "delta_epr_middle_mu",
            "mu2_over_mu1_middle",
            r"$\mu_2/\mu_1$",
            r"$\nu_1/\mu_1=0.8$",
        ),
    ):
        cs = _contour(ax, ds["p_middle"], ds[yn], ds[name].transpose("p_middle", yn), DELTA_LEVELS)
        _no_steady_state(ax)
        ax.set(xlabel=r"phase-flip probability $p$", ylabel=ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.set_title(
            f"{ylabel} vs $p$ ({fixed}, {same})\n{NOTES}",
            fontsize=7,
        )
    fig.colorbar(cs, ax=axes, label=r"$\Delta^{\rm HP}_{\rm EPR}$", ticks=[0, 1, 2, 3])
    _grey_legend(fig, _hatch_key())
    return fig


def _stabilization_curves(ax, ds, y):
    """The two initial states of Fig. C2, ``y(name) -> values`` in N order."""
    N = np.sort(ds["N"].values)
    ax.plot(N, y("time_fully_polarized"), "o", color=BLUE, ms=4, label=r"$|\Psi_{\rm FP}\rangle$")
    ax.plot(N, y("time_mixed"), "s", color=ORANGE, ms=4, label="maximally mixed, $J_j=N_j/2$")
    return N


@contract.renderer
def figC2(ds: xr.Dataset):
    """Log-log: the small-N departure from T = 1/(2 kappa) and the large-N agreement both show."""
    fig, ax = figure("single", height=2.4)
    order = np.argsort(ds["N"].values)
    N = _stabilization_curves(ax, ds, lambda name: ds[name].values[order])
    ax.plot(N, ds["time_hp"].values[order], "-", color="black", lw=0.8, label=r"$T=1/(2\kappa)$")
    ax.set(xscale="log", yscale="log", xlabel=r"$N$", ylabel=r"stabilization time $T$ [cycles]")
    _log_ticks(ax.xaxis, (1.0, 2.0, 5.0))
    _log_ticks(ax.yaxis, (1.0, 2.0, 5.0))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[-1:] + handles[:-1], labels[-1:] + labels[:-1], loc="upper left")
    return fig


@contract.renderer
def figC2_notes(ds: xr.Dataset):
    """The stabilization times relative to the HP estimate 1/(2 kappa)."""
    fig, ax = figure("single", height=2.4)
    order = np.argsort(ds["N"].values)
    hp = ds["time_hp"].values[order]
    N = _stabilization_curves(ax, ds, lambda name: ds[name].values[order] / hp)
    ax.plot(
        N,
        ds["time_hp_log"].values[order] / hp,
        "--",
        color="0.4",
        lw=0.8,
        label=r"$-1/\log(1-2\kappa)$ (C16)",
    )
    ax.axhline(1.0, color="black", lw=0.8, label=r"$T=1/(2\kappa)$")
    ax.set(xscale="log", xlabel=r"$N$", ylabel=r"$T\,/\,[1/(2\kappa)]$", ylim=(0, None))
    _log_ticks(ax.xaxis, (1.0, 2.0, 5.0))
    ax.set_title(
        r"stabilization time over $1/(2\kappa)$"
        "\n" + NOTES,
        fontsize=7,
    )
    ax.legend(loc="lower right")
    return fig


@contract.renderer
def figC3(ds: xr.Dataset):
    """p(J) of both mixtures over the J where either has weight, J_min and J_mean marked."""
    fig, ax = figure("single", height=2.4)
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
        ax.text(value + 0.15, top * 1.02, text, color=colour, ha="left", va="bottom")
    support = J[(ds["p_uniform"].values > 1e-3) | (ds["p_gaussian"].values > 1e-3)]
    ax.set(
        xlabel=r"$J$",
        ylabel=r"$p_j(J)$",
        xlim=(support.min() - 1, J.max() + 1),
        ylim=(0, top * 1.12),
    )
    ax.xaxis.set_major_locator(_integer_ticks())
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
    return fig
