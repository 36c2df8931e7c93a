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


def _map(ax, fig, ds, var, label, **kw):
    m = ax.pcolormesh(
        ds["T1"].values,
        ds["T2"].values,
        ds[var].transpose("T2", "T1").values,
        shading="nearest",
        rasterized=True,
        **kw,
    )
    fig.colorbar(m, ax=ax, label=label)
    ax.set_xlabel("$T_1$")
    ax.set_ylabel("$T_2$")
    ax.set_aspect("equal")


def fig7(ds: xr.Dataset):
    fig, ax = figure("single", height=2.9, layout="constrained")
    _map(ax, fig, ds, "concurrence", "maximal steady-state $C$", vmin=0, vmax=1, cmap="viridis")
    return fig


def fig8(ds: xr.Dataset):
    fig, axes = figure("double", 2, 3, height=4.6, layout="constrained")
    axes = axes.ravel()
    specs = [
        ("theta1", r"$\theta_1$ (rad)", dict(vmin=0, vmax=np.pi, cmap="twilight")),
        ("theta2", r"$\theta_2$ (rad)", dict(vmin=0, vmax=np.pi, cmap="twilight")),
        ("delta_phi", r"$\phi_2-\phi_1$ (rad)", dict(vmin=-np.pi, vmax=np.pi, cmap="twilight")),
        ("omega1", r"$\Omega_1/f_{\rm col}$", dict(vmin=0, vmax=np.pi, cmap="cividis")),
        ("omega2", r"$\Omega_2/f_{\rm col}$", dict(vmin=0, vmax=np.pi, cmap="cividis")),
    ]
    for k, (var, lab, kw) in enumerate(specs):
        _map(axes[k], fig, ds, var, lab, **kw)
        panel_label(axes[k], "abcde"[k])
    _map(axes[5], fig, ds, "concurrence", "maximal $C$ (Fig. 7)", vmin=0, vmax=1, cmap="viridis")
    panel_label(axes[5], "f")
    return fig
