"""Render functions of the shell-model figures of Bello et al. (2022): Figs. 4, E1, E2."""

from __future__ import annotations

import matplotlib
import numpy as np
import xarray as xr

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from .. import contract
from ..style import figure, panel_label  # noqa: E402


def _colors(ds, axis="c"):
    n = ds.sizes[axis]
    return [plt.get_cmap("viridis")(v) for v in np.linspace(0.0, 0.9, n)]


def _stars(ax, values, colors, x, ok=None, ms=6.5):
    """Steady values as stars right of the curves, at x[i % len(x)] (staggered columns, so that
    close values do not overlap); open stars where the (E7)-(E8) state is not a stable fixed
    point of the equations (``ok`` false)."""
    for i, (v, col) in enumerate(zip(values, colors, strict=True)):
        filled = ok is None or bool(ok[i])
        ax.plot(
            [x[i % len(x)]], [v], marker="*", ms=ms, ls="none", color=col,
            mfc=col if filled else "white", mew=0.9,
        )  # fmt: skip


def _star_handles(ok):
    """Legend proxies for the stars (the open one only if some state is unstable)."""
    h = [Line2D([], [], marker="*", ms=6.5, ls="none", color="0.3", label="(E7)-(E8) + LM")]
    if not np.all(ok):
        h.append(
            Line2D(
                [], [], marker="*", ms=6.5, ls="none", color="0.3", mfc="white", mew=0.9,
                label="(E7)-(E8) + LM, unstable",
            )
        )  # fmt: skip
    return h


TSTAB_LINEAR_MIN_C = 1.5  # ours: the smallest c whose T_stab Fig. 4(b) shows and the fit uses
# (the text: very inhomogeneous systems "do not follow this linear dependence"; measured
# T_stab (mu dg)^2 = 17-22 for c >= 1.5, 12.5 at c = 1.25, 2.8 at c = 1)
NOTES_SHELL = "notes: § bello2022 shell model"
X_TSTAB = r"(smallest non-zero $|g_{i1} - g_{i'1}|$)$^{-2}$"
X_TSTAB_NOTES = r"$\delta g^{-2}$, $\delta g$ = smallest non-zero $|g_{i1} - g_{i'1}|$"


def _c_legend(fig, handles, extra=()):
    fig.legend(
        handles=[*handles, *extra], title="$c$", loc="outside right upper", frameon=False,
        fontsize="small",
    )  # fmt: skip


def _delta_curves(ax, ds, cols, var="delta"):
    """The homogeneous curve (grey) and one curve per c; returns the legend handles."""
    n = ds["n"].values
    handles = ax.plot(n, ds[f"{var}_hom"].isel(c=0), color="0.6", lw=2.0, label="homogeneous")
    for i, col in enumerate(cols):
        sel = ds.isel(c=i)
        handles += ax.plot(n, sel[var], color=col, lw=1.0, label=f"{float(sel['c']):g}")
    ax.set_xscale("log")
    ax.set_xlabel("cycles $n$")
    return handles


def _fig4a(ax, ds, cols):
    handles = _delta_curves(ax, ds, cols)
    ax.axvline(1 / (2 * float(ds["kappa"].max())), color="k", ls="--", lw=0.7)
    ts = ds["t_stab"].values
    if np.any(np.isfinite(ts)):
        ax.axvline(np.nanmax(ts), color="k", ls="--", lw=0.7)
    ax.axhline(1.0, color="0.4", ls=":", lw=0.7)
    ax.set_ylabel(r"$\Delta$")
    return handles


