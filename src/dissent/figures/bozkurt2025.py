"""Figures of Bozkurt, Lopez & Ryu (2025), coherent collisions. Each reads only its dataset.

Figs. 3, 5 and 6 take ``measure`` (config ``render_options``): "concurrence" (default, Wootters C)
or "tangle" (C^2, the convention of the paper's printed numbers, Eqs. (23), (B6) and C = 0.9972).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import contract
from ..style import figure, panel_label

J_TEX = [
    r"$\uparrow\uparrow$",
    r"$\uparrow\downarrow$",
    r"$\downarrow\uparrow$",
    r"$\downarrow\downarrow$",
]
# measure -> (variable prefix replacing "concurrence", symbol, axis label)
MEASURES = {
    "concurrence": ("concurrence", "C", "concurrence $C$"),
    "tangle": ("tangle", "C^2", r"$C^2$ (paper's convention)"),
}


Measure = contract.OneOf(*MEASURES)  # render_options: measure


def _var(name: str, measure: str) -> str:
    """The dataset variable of ``measure`` for a concurrence variable name."""
    return name.replace("concurrence", MEASURES[measure][0])


def _sym(measure: str) -> str:
    return MEASURES[measure][1]


def _light(name: str):
    """The lower 60 % of a sequential colour map, so that black text stays readable on it."""
    import matplotlib
    from matplotlib.colors import ListedColormap

    return ListedColormap(matplotlib.colormaps[name](np.linspace(0.0, 0.6, 256)))


def _complex(z: complex) -> str:
    """Short text of a complex amplitude: 0.69, -0.35i or 0.69-0.57i (2 decimals)."""
    re, im = round(z.real, 2), round(z.imag, 2)
    if im == 0:
        text = f"{re:.2f}"
    elif re == 0:
        text = f"{im:.2f}i"
    else:
        text = f"{re:.2f}{im:+.2f}i"
    return text.replace("-", "\N{MINUS SIGN}")


@contract.renderer
def fig2(ds: xr.Dataset):
    fig, axes = figure("double", 1, 2, height=3.8, layout="constrained")
    amp = ds["S_real"] + 1j * ds["S_imag"]
    amp = amp.isel({d: 0 for d in ("T1", "T2") if d in amp.dims})
    t1 = float(np.atleast_1d(ds["T1"].values)[0])
    t2 = float(np.atleast_1d(ds["T2"].values)[0])
    for ax, sigma, lab, name in zip(
        axes, ["down", "up"], "ab", [r"\downarrow", r"\uparrow"], strict=True
    ):
        a = amp.sel(sigma_out=sigma).transpose("j_out", "j_in").values
        sym = ds["S_symbol"].sel(sigma_out=sigma).transpose("j_out", "j_in").values
        ax.imshow(np.abs(a), vmin=0, vmax=1, cmap=_light("Greys" if sigma == "down" else "Blues"))
        for i in range(4):
            for j in range(4):
                z = a[i, j]
                if not sym[i, j]:
                    continue
                tex = str(sym[i, j]).replace(
                    r"e^{i\varphi_{1}}e^{i\varphi_{2}}", r"e^{i(\varphi_{1}+\varphi_{2})}"
                )
                ax.text(j, i - 0.17, f"${tex}$", ha="center", va="center", fontsize=9)
                ax.text(j, i + 0.22, _complex(z), ha="center", va="center", fontsize=6.5)
        ax.set_xticks(range(4), J_TEX)
        ax.set_yticks(range(4), J_TEX)
        ax.tick_params(top=False, right=False)
        ax.set_xlabel(r"initial qubits $j$")
        ax.set_ylabel(r"final qubits $j'$")
        ax.set_title(rf"$\langle {name}\, j'|S|\downarrow j\rangle$")
        panel_label(ax, lab)
    fig.suptitle(
        r"symbols: Eq. (1), $t_n=\sqrt{T_n}$, $r_n=-i\sqrt{1-T_n}$, $e^{i\varphi_n}=t_n+r_n$;"
        f"  numbers: $T_1={t1:g}$, $T_2={t2:g}$ (ferromagnetic); shade: modulus",
        fontsize="medium",
    )
    return fig


@contract.renderer
def fig3(ds: xr.Dataset, *, measure: Measure = "concurrence"):
    fig, axes = figure("double", 1, 2, height=3.1, layout="constrained")
    T = ds["T"].values
    phi = ds["phi"].values
    c = _sym(measure)
    ax = axes[0]
    m = ax.pcolormesh(
        T,
        phi,
        ds[_var("concurrence", measure)].transpose("phi", "T").values,
        vmin=0,
        vmax=1,
        cmap="viridis",
        shading="nearest",
        rasterized=True,
    )
    fig.colorbar(m, ax=ax, label=MEASURES[measure][2])
    ax.plot(T, ds["varphi"].values, "--", color="tab:blue", lw=1.2, label=r"$\phi=\varphi(T)$")
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"$\phi$ (rad)")
    ax.set_ylim(phi.min(), phi.max())
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.1)
    panel_label(ax, "a")
    # inset on an opaque white card that also holds its tick labels
    # (above phi = 0, where C is small and the optimal line does not pass)
    x0, y0, w, h = 0.58, 0.645, 0.39, 0.33
    card = ax.inset_axes([x0 - 0.16, y0 - 0.125, w + 0.18, h + 0.145])
    card.set_facecolor("white")
    card.set_xticks([])
    card.set_yticks([])
    card.patch.set_alpha(0.95)
    ins = ax.inset_axes([x0, y0, w, h])
    if measure == "tangle":
        ins.plot(T, ds["tangle_optimal"].values, color="k", lw=1.2, label="numerics")
        ins.plot(
            T, ds["concurrence_eq23"].values, ":", color="tab:orange", lw=1.4, label="Eq. (23)"
        )
    else:
        ins.plot(T, ds["concurrence_optimal"].values, color="k", lw=1.2, label="numerics")
        ins.plot(
            T, ds["concurrence_eq22"].values, ":", color="tab:orange", lw=1.4, label="Eq. (22)"
        )
        ins.plot(T, ds["concurrence_eq23"].values, "--", color="tab:red", lw=1.0)
        ins.text(0.42, 0.5, "Eq. (23)\n$=C^2$", color="tab:red", fontsize=6.5, ha="left")
    ins.set_xlim(0, 1)
    ins.set_ylim(0, 1.05)
    ins.set_xticks([0, 0.5, 1], ["", "0.5", "1"])  # "0" would collide with the y axis' 0
    ins.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
    ins.tick_params(labelsize=6.5, pad=1.5)
    ins.set_xlabel("$T$", fontsize=7, labelpad=1)
    ins.set_ylabel(rf"${c}$ at $\phi=\varphi$", fontsize=7, labelpad=1)
    ins.legend(
        fontsize=6.5,
        loc="lower right",
        handlelength=1.1,
        handletextpad=0.4,
        labelspacing=0.2,
        borderaxespad=0.1,
    )
    ax = axes[1]
    m = ax.pcolormesh(
        T,
        phi,
        ds["spin_current"].transpose("phi", "T").values,
        cmap="magma",
        shading="nearest",
        rasterized=True,
    )
    fig.colorbar(m, ax=ax, label=r"$\Delta I_S$ ($\hbar f_{\rm col}$)")
    ax.plot(T, ds["varphi"].values, "--", color="tab:blue", lw=1.2)
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"$\phi$ (rad)")
    ax.set_ylim(phi.min(), phi.max())
    panel_label(ax, "b")
    return fig


def _colors(n):
    import matplotlib

    return matplotlib.colormaps["plasma"](np.linspace(0.0, 0.85, n))


@contract.renderer
def fig5(ds: xr.Dataset, *, measure: Measure = "concurrence"):
    fig, axes = figure("double", 2, 2, height=5.2, layout="constrained")
    axes = axes.ravel()
    Ts = ds["T"].values
    cols = _colors(Ts.size)
    c = _sym(measure)
    for k, (var, rate, xl) in enumerate(
        [
            ("concurrence_relax", "gamma_relax", r"$\Gamma/f_{\rm col}$"),
            ("concurrence_dephase", "gamma_dephase", r"$\gamma/f_{\rm col}$"),
        ]
    ):
        ax = axes[k]
        for col, T in zip(cols, Ts, strict=True):
            y = ds[_var(var, measure)].sel(T=T).values
            ax.semilogx(ds[rate].values, y, color=col, label=f"$T={T:g}$")
        ax.set_xlabel(xl)
        ax.set_ylabel(f"steady-state ${c}$")
        ax.set_ylim(0, 1.02)
        panel_label(ax, "ab"[k])
    axes[0].legend(loc="lower left")
    ax = axes[2]
    n = ds["n"].values
    pos = n >= 1  # n = 0 (rho = 1/4, C = 0) is off the logarithmic axis
    for col, T in zip(cols, Ts, strict=True):
        ax.plot(
            n[pos],
            ds[_var("concurrence_n", measure)].sel(T=T).values[pos],
            color=col,
            drawstyle="steps-post",
        )
        ax.axhline(
            float(ds[_var("concurrence_steady", measure)].sel(T=T)), color=col, lw=0.6, ls=":"
        )
    ax.set_xscale("log")
    ax.set_xlim(0.8, n.max())  # from n = 1; 0.8 keeps the 10^0 label clear of the y axis' 0
    ax.set_xlabel("number of collisions $n$")
    ax.set_ylabel(f"${c}$ after $n$ collisions")
    ax.set_ylim(0, 1.02)
    panel_label(ax, "c")
    ax.set_title(r"from $\rho=\mathbb{1}/4$; dotted: steady state", loc="right", fontsize=7)
    ax = axes[3]
    x = ds["n_scale"].values
    half = "n_half_tangle" if measure == "tangle" else "n_half"
    ax.loglog(x, ds[half].values, "o", ms=3, color="k", label=rf"$n_{{1/2}}$ of ${c}$ (numerical)")
    ax.loglog(x, x, "--", color="tab:red", label=r"$(1-T)^{-2}$ (text)")
    ax.set_xlabel(r"$(1-T)^{-2}$")
    ax.set_ylabel(rf"collisions to reach ${c}_\infty/2$")
    ax.legend(loc="upper left")
    panel_label(ax, "d")
    ax.set_title("ours, not in the paper", loc="right", fontsize=7, style="italic")
    return fig


@contract.renderer
def fig6(ds: xr.Dataset, *, measure: Measure = "concurrence"):
    fig, ax = figure("single", height=3.1, layout="constrained")
    ps = ds["p_U"].values
    var = ds[_var("concurrence", measure)]
    c = _sym(measure)
    zeros = [p for p in ps if np.all(var.sel(p_U=p).values == 0)]
    for col, p in zip(_colors(ps.size), ps, strict=True):
        y = var.sel(p_U=p).values
        if p in zeros:  # identically zero: interleaved dashes keep every zero curve visible
            k = zeros.index(p)
            dashes = (3.0 * k, (3.0, 3.0 * (len(zeros) - 1)))
            kw = dict(ls=dashes, lw=2.0, label=rf"$p_U={p:g}$ (${c}\equiv 0$)")
        else:
            kw = dict(ls="-", lw=1.2, label=f"$p_U={p:g}$")
        ax.plot(ds["T"].values, y, color=col, clip_on=False, zorder=3, **kw)
    ax.set_xlabel("$T$")
    ax.set_ylabel(rf"steady-state ${c}$ at $\phi=\varphi$")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.03, 1.02)
    fig.legend(loc="outside upper center", ncol=3, handlelength=2.2, columnspacing=1.0)
    return fig


def _map(ax, fig, ds, var, label, values=None, **kw):
    """Colour map of ``var`` (or of ``values`` on the same (T1, T2) grid) with a colour bar exactly
    as tall as the (square) axes."""
    z = ds[var].transpose("T2", "T1").values if values is None else values
    extend = kw.pop("extend", "neither")
    m = ax.pcolormesh(ds["T1"].values, ds["T2"].values, z, shading="nearest", rasterized=True, **kw)
    ax.set_aspect("equal")
    cax = ax.inset_axes([1.04, 0.0, 0.05, 1.0])
    fig.colorbar(m, cax=cax, label=label, extend=extend)
    ax.set_xlabel("$T_1$")
    ax.set_ylabel("$T_2$")
    return m


@contract.renderer
def fig7(ds: xr.Dataset, *, measure: Measure = "concurrence"):
    # fixed margins: constrained layout does not see the colour bar's inset axes
    fig, ax = figure("single", height=2.9, layout="none")
    fig.subplots_adjust(left=0.17, right=0.76, bottom=0.15, top=0.96)
    label = f"maximal steady-state ${_sym(measure)}$"
    _map(ax, fig, ds, _var("concurrence", measure), label, vmin=0, vmax=1, cmap="viridis")
    return fig


def _hatch_uninformative(ax, ds, mask):
    """Hatch the cells (T2, T1) where the optimal fields carry no information."""
    from matplotlib.colors import ListedColormap

    z = np.where(mask, 1.0, np.nan)
    ax.pcolor(
        ds["T1"].values,
        ds["T2"].values,
        z,
        shading="nearest",
        hatch="////",
        cmap=ListedColormap(["0.88"]),
        edgecolor="0.5",
        linewidth=0.0,
    )


@contract.renderer
def fig8(ds: xr.Dataset):
    """Optimal fields of Fig. 7, drawn only where the optimum is unique (``optimum_unique``);
    other cells (C = 0, the T = 1 edges, ties between inequivalent optima) are hatched."""
    from matplotlib.patches import Patch

    fig, axes = figure("double", 2, 3, height=4.4, layout="constrained")
    axes = axes.ravel()
    unique = ds["optimum_unique"].transpose("T2", "T1").values.astype(bool)

    def field(var):
        return np.where(unique, ds[var].transpose("T2", "T1").values, np.nan)

    # phi2 - phi1 is periodic: unwrap around its circular mean, then a sequential scale over the
    # range it takes (the full circle would make the panel almost uniform)
    dphi = field("delta_phi")
    mean = np.angle(np.nanmean(np.exp(1j * dphi))) if unique.any() else 0.0
    dphi = mean + np.angle(np.exp(1j * (dphi - mean)))
    lo, hi = np.nanpercentile(dphi, [1, 99]) if unique.any() else (-np.pi, np.pi)
    specs = [
        ("theta1", r"$\theta_1$ (rad)", None, dict(vmin=0, vmax=np.pi, cmap="PuOr")),
        ("theta2", r"$\theta_2$ (rad)", None, dict(vmin=0, vmax=np.pi, cmap="PuOr")),
        (
            "delta_phi",
            r"$\phi_2-\phi_1$ (rad)",
            dphi,
            dict(vmin=lo, vmax=hi, cmap="viridis", extend="both"),
        ),
        ("omega1", r"$\Omega_1/f_{\rm col}$", None, dict(vmin=0, vmax=np.pi, cmap="cividis")),
        ("omega2", r"$\Omega_2/f_{\rm col}$", None, dict(vmin=0, vmax=np.pi, cmap="cividis")),
    ]
    for k, (var, lab, values, kw) in enumerate(specs):
        _map(axes[k], fig, ds, var, lab, values=field(var) if values is None else values, **kw)
        _hatch_uninformative(axes[k], ds, ~unique)
        panel_label(axes[k], "abcde"[k])
    _map(axes[5], fig, ds, "concurrence", "maximal $C$", vmin=0, vmax=1, cmap="viridis")
    panel_label(axes[5], "f")
    axes[5].set_title("ours, not in the paper", loc="right", fontsize="small")
    key = Patch(
        facecolor="0.85",
        edgecolor="0.45",
        hatch="////",
        label="fields not unique: $C = 0$, $T_n = 1$ or a tie (no information)",
    )
    fig.legend(handles=[key], loc="outside lower center", frameon=False, fontsize="small")
    return fig
