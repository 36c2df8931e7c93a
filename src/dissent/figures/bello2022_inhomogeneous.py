"""Render functions of the inhomogeneous figures of Bello et al. (2022)."""

from __future__ import annotations

import matplotlib
import numpy as np
import xarray as xr

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator  # noqa: E402

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


# the paper's scheme numbers and names (Sec. D.1: schemes 1-5; Sec. D.2: variance schemes 2-6)
SCHEME_LABELS = ("1 Spin-temperature", "2 Boson", "3 Hartree", "4 Wick", "5 Spin")
D3_LABELS = ("2 Boson", "3 Hartree", "4 Half-Hartree", "5 Majority", "6 Z-rules")
MARKERS = ("o", "s", "^", "v", "D")
NOTES_D12 = "notes: § bello2022 inhomogeneous > Figs. D1, D2"
NOTES_D3 = "notes: § bello2022 inhomogeneous > Figs. D3, D4 > Findings"


def _marks(n: np.ndarray, n_marks: int, offset: float, log: bool) -> list[int]:
    """Indices of about ``n_marks`` points evenly spaced in n (in log n if ``log``), shifted by
    ``offset`` of a spacing: placed by the cycle grid alone, so the markers never move with the
    data's last bits (a spacing measured along the drawn line would)."""
    x = np.log10(np.maximum(n, 1.0)) if log else np.asarray(n, float)
    spacing = (x[-1] - x[0]) / n_marks
    targets = x[0] + spacing * (np.arange(n_marks) + offset)
    return sorted(set(np.clip(np.searchsorted(x, targets), 0, len(n) - 1).tolist()))


def _scheme_curves(ax, ds, var, labels=SCHEME_LABELS, n_marks=12, open_marks=False, log=True):
    """One thin line per scheme with about ``n_marks`` markers evenly spaced in n (log n for a
    log axis), staggered between schemes so that coinciding curves keep every scheme's markers
    visible; open markers if asked."""
    n = ds["n"].values
    for i in range(ds.sizes["scheme"]):
        ax.plot(
            n, ds[var].isel(scheme=i), marker=MARKERS[i], ms=3.5 if open_marks else 3,
            markevery=_marks(n, n_marks, i / ds.sizes["scheme"], log), lw=0.9,
            mfc="none" if open_marks else None, mew=0.9,
            label=labels[int(ds["scheme"][i])],
        )  # fmt: skip


@contract.renderer
def figD1(ds: xr.Dataset):
    """Polarization of ensemble 1 vs cycles for the schemes 1-5 (left), zoom (right)."""
    fig, (a, b) = _fig("double", 1, 2, height=2.8, layout="constrained")
    _scheme_curves(a, ds, "polarization_1")
    a.set_xscale("log")
    zoom = ds.where(ds["n"] <= 5000, drop=True)
    _scheme_curves(b, zoom, "polarization_1", n_marks=8, log=False)
    for ax in (a, b):
        ax.set_xlabel("cycles $n$")
        ax.set_ylabel(r"$\langle J^z_1\rangle/(N_1 I)$")
    a.legend(frameon=False, fontsize="small", loc="lower left")
    return fig


@contract.renderer
def figD2(ds: xr.Dataset):
    """Polarizations of both ensembles: schemes 1-5 (open markers, with zz EoMs) and the
    2nd-order ME (dashed, drawn over the markers)."""
    fig, axes = _fig("double", 1, 2, height=2.8, layout="constrained")
    for j, ax in zip((1, 2), axes, strict=True):
        _scheme_curves(ax, ds, f"polarization_{j}", open_marks=True)
        me = ds[f"me_polarization_{j}"].squeeze()
        ax.plot(ds["n"], me, "k--", lw=1.0, label="2nd-order ME", zorder=3)
        ax.set_xscale("log")
        ax.set_xlabel("cycles $n$")
        ax.set_ylabel(rf"$\langle J^z_{j}\rangle/(N_{j} I)$")
    axes[0].legend(frameon=False, fontsize="small", loc="lower left")
    return fig


D2_DEV_MIN = 1e-10  # the notes view's lowest deviation drawn (the axis bottom)


@contract.renderer
def figD2_notes(ds: xr.Dataset):
    """|scheme - ME| of both polarizations vs cycles (log): which scheme is closest."""
    fig, axes = _fig("double", 1, 2, height=3.2, layout="constrained", sharey=True)
    for j, ax in zip((1, 2), axes, strict=True):
        me = ds[f"me_polarization_{j}"].squeeze()
        dev = np.abs(ds[f"polarization_{j}"] - me)
        # below the axis, round-off (0 under one BLAS kernel, 1e-17 under another): not drawn
        _scheme_curves(ax, ds.assign(dev=dev.where(dev > D2_DEV_MIN)), "dev", open_marks=True)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(D2_DEV_MIN, 2.0)
        ax.set_xlabel("cycles $n$")
        ax.set_title(f"QD{j}: deviation from the 2nd-order ME\n{NOTES_D12}", fontsize="small")
    axes[0].set_ylabel(
        r"$|\langle J^z_j\rangle_{\rm scheme} - \langle J^z_j\rangle_{\rm ME}|/(N_j I)$"
    )
    handles = axes[0].get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, frameon=False, fontsize="small")
    return fig