@contract.renderer
def fig4(ds: xr.Dataset, *, tstab_min_c: float = TSTAB_LINEAR_MIN_C):
    """(a) Delta vs cycles per c (grey: homogeneous), dashed at 1/(2 kappa) and the largest
    T_stab; (b) T_stab vs (smallest non-zero coupling difference in QD1)^-2 for c >=
    ``tstab_min_c`` (the cases that follow the linear law; the others: notes view)."""
    fig, (ax1, ax2) = figure("double", 1, 2, height=3.2, layout="constrained")
    cols = _colors(ds)
    handles = _fig4a(ax1, ds, cols)
    ax1.set_xlim(0.7, ds["n"].values[-1] * 1.5)
    panel_label(ax1, "a")
    x, ts, c = ds["min_dg"].values ** -2.0, ds["t_stab"].values, ds["c"].values
    shown = np.flatnonzero(c >= tstab_min_c)
    for k, i in enumerate(shown):  # shrinking sizes: coinciding points stay visible
        ms = 11.0 - 7.0 * k / max(len(shown) - 1, 1)
        ax2.plot(x[i], ts[i], "o", color=cols[i], ms=ms, mec="white", mew=0.6)
    ax2.set_xlim(0, None)
    ax2.set_ylim(0, None)
    ax2.set_xlabel(X_TSTAB)
    ax2.set_ylabel(r"$T_{\rm stab}$ (cycles)")
    ax2.ticklabel_format(style="sci", scilimits=(0, 0))
    panel_label(ax2, "b")
    _c_legend(fig, handles)
    return fig


