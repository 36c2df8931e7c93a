"""Render functions of the inhomogeneous figures of Bello et al. (2022)."""

from __future__ import annotations

import matplotlib
import numpy as np
import xarray as xr

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .. import contract

try:  # the project style, when present
    from ..style import figure as _figure
except ImportError:  # pragma: no cover
    _figure = None


def _fig(width="single", nrows=1, ncols=1, **kw):
    if _figure is not None:
        return _figure(width, nrows, ncols, **kw)
    return plt.subplots(nrows, ncols, layout="constrained", **kw)


@contract.renderer
def fig3(ds: xr.Dataset):
    """Delta (top) and lambda_min(rho^T2) (bottom) vs cycles, homogeneous vs inhomogeneous."""
    fig, (ax1, ax2) = _fig("single", 2, 1, sharex=True, height=4.2, layout="constrained")
    for i, color in zip(range(ds.sizes["inhomogeneous"]), ("C0", "C1"), strict=False):
        sel = ds.isel(inhomogeneous=i)
        label = "inhom." if int(sel["inhomogeneous"]) else "hom."
        ax1.plot(ds["n"], sel["delta"], color=color, label=label)
        ax2.plot(ds["n"], sel["lambda_min"], color=color, label=label)
    ax1.axhline(1.0, color="0.5", lw=0.8, ls="--")
    ax2.axhline(0.0, color="0.5", lw=0.8, ls="--")
    ax1.set_xscale("log")
    ax1.set_ylabel(r"$\Delta$")
    ax2.set_ylabel(r"$\lambda_{\min}(\rho^{T_2})$")
    ax2.set_xlabel("cycles $n$")
    ax1.legend(frameon=False)
    return fig


SCHEME_LABELS = ("Spin temp.", "Boson", "Hartree", "Wick", "Spin")
MARKERS = ("o", "s", "^", "v", "D")


def _scheme_curves(ax, ds, var, markevery=8):
    for i in range(ds.sizes["scheme"]):
        sel = ds[var].isel(scheme=i)
        ax.plot(
            ds["n"],
            sel,
            marker=MARKERS[i],
            ms=3,
            markevery=markevery,
            lw=0.9,
            label=SCHEME_LABELS[int(ds["scheme"][i])],
        )


@contract.renderer
def figD1(ds: xr.Dataset):
    """Polarization of ensemble 1 vs cycles for the schemes 1-5 (left), zoom (right)."""
    fig, (a, b) = _fig("double", 1, 2, height=2.8, layout="constrained")
    _scheme_curves(a, ds, "polarization_1")
    a.set_xscale("log")
    zoom = ds.where(ds["n"] <= 5000, drop=True)
    _scheme_curves(b, zoom, "polarization_1", markevery=4)
    for ax in (a, b):
        ax.set_xlabel("cycles $n$")
        ax.set_ylabel(r"$\langle J^z_1\rangle/(N_1 I)$")
    a.legend(frameon=False, fontsize="small")
    return fig


@contract.renderer
def figD2(ds: xr.Dataset):
    """Polarizations of both ensembles: schemes 1-5 (with zz EoMs) and the 2nd-order ME (dashed)."""
    fig, axes = _fig("double", 1, 2, height=2.8, layout="constrained")
    for j, ax in zip((1, 2), axes, strict=True):
        _scheme_curves(ax, ds, f"polarization_{j}")
        me = ds[f"me_polarization_{j}"].squeeze()
        ax.plot(ds["n"], me, "k--", lw=1.2, label="2nd-order ME")
        ax.set_xscale("log")
        ax.set_xlabel("cycles $n$")
        ax.set_ylabel(rf"$\langle J^z_{j}\rangle/(N_{j} I)$")
    axes[0].legend(frameon=False, fontsize="small")
    return fig


D3_LABELS = ("2 Boson", "3 Hartree", "4 Half-Hartree", "5 Majority", "6 Z-rules")


