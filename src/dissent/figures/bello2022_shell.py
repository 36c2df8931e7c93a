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


@contract.renderer
def fig4(ds: xr.Dataset):
    """(a) Delta vs cycles per c/r_max (grey: homogeneous); (b) T_stab vs min(dg)^-2."""
    fig, (ax1, ax2) = figure("double", 1, 2, height=3.2, layout="constrained")
    n = ds["n"].values
    cols = _colors(ds)
    ok = ds["steady_ok"].values > 0
    handles = ax1.plot(n, ds["delta_hom"].isel(c=0), color="0.6", lw=2.0, label="homogeneous")
    for i, col in enumerate(cols):
        sel = ds.isel(c=i)
        handles += ax1.plot(n, sel["delta"], color=col, lw=1.0, label=f"{float(sel['c']):g}")
    kappa = float(ds["kappa"].max())
    ax1.axvline(1 / (2 * kappa), color="k", ls="--", lw=0.7)
    ts = ds["t_stab"].values
    if np.any(np.isfinite(ts)):
        ax1.axvline(np.nanmax(ts), color="k", ls="--", lw=0.7)
    ax1.axhline(1.0, color="0.4", ls=":", lw=0.7)
    ax1.set_xscale("log")
    ax1.set_xlim(0.7, n[-1] * 20)
    ax1.set_xlabel("cycles $n$")
    ax1.set_ylabel(r"$\Delta$")
    panel_label(ax1, "a")
    x = ds["min_dg"].values ** -2.0
    for i, col in enumerate(cols):  # shrinking sizes: coinciding points stay visible
        ax2.plot(x[i], ts[i], "o", color=col, ms=11 - 0.9 * i, mec="white", mew=0.6)
    fit_ok = np.isfinite(ts) & np.isfinite(x)
    if fit_ok.sum() >= 2:
        a, b = np.polyfit(x[fit_ok], ts[fit_ok], 1)
        xx = np.linspace(0, x[fit_ok].max() * 1.05, 50)
        mu = float(ds["mu_abs"].max())
        ax2.plot(xx, a * xx + b, "k-", lw=0.8, label=rf"slope $= {a * mu**2:.1f}/\mu^2$")
        ax2.legend(frameon=False, fontsize="small", loc="upper left")
    ax2.set_xlabel(r"$[\min_{i \neq i'} |g_{i1} - g_{i'1}|]^{-2}$")
    ax2.set_ylabel(r"$T_{\rm stab}$ (cycles)")
    ax2.ticklabel_format(style="sci", scilimits=(0, 0))
    panel_label(ax2, "b")
    _stars(ax1, ds["delta_steady"].values, cols, [n[-1] * 2.5, n[-1] * 7], ok)
    fig.legend(
        handles=handles + _star_handles(ok), title="$c/r_{\\max}$", loc="outside right upper",
        frameon=False, fontsize="small",
    )  # fmt: skip
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
        ax.plot([0], [0], "wx", ms=6)
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


@contract.renderer
def figE2(ds: xr.Dataset):
    """(a) Delta and Delta_EPR vs cycles; (b) <J^z_1>/(N1 I) and <A^(z,2)_1>/I."""
    fig, (ax1, ax2) = figure("double", 1, 2, height=3.2, layout="constrained")
    n = ds["n"].values
    cols = _colors(ds)
    ok = ds["steady_ok"].values > 0
    hom = ds.isel(c=0)
    handles = ax1.plot(n, hom["delta_hom"], color="0.6", lw=2.0, label="homogeneous")
    ax1.plot(n, hom["delta_epr_hom"], color="0.6", lw=2.0, ls="--")
    ax2.plot(n, hom["pol_1_hom"], color="0.6", lw=2.0)
    ax2.plot(n, 2 * hom["az2_1_hom"], color="0.6", lw=2.0, ls="--")
    for i, col in enumerate(cols):
        sel = ds.isel(c=i)
        handles += ax1.plot(n, sel["delta"], color=col, lw=1.0, label=f"{float(sel['c']):g}")
        ax1.plot(n, sel["delta_epr"], color=col, lw=1.0, ls="--")
        ax2.plot(n, sel["pol_1"], color=col, lw=1.0)
        ax2.plot(n, 2 * sel["az2_1"], color=col, lw=1.0, ls="--")
    # solid-curve values in the first pair of columns, dashed-curve values in the second
    first, second = [n[-1] * 2.5, n[-1] * 6], [n[-1] * 20, n[-1] * 48]
    _stars(ax1, ds["delta_steady"].values, cols, first, ok, ms=5.5)
    _stars(ax1, ds["delta_epr_steady"].values, cols, second, ok, ms=5.5)
    _stars(ax2, ds["pol_1_steady"].values, cols, first, ok, ms=5.5)
    _stars(ax2, 2 * ds["az2_1_steady"].values, cols, second, ok, ms=5.5)
    ax1.axhline(1.0, color="0.4", ls=":", lw=0.7)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlim(0.7, n[-1] * 150)
        ax.set_xlabel("cycles $n$")
    ax1.set_ylabel(r"$\Delta$ (solid), $\Delta_{EPR}$ (dashed)")
    ax2.set_ylabel(r"$\langle J^z_1\rangle/N_1I$ (solid), $\langle A^{(z,2)}_1\rangle/I$ (dashed)")
    fig.legend(
        handles=handles + _star_handles(ok), title="$c/r_{\\max}$", loc="outside right upper",
        frameon=False, fontsize="small",
    )  # fmt: skip
    panel_label(ax1, "a")
    panel_label(ax2, "b")
    return fig