@contract.renderer
def fig4_notes(ds: xr.Dataset):
    """(a) Delta with the (E7)-(E8) + LM steady states (stars, open where unstable); (b) T_stab
    of every c vs (min dg)^-2, log-log, with the fit T = s/(mu min dg)^2 to c >= 1.5; (c)
    T_stab (mu min dg)^2 vs c."""
    fig = plt.figure(figsize=(7.0, 5.4), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    ax1 = fig.add_subplot(grid[0, :])
    ax2, ax3 = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    n, cols = ds["n"].values, _colors(ds)
    ok = ds["steady_ok"].values > 0
    handles = _fig4a(ax1, ds, cols)
    _stars(ax1, ds["delta_steady"].values, cols, [n[-1] * 3, n[-1] * 9], ok)
    ax1.set_xlim(0.7, n[-1] * 30)
    ax1.set_title(
        f"(a) $\\Delta$ with the steady states (E7)-(E8) + LM (stars; open: unstable)\n"
        f"{NOTES_SHELL} > Finding: (E7)-(E8) state unstable",
        fontsize=7,
    )
    x, ts, c = ds["min_dg"].values ** -2.0, ds["t_stab"].values, ds["c"].values
    mu = float(ds["mu_abs"].max())
    fit = (c >= TSTAB_LINEAR_MIN_C) & np.isfinite(ts) & np.isfinite(x)
    s = float(np.sum(x[fit] * ts[fit]) / np.sum(x[fit] ** 2)) * mu**2 if fit.any() else np.nan
    for i, col in enumerate(cols):
        mfc = col if fit[i] else "white"
        ax2.plot(x[i], ts[i], "o", color=col, mfc=mfc, ms=6, mew=1.0)
        ax3.plot(c[i], ts[i] * mu**2 / x[i], "o", color=col, mfc=mfc, ms=6, mew=1.0)
    if fit.any():
        xx = np.geomspace(x[np.isfinite(x)].min() / 1.5, x[np.isfinite(x)].max() * 1.5, 20)
        ax2.plot(xx, s * xx / mu**2, "k-", lw=0.8, zorder=1)
        ax3.axhline(s, color="k", lw=0.8, zorder=1)
    ax2.set_xscale("log")
    _c_axis(ax3, c)
    ax2.set_yscale("log")
    ax2.set_xlabel(X_TSTAB_NOTES)
    ax2.set_ylabel(r"$T_{\rm stab}$ (cycles)")
    ax2.set_title(
        f"(b) every c; line: fit $T_{{\\rm stab}} = s/(\\mu\\,\\delta g)^2$ to "
        f"$c \\geq {TSTAB_LINEAR_MIN_C:g}$\n{NOTES_SHELL} > Results vs the text",
        fontsize=7,
    )
    ax3.set_xlabel("$c$")
    ax3.set_ylabel(r"$T_{\rm stab}\,(\mu\,\delta g)^2$")
    ax3.set_title(
        f"(c) line: fitted $s = {s:.1f}$; open: not fitted\n{NOTES_SHELL} > Results vs the text",
        fontsize=7,
    )
    _c_legend(fig, handles, _star_handles(ok))
    return fig


@contract.renderer
def figE1(ds: xr.Dataset):
    """(a) lattices over the Gaussian; (b) centred vs shifted dynamics with steady values."""
    fig = plt.figure(figsize=(7.0, 3.4), layout="constrained")
    gs = fig.add_gridspec(2, 3, width_ratios=[1, 1, 2.2])
    axm = [fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[1, 0])]
    g = ds["gaussian"].squeeze()
    ext = [float(ds["rx"][0]), float(ds["rx"][-1]), float(ds["ry"][0]), float(ds["ry"][-1])]
    for j, ax in zip((1, 2), axm, strict=True):
        im = ax.imshow(g.values, extent=ext, origin="lower", cmap="viridis", vmin=0, vmax=1)
        ax.plot(ds[f"site_x_{j}"].squeeze(), ds[f"site_y_{j}"].squeeze(), "k.", ms=3)
        ax.plot([0], [0], "kx", ms=8, mew=1.6)  # the caption's black cross: the centre
        ax.set_title(f"QD{j}", fontsize="small")
        ax.set_aspect("equal")
        ax.set_xlabel("$x/a$", labelpad=1)
        ax.set_ylabel("$y/a$", labelpad=1)
    fig.colorbar(im, ax=axm, label=r"$e^{-|\mathbf{r}|^2/c}$", shrink=0.8, aspect=25)
    panel_label(axm[0], "a")
    axp = fig.add_subplot(gs[0, 1:])
    axd = fig.add_subplot(gs[1, 1:], sharex=axp)
    n = ds["n"].values
    N = float(ds["n_nuclei_1"].max() + ds["n_nuclei_2"].max())
    for i, ls in zip(range(ds.sizes["shifted"]), ("-", "--"), strict=False):
        sel = ds.isel(shifted=i)
        xs = [n[-1] * (2.5 if i == 0 else 7)]  # centred and shifted stars side by side
        tag = "shifted" if float(sel["shifted"]) else "centred"
        ok = [float(sel["steady_ok"]) > 0]
        for var, col, lab in (
            ("pol_1", "C0", r"$\langle J^z_1\rangle/N_1I$"),
            ("pol_2", "C1", r"$\langle J^z_2\rangle/N_2I$"),
        ):
            axp.plot(n, sel[var], color=col, ls=ls, label=f"{lab}, {tag}")
            _stars(axp, [float(sel[f"{var}_steady"])], [col], xs, ok)
        axd.plot(n, sel["delta_epr"], color="C2", ls=ls, label=rf"$\Delta_{{EPR}}$, {tag}")
        _stars(axd, [float(sel["delta_epr_steady"])], ["C2"], xs, ok)
        axd.plot(n, sel["var_J"] / N, color="C3", ls=ls, label=rf"var$/(N_1+N_2)$, {tag}")
        _stars(axd, [float(sel["var_J_steady"]) / N], ["C3"], xs, ok)
    axd.axhline(1.0, color="0.5", ls=":", lw=0.7)
    axp.set_xscale("log")
    axp.set_xlim(0.7, n[-1] * 20)
    axp.set_ylabel("polarization")
    axd.set_ylabel(r"$\Delta_{EPR}$, variance")
    axd.set_xlabel("cycles $n$")
    for ax in (axp, axd):
        ax.legend(frameon=False, fontsize=6.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    panel_label(axp, "b")
    return fig


def _c_axis(ax, c) -> None:
    """A log axis of the Gaussian width c labelled at 1, 2, 5 x 10^k (readable also for a grid
    that spans less than a decade)."""
    ax.set_xscale("log")
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100) if c.min() / 1.05 <= t <= c.max() * 1.05]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()