@contract.renderer
def figD3(ds: xr.Dataset):
    """var(J^x_1 + J^x_2) vs cycles, N = 5 (left) and N = 50 (right): schemes 2-6 (markers) and
    the 2nd-order ME (dashed). A scheme that diverges gets a cross at its last finite value, one
    that leaves the y range an arrow where it does."""
    from matplotlib.lines import Line2D

    fig, axes = _fig("double", 1, ds.sizes["n_nuclei"], height=3.1, layout="constrained")
    marks = set()
    for i, ax in enumerate(axes):
        sel = ds.isel(n_nuclei=i)
        N = int(sel["n_nuclei"])
        lo, hi = -0.35 * N, 0.55 * N
        for j in range(ds.sizes["scheme"]):
            v = sel["variance"].isel(scheme=j).values
            (line,) = ax.plot(
                ds["n"], v, marker=MARKERS[j], ms=3, markevery=6, lw=0.9,
                label=D3_LABELS[int(ds["scheme"][j])],
            )  # fmt: skip
            out = np.flatnonzero(~np.isfinite(v) | (v < lo) | (v > hi))
            if len(out) == 0:
                continue
            k = out[0]
            if not np.isfinite(v[k]):  # NaN from here on: cross at the last finite value
                ax.plot([ds["n"][k - 1]], [v[k - 1]], "x", color=line.get_color(), ms=7, mew=1.5)
                marks.add("nan")
            else:  # leaves the plotted range: arrow at the exit
                x_exit = float(ds["n"][k])
                ax.annotate(
                    "", xy=(x_exit, lo), xytext=(x_exit, lo + 0.12 * (hi - lo)),
                    arrowprops={"arrowstyle": "-|>", "color": line.get_color(), "lw": 1.0},
                )  # fmt: skip
                marks.add("off")
        ax.plot(ds["n"], sel["me_variance"], "k--", lw=1.2, label="2nd-order ME")
        ax.axhline(0.0, color="0.6", lw=0.6)
        ax.set_xscale("log")
        ax.set_ylim(lo, hi)
        ax.set_xlabel("cycles $n$")
        ax.set_ylabel(r"var$(J^x_1 + J^x_2)$")
        ax.set_title(f"$N_1 = N_2 = {N}$", fontsize="medium")
    handles = axes[0].get_legend_handles_labels()[0]
    if "nan" in marks:
        handles.append(
            Line2D([], [], marker="x", ms=7, mew=1.5, ls="none", color="0.3",
                   label="diverges (NaN afterwards)")
        )  # fmt: skip
    if "off" in marks:
        handles.append(
            Line2D([], [], marker=r"$\downarrow$", ms=8, ls="none", color="0.3",
                   label="leaves the plotted range")
        )  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False, fontsize="small")
    return fig


D4_STATES = ("ud", "du", "uu")  # eom.FIG_D4_STATES (index = grid value "initial")
D4_TITLES = {
    "ud": r"$|\uparrow\cdots\rangle|\downarrow\cdots\rangle$ ($\Psi_{FP}$)",
    "du": r"$|\downarrow\cdots\rangle|\uparrow\cdots\rangle$",
    "uu": r"$|\uparrow\cdots\rangle|\uparrow\cdots\rangle$",
}


@contract.renderer
def figD4(ds: xr.Dataset):
    """Columns: initial states. Top: polarizations of QD1 (blue) and QD2 (orange); bottom:
    var(J^x_1 + J^x_2). Solid: 2nd-order ME; dashed: Z-rules EoMs."""
    ncol = ds.sizes["initial"]
    fig, axes = _fig("double", 2, ncol, height=4.2, sharex=True, layout="constrained")
    for c in range(ncol):
        sel = ds.isel(initial=c)
        top, bot = axes[0, c], axes[1, c]
        for j, color in ((1, "C0"), (2, "C1")):
            top.plot(ds["n"], sel[f"me_polarization_{j}"], color=color, lw=1.2, label=f"QD{j} ME")
            top.plot(
                ds["n"],
                sel[f"eom_polarization_{j}"],
                color=color,
                ls="--",
                lw=1.2,
                label=f"QD{j} EoM",
            )
        bot.plot(ds["n"], sel["me_variance"], color="C2", lw=1.2, label="ME")
        bot.plot(ds["n"], sel["eom_variance"], color="C2", ls="--", lw=1.2, label="EoM (Z-rules)")
        top.axhline(0.0, color="0.6", lw=0.6)
        top.set_ylim(-1.05, 1.05)
        bot.set_ylim(0.0, None)
        top.set_xscale("log")
        bot.set_xlabel("cycles $n$")
        state = D4_STATES[int(sel["initial"])] if int(sel["initial"]) < 3 else str(c)
        top.set_title(D4_TITLES.get(state, state), fontsize="medium")
    axes[0, 0].set_ylabel(r"$\langle J^z_j\rangle/(N_j I)$")
    axes[1, 0].set_ylabel(r"var$(J^x_1 + J^x_2)$")
    axes[0, 0].legend(frameon=False, fontsize="small")
    axes[1, 0].legend(frameon=False, fontsize="small")
    fig.get_layout_engine().set(w_pad=0.08, h_pad=0.06)  # y labels clear of the left edge
    return fig
