"""Figures of Bozkurt, Lopez & Ryu (2025), coherent collisions. Each reads only its dataset."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..style import figure, panel_label

J_TEX = [
    r"$\uparrow\uparrow$",
    r"$\uparrow\downarrow$",
    r"$\downarrow\uparrow$",
    r"$\downarrow\downarrow$",
]


def fig2(ds: xr.Dataset):
    fig, axes = figure("double", 1, 2, height=3.2, layout="constrained")
    amp = ds["S_real"] + 1j * ds["S_imag"]
    amp = amp.isel({d: 0 for d in ("T1", "T2") if d in amp.dims})
    t1 = float(np.atleast_1d(ds["T1"].values)[0])
    t2 = float(np.atleast_1d(ds["T2"].values)[0])
    for ax, sigma, lab, name in zip(
        axes, ["down", "up"], "ab", [r"\downarrow", r"\uparrow"], strict=True
    ):
        a = amp.sel(sigma_out=sigma).transpose("j_out", "j_in").values
        im = ax.imshow(np.abs(a), vmin=0, vmax=1, cmap="Greys" if sigma == "down" else "Blues")
        for i in range(4):
            for j in range(4):
                z = a[i, j]
                if abs(z) > 1e-12:
                    ax.text(
                        j,
                        i,
                        f"{z.real:+.2f}\n{z.imag:+.2f}i",
                        ha="center",
                        va="center",
                        fontsize=6,
                        color="white" if abs(z) > 0.6 else "black",
                    )
        ax.set_xticks(range(4), J_TEX)
        ax.set_yticks(range(4), J_TEX)
        ax.set_xlabel(r"initial qubits $j$")
        ax.set_ylabel(r"final qubits $j'$")
        ax.set_title(rf"$\langle {name}\, j'|S|\downarrow j\rangle$")
        panel_label(ax, lab)
        fig.colorbar(im, ax=ax, shrink=0.8, label="modulus")
    fig.suptitle(f"$T_1={t1:g}$, $T_2={t2:g}$ (ferromagnetic)", fontsize="medium")
    return fig


def fig3(ds: xr.Dataset):
    fig, axes = figure("double", 1, 2, height=3.0, layout="constrained")
    T = ds["T"].values
    phi = ds["phi"].values
    ax = axes[0]
    m = ax.pcolormesh(
        T,
        phi,
        ds["concurrence"].transpose("phi", "T").values,
        vmin=0,
        vmax=1,
        cmap="viridis",
        shading="nearest",
        rasterized=True,
    )
    fig.colorbar(m, ax=ax, label="concurrence $C$")
    ax.plot(T, ds["varphi"].values, "--", color="tab:blue", lw=1.2, label=r"$\phi=\varphi$")
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"$\phi$ (rad)")
    ax.set_ylim(phi.min(), phi.max())
    ax.legend(loc="upper left", fontsize="small")
    panel_label(ax, "a")
    ins = ax.inset_axes([0.5, 0.56, 0.47, 0.4])
    ins.plot(T, ds["concurrence_optimal"].values, color="k", lw=1.2, label="numerical")
    ins.plot(
        T, 2 * np.sqrt(T) / (1 + T), ":", color="tab:orange", lw=1.2, label=r"$2\sqrt{T}/(1+T)$"
    )
    ins.plot(T, ds["concurrence_eq23"].values, "--", color="tab:red", lw=1.0, label="Eq. (23)")
    ins.set_xlim(0, 1)
    ins.set_ylim(0, 1.02)
    ins.tick_params(labelsize=6, colors="w")
    ins.set_facecolor("white")
    ins.tick_params(colors="k")
    ins.set_xlabel("$T$", fontsize=6, labelpad=0)
    ins.set_ylabel(r"$C(\phi=\varphi)$", fontsize=6, labelpad=0)
    ins.legend(fontsize=5, loc="lower right", frameon=False)
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


def fig5(ds: xr.Dataset):
    fig, axes = figure("double", 2, 2, height=5.2, layout="constrained")
    axes = axes.ravel()
    Ts = ds["T"].values
    cols = _colors(Ts.size)
    for k, (var, rate, xl) in enumerate(
        [
            ("concurrence_relax", "gamma_relax", r"$\Gamma/f_{\rm col}$"),
            ("concurrence_dephase", "gamma_dephase", r"$\gamma/f_{\rm col}$"),
        ]
    ):
        ax = axes[k]
        for c, T in zip(cols, Ts, strict=True):
            ax.semilogx(ds[rate].values, ds[var].sel(T=T).values, color=c, label=f"$T={T:g}$")
        ax.set_xlabel(xl)
        ax.set_ylabel("steady-state $C$")
        ax.set_ylim(0, 1.02)
        panel_label(ax, "ab"[k])
    axes[0].legend(fontsize="small")
    ax = axes[2]
    n = ds["n"].values
    for c, T in zip(cols, Ts, strict=True):
        ax.plot(n, ds["concurrence_n"].sel(T=T).values, color=c, label=f"$T={T:g}$")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, n.max())
    ax.set_xlabel("number of collisions $n$")
    ax.set_ylabel("$C$")
    ax.set_ylim(0, 1.02)
    panel_label(ax, "c")
    ax = axes[3]
    x = ds["n_scale"].values
    ax.loglog(x, ds["n_half"].values, "o", ms=3, color="k", label=r"$n_{1/2}$ (numerical)")
    ax.loglog(x, x, "--", color="tab:red", label=r"$(1-T)^{-2}$")
    ax.set_xlabel(r"$(1-T)^{-2}$")
    ax.set_ylabel(r"collisions to reach $C_\infty/2$")
    ax.legend(fontsize="small")
    panel_label(ax, "d")
    return fig


def fig6(ds: xr.Dataset):
    fig, ax = figure("single", layout="constrained")
    ps = ds["p_U"].values
    for c, p in zip(_colors(ps.size), ps, strict=True):
        ax.plot(ds["T"].values, ds["concurrence"].sel(p_U=p).values, color=c, label=f"$p_U={p:g}$")
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"steady-state $C$ at $\phi=\varphi$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize="x-small")
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


def fig7(ds: xr.Dataset):
    fig, ax = figure("single", height=2.9, layout="constrained")
    _map(ax, fig, ds, "concurrence", "maximal steady-state $C$", vmin=0, vmax=1, cmap="viridis")
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
