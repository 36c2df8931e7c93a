"""Render functions of the shell-model figures of Bello et al. (2022): Figs. 4, E1, E2."""

from __future__ import annotations

import matplotlib
import numpy as np
import xarray as xr

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..style import figure, panel_label  # noqa: E402


def _colors(ds, axis="c"):
    n = ds.sizes[axis]
    return [plt.get_cmap("viridis")(v) for v in np.linspace(0.0, 0.9, n)]


def _right_star(ax, value, color, n_max):
    ax.plot([n_max * 2.0], [value], marker="*", ms=7, color=color, clip_on=False, ls="none")


def fig4(ds: xr.Dataset):
    """(a) Delta vs cycles per c/r_max (grey: homogeneous); (b) T_stab vs min(dg)^-2."""
    fig, (ax1, ax2) = figure("double", 1, 2, height=2.9, layout="constrained")
    n = ds["n"].values
    cols = _colors(ds)
    ax1.plot(n, ds["delta_hom"].isel(c=0), color="0.6", lw=2.0, label="homogeneous")
    for i, col in enumerate(cols):
        sel = ds.isel(c=i)
        ax1.plot(n, sel["delta"], color=col, lw=1.0, label=f"{float(sel['c']):g}")
        _right_star(ax1, float(sel["delta_steady"]), col, n[-1])
    kappa = float(ds["kappa"].max())
    ax1.axvline(1 / (2 * kappa), color="k", ls="--", lw=0.7)
    ts = ds["t_stab"].values
    if np.any(np.isfinite(ts)):
        ax1.axvline(np.nanmax(ts), color="k", ls="--", lw=0.7)
    ax1.axhline(1.0, color="0.4", ls=":", lw=0.7)
    ax1.set_xscale("log")
    ax1.set_xlim(1, n[-1] * 3)
    ax1.set_xlabel("cycles $n$")
    ax1.set_ylabel(r"$\Delta$")
    ax1.legend(title="$c/r_{\\max}$", frameon=False, fontsize="x-small", ncol=2, loc="center left")
    panel_label(ax1, "a")
    x = ds["min_dg"].values ** -2.0
    for i, col in enumerate(cols):
        ax2.plot(x[i], ts[i], "o", color=col)
    ok = np.isfinite(ts) & np.isfinite(x)
    if ok.sum() >= 2:
        a, b = np.polyfit(x[ok], ts[ok], 1)
        xx = np.linspace(0, x[ok].max() * 1.05, 50)
        mu = float(ds["mu_abs"].max())
        ax2.plot(xx, a * xx + b, "k-", lw=0.8, label=rf"slope $= {a * mu**2:.1f}/\mu^2$")
        ax2.legend(frameon=False, fontsize="small")
    ax2.set_xlabel(r"$[\min_{i \neq i'} |g_{i1} - g_{i'1}|]^{-2}$")
    ax2.set_ylabel(r"$T_{\rm stab}$ (cycles)")
    ax2.ticklabel_format(style="sci", scilimits=(0, 0))
    panel_label(ax2, "b")
    return fig