E2_QUANTITIES = (
    ("delta", r"$\Delta$"),
    ("delta_epr", r"$\Delta_{EPR}$"),
    ("pol_1", r"$\langle J^z_1\rangle/(N_1 I)$"),
    ("az2_1", r"$\langle A^{(z,2)}_1\rangle/I$"),
)


def _scaled(ds, var):
    """The stored value; <A^(z,2)_1> (spin-1/2, I^z = sigma^z/2) divided by I = 1/2."""
    return 2 * ds[var] if var.startswith("az2") else ds[var]


@contract.renderer
def figE2(ds: xr.Dataset):
    """(a) Delta, (b) Delta_EPR, (c) <J^z_1>/(N1 I), (d) <A^(z,2)_1>/I vs cycles for the
    systems of Fig. 4 (colour = c, grey = homogeneous)."""
    fig, axes = figure("double", 2, 2, height=4.6, sharex=True, layout="constrained")
    cols = _colors(ds)
    for ax, (var, label), tag in zip(axes.flat, E2_QUANTITIES, "abcd", strict=True):
        n = ds["n"].values
        handles = ax.plot(
            n, _scaled(ds, f"{var}_hom").isel(c=0), color="0.6", lw=2.0, label="homogeneous"
        )
        for i, col in enumerate(cols):
            sel = ds.isel(c=i)
            handles += ax.plot(
                n, _scaled(sel, var), color=col, lw=1.0, label=f"{float(sel['c']):g}"
            )
        if var.startswith("delta"):
            ax.axhline(1.0, color="0.4", ls=":", lw=0.7)
        ax.set_xscale("log")
        ax.set_ylabel(label)
        panel_label(ax, tag)
    for ax in axes[1]:
        ax.set_xlabel("cycles $n$")
    _c_legend(fig, handles)
    return fig


@contract.renderer
def figE2_notes(ds: xr.Dataset):
    """Steady-state values vs c: (a) Delta and Delta_EPR, (b) <J^z_1>/(N1 I) and
    <A^(z,2)_1>/I; stars: (E7)-(E8) + LM (open where unstable), dots: the curves at the last
    cycle."""
    fig, axes = figure("double", 1, 2, height=3.0, layout="constrained")
    c = ds["c"].values
    ok = ds["steady_ok"].values > 0
    pairs = ((E2_QUANTITIES[0], E2_QUANTITIES[1]), (E2_QUANTITIES[2], E2_QUANTITIES[3]))
    last = f"10^{{{np.log10(float(ds['n'][-1])):.0f}}}"
    for ax, pair in zip(axes, pairs, strict=True):
        for (var, label), col in zip(pair, ("C0", "C3"), strict=True):
            star = _scaled(ds, f"{var}_steady").values
            end = _scaled(ds, var).isel(n=-1).values
            ax.plot(c, end, "-o", color=col, lw=0.8, ms=3, label=f"{label}, curve at $n = {last}$")
            for ci, v, good in zip(c, star, ok, strict=True):
                ax.plot(ci, v, "*", color=col, ms=8, mfc=col if good else "white", mew=0.9)
            ax.plot([], [], "*", color=col, ms=8, ls="none", label=f"{label}, (E7)-(E8) + LM")
        _c_axis(ax, c)
        ax.set_xlabel("$c$")
        ax.legend(frameon=False, fontsize="small", loc="best")
    axes[0].axhline(1.0, color="0.4", ls=":", lw=0.7)
    axes[0].set_title(
        f"(a) entanglement witnesses at steady state\n{NOTES_SHELL} > Results vs the text",
        fontsize=7,
    )
    axes[1].set_title(
        f"(b) polarizations at steady state\n{NOTES_SHELL} > Results vs the text", fontsize=7
    )
    return fig