def _settles(v: np.ndarray, n: np.ndarray, scale: float, rtol: float = 0.01) -> bool:
    """Finite throughout and changed by less than ``rtol`` ``scale`` over the last decade."""
    if not np.all(np.isfinite(v)):
        return False
    return abs(v[-1] - v[np.searchsorted(n, n[-1] / 10.0)]) < rtol * scale


def _d3_panels(ds, fig, axes):
    for i, ax in enumerate(axes):
        sel = ds.isel(n_nuclei=i)
        for j in range(ds.sizes["scheme"]):
            ax.plot(
                ds["n"], sel["variance"].isel(scheme=j), marker=MARKERS[j], ms=3, markevery=6,
                lw=0.9, label=D3_LABELS[int(ds["scheme"][j])],
            )  # fmt: skip
        ax.plot(ds["n"], sel["me_variance"], "k--", lw=1.2, label="2nd-order ME")
        ax.set_xscale("log")
        ax.set_xlabel("cycles $n$")
        ax.set_ylabel(r"var$(J^x_1 + J^x_2)$")
        ax.set_title(f"$N_1 = N_2 = {int(sel['n_nuclei'])}$", fontsize="medium")


@contract.renderer
def figD3(ds: xr.Dataset):
    """var(J^x_1 + J^x_2) vs cycles, N = 5 (left) and N = 50 (right): schemes 2-6 (markers) and
    the 2nd-order ME (dashed). The y range is that of the ME and of the schemes that settle
    (``_settles``); schemes that run away leave it (their whole course: the notes view)."""
    fig, axes = _fig("double", 1, ds.sizes["n_nuclei"], height=3.1, layout="constrained")
    _d3_panels(ds, fig, axes)
    n = ds["n"].values
    for i, ax in enumerate(axes):
        sel = ds.isel(n_nuclei=i)
        scale = float(sel["n_nuclei"])  # (N1 + N2)/4 x 2: the initial variance is N/2
        kept = [sel["me_variance"].values] + [
            v for v in sel["variance"].values if _settles(v, n, scale)
        ]
        lo, hi = min(0.0, *(np.min(v) for v in kept)), max(np.max(v) for v in kept)
        pad = 0.05 * (hi - lo)
        ax.set_ylim(lo - pad, hi + pad)
        ax.axhline(0.0, color="0.6", lw=0.6)
    handles = axes[0].get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncol=6, frameon=False, fontsize="small")
    return fig


def _symlog(ax, values, linthresh):
    """Symmetric-log y axis, linear within +-``linthresh``; ticks: a few linear ones inside,
    the powers of ten beyond it up to the data (plain numbers)."""
    ax.set_yscale("symlog", linthresh=linthresh, linscale=1.0)
    v = values[np.isfinite(values)]
    lo, hi = min(v.min(), 0.0), max(v.max(), 0.0)
    inner = MaxNLocator(5, steps=[1, 2, 5, 10]).tick_values(max(lo, -linthresh), min(hi, linthresh))
    ticks = [t for t in inner if lo <= t <= hi and abs(t) <= linthresh]
    for k in range(int(np.ceil(np.log10(linthresh * 1.01))), 13):
        ticks += [t for t in (-(10.0**k), 10.0**k) if lo <= t <= hi]
    ax.set_yticks(sorted(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}".replace("-", "\u2212")))
    ax.yaxis.set_minor_locator(NullLocator())


@contract.renderer
def figD3_notes(ds: xr.Dataset):
    """The same curves on a symmetric-log y axis (linear within the initial variance N/2):
    the whole runaway of Half-Hartree and Majority; a cross where a closure overflows (NaN
    afterwards)."""
    fig, axes = _fig("double", 1, ds.sizes["n_nuclei"], height=3.3, layout="constrained")
    _d3_panels(ds, fig, axes)
    for i, ax in enumerate(axes):
        sel = ds.isel(n_nuclei=i)
        N = int(sel["n_nuclei"])
        for j, line in enumerate(ax.get_lines()[: ds.sizes["scheme"]]):
            v = sel["variance"].isel(scheme=j).values
            bad = np.flatnonzero(~np.isfinite(v))
            if len(bad):
                k = bad[0] - 1
                ax.plot([ds["n"][k]], [v[k]], "x", color=line.get_color(), ms=7, mew=1.5)
        _symlog(ax, sel["variance"].values, N / 2.0)
        ax.axhline(0.0, color="0.6", lw=0.6)
        ax.set_title(
            f"$N_1 = N_2 = {N}$: whole range, runaway of schemes 4, 5\n{NOTES_D3}",
            fontsize="small",
        )
    handles = axes[0].get_legend_handles_labels()[0] + [
        Line2D([], [], marker="x", ms=7, mew=1.5, ls="none", color="0.3",
               label="diverges (NaN afterwards)")
    ]  # fmt: skip
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