def figE1(ds: xr.Dataset):
    """(a) lattices over the Gaussian; (b) centred vs shifted dynamics with steady values."""
    fig = plt.figure(figsize=(7.0, 3.0), layout="constrained")
    gs = fig.add_gridspec(2, 3, width_ratios=[1, 1, 2.2])
    axm = [fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[1, 0])]
    g = ds["gaussian"].squeeze()
    ext = [float(ds["rx"][0]), float(ds["rx"][-1]), float(ds["ry"][0]), float(ds["ry"][-1])]
    for j, ax in zip((1, 2), axm, strict=True):
        ax.imshow(g.values, extent=ext, origin="lower", cmap="viridis")
        ax.plot(ds[f"site_x_{j}"].squeeze(), ds[f"site_y_{j}"].squeeze(), "k.", ms=3)
        ax.plot([0], [0], "kx", ms=6)
        ax.set_title(f"QD{j}", fontsize="small")
        ax.set_aspect("equal")
        ax.tick_params(labelsize="x-small")
    panel_label(axm[0], "a")
    axp = fig.add_subplot(gs[0, 1:])
    axd = fig.add_subplot(gs[1, 1:], sharex=axp)
    n = ds["n"].values
    N = float(ds["n_nuclei_1"].max() + ds["n_nuclei_2"].max())
    for i, ls in zip(range(ds.sizes["shifted"]), ("-", "--"), strict=False):
        sel = ds.isel(shifted=i)
        tag = "shifted" if float(sel["shifted"]) else "centred"
        for var, col, lab in (
            ("pol_1", "C0", r"$\langle J^z_1\rangle/N_1I$"),
            ("pol_2", "C1", r"$\langle J^z_2\rangle/N_2I$"),
        ):
            axp.plot(n, sel[var], color=col, ls=ls, label=f"{lab}, {tag}")
            _right_star(axp, float(sel[f"{var}_steady"]), col, n[-1])
        axd.plot(n, sel["delta_epr"], color="C2", ls=ls, label=rf"$\Delta_{{EPR}}$, {tag}")
        _right_star(axd, float(sel["delta_epr_steady"]), "C2", n[-1])
        axd.plot(n, sel["var_J"] / N, color="C3", ls=ls, label=rf"var$/(N_1+N_2)$, {tag}")
        _right_star(axd, float(sel["var_J_steady"]) / N, "C3", n[-1])
    axd.axhline(1.0, color="0.5", ls=":", lw=0.7)
    axp.set_xscale("log")
    axp.set_xlim(1, n[-1] * 3)
    axp.set_ylabel("polarization")
    axd.set_ylabel(r"$\Delta_{EPR}$, variance")
    axd.set_xlabel("cycles $n$")
    axp.legend(frameon=False, fontsize="xx-small", ncol=2)
    axd.legend(frameon=False, fontsize="xx-small", ncol=2)
    panel_label(axp, "b")
    return fig


def figE2(ds: xr.Dataset):
    """(a) Delta and Delta_EPR vs cycles; (b) <J^z_1>/(N1 I) and <A^(z,2)_1>/I."""
    fig, (ax1, ax2) = figure("double", 1, 2, height=2.9, layout="constrained")
    n = ds["n"].values
    cols = _colors(ds)
    hom = ds.isel(c=0)
    ax1.plot(n, hom["delta_hom"], color="0.6", lw=2.0)
    ax1.plot(n, hom["delta_epr_hom"], color="0.6", lw=2.0, ls="--")
    ax2.plot(n, hom["pol_1_hom"], color="0.6", lw=2.0)
    ax2.plot(n, 2 * hom["az2_1_hom"], color="0.6", lw=2.0, ls="--")
    for i, col in enumerate(cols):
        sel = ds.isel(c=i)
        ax1.plot(n, sel["delta"], color=col, lw=1.0, label=f"{float(sel['c']):g}")
        ax1.plot(n, sel["delta_epr"], color=col, lw=1.0, ls="--")
        _right_star(ax1, float(sel["delta_steady"]), col, n[-1])
        _right_star(ax1, float(sel["delta_epr_steady"]), col, n[-1] * 3)
        ax2.plot(n, sel["pol_1"], color=col, lw=1.0)
        ax2.plot(n, 2 * sel["az2_1"], color=col, lw=1.0, ls="--")
        _right_star(ax2, float(sel["pol_1_steady"]), col, n[-1])
        _right_star(ax2, 2 * float(sel["az2_1_steady"]), col, n[-1] * 3)
    ax1.axhline(1.0, color="0.4", ls=":", lw=0.7)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlim(1, n[-1] * 5)
        ax.set_xlabel("cycles $n$")
    ax1.set_ylabel(r"$\Delta$ (solid), $\Delta_{EPR}$ (dashed)")
    ax2.set_ylabel(r"$\langle J^z_1\rangle/N_1I$ (solid), $\langle A^{(z,2)}_1\rangle/I$ (dashed)")
    ax1.legend(title="$c/r_{\\max}$", frameon=False, fontsize="x-small", ncol=2)
    panel_label(ax1, "a")
    panel_label(ax2, "b")
    return fig
