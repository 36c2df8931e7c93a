"""Figures of Bozkurt, Lopez & Ryu (2025), coherent collisions. Each reads only its dataset.

The paper views (figs. 3, 5, 6, 7) draw ``measure`` (config ``render_options``), by default
"tangle": C^2, the squared Wootters concurrence, the convention that reproduces every number the
paper prints as "concurrence" (Eqs. (23), (B6), C = 0.9972); "concurrence" draws the Wootters C.
The notes views (``<figure>_notes``) draw the Wootters C and our findings beside it.
"""

from __future__ import annotations

from typing import Annotated

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
    "concurrence": ("concurrence", "C", "Wootters concurrence $C$"),
    "tangle": ("tangle", "C^2", r"$C^2$ (squared Wootters $C$)"),
}


Measure = Annotated[str, contract.Choice(tuple(MEASURES))]  # render_options: measure
BLUE = "#1f5fbf"  # the paper's blue of Fig. 2
# Fig. 3 inset: a white card over the cells T >= 0.65, 0.06 <= phi <= 1.0 rad, where C^2 < 0.01
# (the wedge where the steady state is separable; tested on a fine grid); (T0, phi0, phi1).
FIG3_CARD = (0.65, 0.06, 1.0)
UNIT = dict(vmin=0, vmax=1, cmap="viridis")  # colour scale of C and C^2


def _var(name: str, measure: str) -> str:
    """The dataset variable of ``measure`` for a concurrence variable name."""
    return name.replace("concurrence", MEASURES[measure][0])


def _sym(measure: str) -> str:
    return MEASURES[measure][1]


def _notes(ax, label: str, what: str, section: str) -> None:
    """Title of notes panel ``label``: what it shows, and its section of
    docs/reproduction-notes.md."""
    ax.set_title(f"({label}) {what}\n\N{SECTION SIGN} {section}", loc="left", fontsize=7)


def _notes_figure(fig, number: int, extra: str = "") -> None:
    """Heading of a notes view: whose notes, where the sections (\N{SECTION SIGN}) are, and
    an ``extra`` line."""
    head = (
        f"Our notes on Fig. {number} (not in the paper); \N{SECTION SIGN}: sections of"
        " docs/reproduction-notes.md, bozkurt2025"
    )
    fig.suptitle(head + (f"\n{extra}" if extra else ""), fontsize=7.5)


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


def _bound(err: float) -> str:
    """Mathtext '< 10^-15' for a round-off-sized error (no last bits drawn), else '= 3e-07'."""
    return r"<10^{-15}" if err < 1e-15 else f"={err:.0e}"


def _table_axes(ax) -> None:
    """A 4 x 4 table of two-qubit states: columns the initial j, rows the final j'."""
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(3.5, -0.5)
    for k in (0.5, 1.5, 2.5):
        ax.axhline(k, color="0.75", lw=0.5)
        ax.axvline(k, color="0.75", lw=0.5)
    ax.set_xticks(range(4), J_TEX)
    ax.set_yticks(range(4), J_TEX)
    ax.tick_params(length=0, top=False, right=False)
    ax.set_xlabel(r"initial qubits $j$")
    ax.set_ylabel(r"final qubits $j'$")


@contract.renderer
def fig2(ds: xr.Dataset):
    """The paper's Fig. 2: one table of the symbolic amplitudes, <down j'|S|down j> in black and
    <up j'|S|down j> in blue (spin conservation: the two never share a cell)."""
    fig, ax = figure("single", height=3.0, layout="constrained")
    sym = {
        s: ds["S_symbol"].sel(sigma_out=s).transpose("j_out", "j_in").values for s in ("down", "up")
    }
    if np.any((sym["down"] != "") & (sym["up"] != "")):
        raise ValueError("S_symbol: an electron-down and an electron-up entry share a cell")
    for s, colour in (("down", "k"), ("up", BLUE)):
        for i, j in zip(*np.nonzero(sym[s] != ""), strict=True):
            ax.text(j, i, f"${sym[s][i, j]}$", color=colour, ha="center", va="center", fontsize=9)
    _table_axes(ax)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_title(r"black: $\langle\downarrow j'|S|\downarrow j\rangle$", loc="left", y=1.16)
    ax.set_title(
        r"blue: $\langle\uparrow j'|S|\downarrow j\rangle$", loc="right", color=BLUE, y=1.16
    )
    return fig


@contract.renderer
def fig2_notes(ds: xr.Dataset):
    """Notes of Fig. 2: the amplitudes' values at the chosen T1, T2, shaded by modulus."""
    fig, axes = figure("double", 1, 2, height=3.6, layout="constrained")
    amp = ds["S_real"] + 1j * ds["S_imag"]
    amp = amp.isel({d: 0 for d in ("T1", "T2") if d in amp.dims})
    t1 = float(np.atleast_1d(ds["T1"].values)[0])
    t2 = float(np.atleast_1d(ds["T2"].values)[0])
    err = float(np.max(ds["unitarity_error"].values))
    for ax, sigma, lab, name in zip(
        axes, ["down", "up"], "ab", [r"\downarrow", r"\uparrow"], strict=True
    ):
        a = amp.sel(sigma_out=sigma).transpose("j_out", "j_in").values
        sym = ds["S_symbol"].sel(sigma_out=sigma).transpose("j_out", "j_in").values
        ax.imshow(np.abs(a), vmin=0, vmax=1, cmap=_light("Greys" if sigma == "down" else "Blues"))
        for i, j in zip(*np.nonzero(sym != ""), strict=True):
            tex = str(sym[i, j]).replace(
                r"e^{i\varphi_{1}}e^{i\varphi_{2}}", r"e^{i(\varphi_{1}+\varphi_{2})}"
            )
            ax.text(j, i - 0.17, f"${tex}$", ha="center", va="center", fontsize=9)
            ax.text(j, i + 0.22, _complex(a[i, j]), ha="center", va="center", fontsize=6.5)
        _table_axes(ax)
        _notes(
            ax,
            lab,
            rf"$\langle {name}\, j'|S|\downarrow j\rangle$ at $T_1={t1:g}$, $T_2={t2:g}$",
            "Conventions (Eq. (1) typos)",
        )
    _notes_figure(
        fig,
        2,
        r"Eq. (1) corrected, $t_n=\sqrt{T_n}$, $r_n=-i\sqrt{1-T_n}$, $e^{i\varphi_n}=t_n+r_n$"
        rf" (ferromagnetic); shade: modulus; $\max|SS^\dagger-1|{_bound(err)}$",
    )
    return fig


def _inset_card(ax, T0: float, phi0: float, phi1: float):
    """An opaque card over T >= T0, phi0 <= phi <= phi1 of a (T, phi) map, holding an inset axes
    and its tick and axis labels; returns the inset axes."""
    x1 = ax.get_xlim()[1]
    card = ax.inset_axes([T0, phi0, x1 - T0, phi1 - phi0], transform=ax.transData)
    card.set_facecolor("white")
    card.set_xticks([])
    card.set_yticks([])
    for spine in card.spines.values():
        spine.set_linewidth(0.5)
    return card.inset_axes([0.28, 0.3, 0.64, 0.62])


def _fig3_map(ax, fig, ds, var, label, **kw):
    """A (T, phi) colour map of ``var`` with the optimal line phi = varphi(T) dashed."""
    T, phi = ds["T"].values, ds["phi"].values
    z = ds[var].transpose("phi", "T").values
    m = ax.pcolormesh(T, phi, z, shading="nearest", rasterized=True, **kw)
    fig.colorbar(m, ax=ax, label=label)
    ax.plot(T, ds["varphi"].values, "--", color="tab:blue", lw=1.2)
    ax.set_xlim(0, 1)
    ax.set_ylim(phi.min(), phi.max())
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"$\phi$ (rad)")


@contract.renderer
def fig3(ds: xr.Dataset, *, measure: Measure = "tangle"):
    """The paper's Fig. 3: (a) the map with the optimal line and its inset, (b) spin current."""
    fig, axes = figure(
        "double", 1, 2, height=3.6, layout="constrained", gridspec_kw={"width_ratios": [1.4, 1]}
    )
    T = ds["T"].values
    c = _sym(measure)
    ax = axes[0]
    _fig3_map(ax, fig, ds, _var("concurrence", measure), MEASURES[measure][2], **UNIT)
    panel_label(ax, "a")
    ins = _inset_card(ax, *FIG3_CARD)
    ins.plot(T, ds[_var("concurrence_optimal", measure)].values, color="k", lw=1.2)
    ins.set_xlim(0, 1)
    ins.set_ylim(0, 1.05)
    ins.set_xticks([0, 0.5, 1], ["", "0.5", "1"])  # "0" would collide with the y axis' 0
    ins.set_yticks([0, 1], ["0", "1"])
    ins.tick_params(labelsize=7.5, pad=1.5, length=2)
    ins.set_xlabel(r"$T$ ($\phi=\varphi$)", fontsize=7.5, labelpad=0)
    ins.set_ylabel(f"${c}$", fontsize=7.5, labelpad=1)
    _fig3_map(axes[1], fig, ds, "spin_current", r"$\Delta I_S$ ($\hbar f_{\rm col}$)", cmap="magma")
    panel_label(axes[1], "b")
    return fig


@contract.renderer
def fig3_notes(ds: xr.Dataset):
    """Notes of Fig. 3: the Wootters C map, C vs C^2 against Eqs. (22)-(23) on phi = varphi, and
    the phi = 0 cut against the text's sentence."""
    fig, axes = figure("double", 1, 3, height=2.9, layout="constrained")
    T = ds["T"].values
    ax = axes[0]
    _fig3_map(ax, fig, ds, "concurrence", MEASURES["concurrence"][2], **UNIT)
    _notes(ax, "a", "Wootters $C$ (paper view: $C^2$)", "Disagreements 3")
    ax = axes[1]
    ax.plot(T, ds["concurrence_optimal"].values, color="k", label="$C$ (numerics)")
    ax.plot(
        T,
        ds["concurrence_eq22"].values,
        ":",
        color="tab:orange",
        lw=1.6,
        label="$C$ of Eq. (22)",
    )
    ax.plot(T, ds["tangle_optimal"].values, color="0.55", label="$C^2$ (numerics)")
    ax.plot(T, ds["concurrence_eq23"].values, "--", color="tab:red", label="Eq. (23)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"on $\phi=\varphi$")
    ax.legend(loc="lower right")
    _notes(ax, "b", "Eq. (23) is $C^2$", "Disagreements 1")
    ax = axes[2]
    cut = ds.sel(phi=0.0, method="nearest")
    ax.plot(T, cut["concurrence"].values, color="k", label="$C$")
    ax.plot(T, cut["tangle"].values, color="0.55", label="$C^2$")
    ax.plot(
        [0, 0.5, 0.5, 1],
        [0, 0, 0.1, 0.1],
        color="tab:red",
        ls="--",
        lw=1.0,
        label="text's bound",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 0.5)
    ax.set_xlabel("$T$")
    ax.set_ylabel(r"at $\phi=0$")
    ax.legend(loc="upper right")
    _notes(ax, "c", r"the $\phi=0$ sentence", "Disagreements 4")
    _notes_figure(fig, 3)
    return fig


def _colors(n):
    import matplotlib

    return matplotlib.colormaps["plasma"](np.linspace(0.0, 0.85, n))


def _t_legend(fig, Ts, cols, **kw) -> None:
    """The colour code of T, one row above the panels (not on data)."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=col, label=f"$T={T:g}$") for col, T in zip(cols, Ts, strict=True)
    ]
    kw = {"loc": "outside upper center", **kw}
    fig.legend(handles=handles, ncol=len(handles), **kw)


def _dynamics(ax, ds, var, cols, ylabel):
    """Steady-state-free view of ``var`` after n collisions, logarithmic n from n = 1."""
    n = ds["n"].values
    pos = n >= 1  # n = 0 (rho = 1/4, C = 0) is off the logarithmic axis
    for col, T in zip(cols, ds["T"].values, strict=True):
        ax.plot(n[pos], ds[var].sel(T=T).values[pos], color=col, drawstyle="steps-post")
    ax.set_xscale("log")
    ax.set_xlim(0.8, n.max())  # from n = 1; 0.8 keeps the 10^0 label clear of the y axis' 0
    ax.set_xlabel("number of collisions $n$")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)


@contract.renderer
def fig5(ds: xr.Dataset, *, measure: Measure = "tangle"):
    """The paper's Fig. 5: steady state vs relaxation (a) and dephasing (b), dynamics (c)."""
    fig, axes = figure("double", 1, 3, height=2.55, layout="constrained")
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
            ax.semilogx(ds[rate].values, ds[_var(var, measure)].sel(T=T).values, color=col)
        ax.set_xlabel(xl)
        ax.set_ylabel(f"steady-state ${c}$")
        ax.set_ylim(0, 1.02)
        panel_label(ax, "ab"[k])
    _dynamics(axes[2], ds, _var("concurrence_n", measure), cols, f"${c}$ after $n$ collisions")
    panel_label(axes[2], "c")
    _t_legend(fig, Ts, cols)
    return fig


@contract.renderer
def fig5_notes(ds: xr.Dataset):
    """Notes of Fig. 5: the dynamics in the Wootters C with the steady states, the period-2
    pattern of the first collisions, and the half-convergence collision number."""
    fig, axes = figure("double", 2, 2, height=5.4, layout="constrained")
    axes = axes.ravel()
    Ts = ds["T"].values
    cols = _colors(Ts.size)
    ax = axes[0]
    _dynamics(ax, ds, "concurrence_n", cols, "Wootters $C$ after $n$ collisions")
    for col, T in zip(cols, Ts, strict=True):
        ax.axhline(float(ds["concurrence_steady"].sel(T=T)), color=col, lw=0.6, ls=":")
    _notes(
        ax, "a", r"Wootters $C$ from $\rho=\mathbb{1}/4$; dotted: steady state", "Disagreements 3"
    )
    n = ds["n"].values
    first = (n >= 1) & (n <= 16)
    ax = axes[1]
    for col, T in zip(cols, Ts, strict=True):
        ax.plot(n[first], ds["p_upup_n"].sel(T=T).values[first], "o-", ms=2.5, lw=0.9, color=col)
    ax.set_xlabel("number of collisions $n$")
    ax.set_ylabel(r"$p(\uparrow\uparrow)$ after $n$ collisions")
    ax.set_xlim(0.5, 16.5)
    ax.set_ylim(0, None)
    _notes(ax, "b", r"$p(\uparrow\uparrow)$ oscillates with period 2", "Disagreements 6")
    ax = axes[2]
    step = ds["tangle_n"].diff("n")
    for col, T in zip(cols, Ts, strict=True):
        y = step.sel(T=T).values
        k = (step["n"].values >= 1) & (step["n"].values <= 16)
        ax.plot(step["n"].values[k], y[k], "o-", ms=2.5, lw=0.9, color=col)
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_xlabel("number of collisions $n$")
    ax.set_ylabel(r"$C^2_n - C^2_{n-1}$")
    ax.set_xlim(0.5, 16.5)
    _notes(ax, "c", "no collision lowers $C^2$ (nor $C$): steps in pairs", "Disagreements 6")
    ax = axes[3]
    x = ds["n_scale"].values
    ax.loglog(x, ds["n_half"].values, "o", ms=3, color="k", label=r"$n_{1/2}$ of $C$")
    ax.loglog(
        x,
        ds["n_half_tangle"].values,
        "s",
        ms=3,
        mfc="none",
        color="0.45",
        label=r"$n_{1/2}$ of $C^2$",
    )
    ax.loglog(x, x, "--", color="tab:red", label=r"$(1-T)^{-2}$ (text)")
    ax.set_xlabel(r"$(1-T)^{-2}$")
    ax.set_ylabel("collisions to half the steady value")
    ax.legend(loc="upper left")
    _notes(ax, "d", "half-convergence collision number", "Disagreements 5")
    _t_legend(fig, Ts, cols, loc="outside lower center")
    _notes_figure(fig, 5)
    return fig


def _p_u_curves(ax, ds, var, c):
    """One curve per p_U; identically zero curves on the axis with interleaved dashes."""
    ps = ds["p_U"].values
    zeros = [p for p in ps if np.all(ds[var].sel(p_U=p).values == 0)]
    for col, p in zip(_colors(ps.size), ps, strict=True):
        y = ds[var].sel(p_U=p).values
        if p in zeros:  # identically zero: interleaved dashes keep every zero curve visible
            k = zeros.index(p)
            dashes = (3.0 * k, (3.0, 3.0 * (len(zeros) - 1)))
            kw = dict(ls=dashes, lw=2.0, label=rf"$p_U={p:g}$ (${c}\equiv 0$)")
        else:
            kw = dict(ls="-", lw=1.2, label=f"$p_U={p:g}$")
        ax.plot(ds["T"].values, y, color=col, clip_on=False, zorder=3, **kw)
    ax.set_xlabel("$T$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)


@contract.renderer
def fig6(ds: xr.Dataset, *, measure: Measure = "tangle"):
    """The paper's Fig. 6: steady state on phi = varphi for several p_U."""
    fig, ax = figure("single", height=3.1, layout="constrained")
    c = _sym(measure)
    _p_u_curves(ax, ds, _var("concurrence", measure), c)
    ax.set_ylabel(rf"steady-state ${c}$ at $\phi=\varphi$")
    fig.legend(loc="outside upper center", ncol=3, handlelength=2.2, columnspacing=1.0)
    return fig


@contract.renderer
def fig6_notes(ds: xr.Dataset):
    """Notes of Fig. 6: the Wootters C, and the largest value over T of both measures vs p_U."""
    fig, axes = figure("double", 1, 2, height=3.0, layout="constrained")
    ax = axes[0]
    _p_u_curves(ax, ds, "concurrence", "C")
    ax.set_ylabel(r"Wootters $C$ at $\phi=\varphi$")
    _notes(ax, "a", "Wootters $C$ (paper view: $C^2$)", "Disagreements 3")
    fig.legend(loc="outside lower center", ncol=7, handlelength=2.2, columnspacing=1.0)
    ax = axes[1]
    ps = ds["p_U"].values
    ax.plot(ps, ds["concurrence"].max("T").values, "o-", color="k", ms=3, label="$C$")
    ax.plot(ps, ds["tangle"].max("T").values, "s-", color="0.55", ms=3, label="$C^2$")
    ax.set_xlabel("$p_U$")
    ax.set_ylabel("largest value over the $T$ grid")
    ax.set_xlim(0, 0.5)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper right")
    _notes(ax, "b", "entanglement vanishes above $p_U \\approx 0.26$", "Conventions (Fig. 6)")
    _notes_figure(fig, 6)
    return fig


def _grid(ds, var):
    """(T1, T2, values[T2, T1]) of a map."""
    return ds["T1"].values, ds["T2"].values, ds[var].transpose("T2", "T1").values


PI_TICKS = ([0, np.pi / 2, np.pi], ["0", r"$\pi/2$", r"$\pi$"])  # colour bars over [0, pi]


def _map(ax, fig, ds, var, label, values=None, ticks=None, **kw):
    """Colour map of ``var`` (or of ``values`` on the same (T1, T2) grid): one cell per grid
    point, as computed, with its colour bar (``ticks``: (values, labels))."""
    T1, T2, z = _grid(ds, var)
    z = z if values is None else values
    m = ax.pcolormesh(T1, T2, z, shading="nearest", rasterized=True, **kw)
    bar = fig.colorbar(m, ax=ax, label=label)
    if ticks is not None:
        bar.set_ticks(ticks[0], labels=ticks[1])
    ax.set_xlabel("$T_1$")
    ax.set_ylabel("$T_2$")
    return m


def _diagonal_triangulation(T1, T2):
    """Triangles of the (T1, T2) grid split along the T1 = T2 direction, so that linear
    (Gouraud) colour interpolation follows a ridge along the diagonal instead of cutting it."""
    from matplotlib.tri import Triangulation

    x, y = np.meshgrid(T1, T2)  # [T2, T1]
    ny, nx = x.shape
    k = np.arange(ny * nx).reshape(ny, nx)
    a, b, c, d = k[:-1, :-1], k[:-1, 1:], k[1:, :-1], k[1:, 1:]  # d is the diagonal neighbour of a
    tri = np.concatenate([np.stack([a, b, d], -1), np.stack([a, c, d], -1)]).reshape(-1, 3)
    return Triangulation(x.ravel(), y.ravel(), tri)


@contract.renderer
def fig7(ds: xr.Dataset, *, measure: Measure = "tangle"):
    """The paper's Fig. 7: the maximal steady-state entanglement over (T1, T2), colours linearly
    interpolated between the computed grid points (no value outside their range)."""
    fig, ax = figure("single", height=2.8, layout="constrained")
    T1, T2, z = _grid(ds, _var("concurrence", measure))
    m = ax.tripcolor(
        _diagonal_triangulation(T1, T2),
        z.ravel(),
        shading="gouraud",
        vmin=0,
        vmax=1,
        cmap="viridis",
        rasterized=True,
    )
    fig.colorbar(m, ax=ax, label=f"maximal {MEASURES[measure][2]}")
    ax.set_xlim(T1.min(), T1.max())
    ax.set_ylim(T2.min(), T2.max())
    ax.set_aspect("equal")
    ax.set_xlabel("$T_1$")
    ax.set_ylabel("$T_2$")
    return fig


@contract.renderer
def fig7_notes(ds: xr.Dataset):
    """Notes of Fig. 7: the Wootters C as computed (one cell per grid point), and its cuts
    T1 = T2 and T2 = 0 against the closed forms of Sec. IV A and Eq. (B6)."""
    fig, axes = figure("double", 1, 2, height=3.0, layout="constrained")
    ax = axes[0]
    _map(ax, fig, ds, "concurrence", "maximal Wootters $C$", vmin=0, vmax=1, cmap="viridis")
    ax.set_aspect("equal")
    _notes(ax, "a", "Wootters $C$, one cell per grid point", "Disagreements 3")
    ax = axes[1]
    T = np.linspace(0, 1, 401)
    diag = ds["concurrence"].values[np.equal.outer(ds["T1"].values, ds["T2"].values)]
    same = ds["T1"].values[np.isin(ds["T1"].values, ds["T2"].values)]
    ax.plot(same, diag, "o", ms=3, color="k", label="$T_1=T_2=T$, optimum")
    ax.plot(
        T,
        2 * np.sqrt(T) / (1 + T),
        color="k",
        lw=0.8,
        label=r"$2\sqrt{T}/(1+T)$ (Sec. IV A fields)",
    )
    edge = ds["concurrence"].sel(T2=ds["T2"].min())
    ax.plot(
        ds["T1"].values,
        edge.values,
        "s",
        ms=3,
        mfc="none",
        color="tab:red",
        label=r"$T_2=0$, optimum (vs $T=T_1$)",
    )
    ax.plot(
        T,
        2 * np.sqrt(T * (1 - T)) / (1 + T),
        color="tab:red",
        lw=0.8,
        label=r"$2\sqrt{T(1-T)}/(1+T)$ ($\sqrt{\mathrm{(B6)}}$)",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("$T$")
    ax.set_ylabel("maximal Wootters $C$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # below: not on data
    _notes(ax, "b", "cuts vs closed forms", "Disagreements 2")
    _notes_figure(fig, 7)
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


def _unique(ds) -> np.ndarray:
    return ds["optimum_unique"].transpose("T2", "T1").values.astype(bool)


def _delta_phi_branch(dphi: np.ndarray) -> np.ndarray:
    """phi2 - phi1 on one branch: unwrapped around its circular mean (NaN kept)."""
    ok = np.isfinite(dphi)
    mean = np.angle(np.mean(np.exp(1j * dphi[ok]))) if ok.any() else 0.0
    return mean + np.angle(np.exp(1j * (dphi - mean)))


@contract.renderer
def fig8(ds: xr.Dataset):
    """The paper's Fig. 8: the optimal fields of Fig. 7, one branch, drawn where the optimum is
    unique (``optimum_unique``); other cells (C = 0, the T = 1 edges, ties) are hatched."""
    from matplotlib.patches import Patch

    fig, axes = figure("double", 2, 3, height=3.6, layout="constrained")
    axes = axes.ravel()
    unique = _unique(ds)

    def field(var):
        return np.where(unique, ds[var].transpose("T2", "T1").values, np.nan)

    dphi = _delta_phi_branch(field("delta_phi"))
    lo, hi = (np.nanmin(dphi), np.nanmax(dphi)) if unique.any() else (-np.pi, np.pi)
    angle = dict(ticks=PI_TICKS, vmin=0, vmax=np.pi)  # theta and Omega/f_col: 0 ... pi
    specs = [
        ("theta1", r"$\theta_1$ (rad)", None, dict(angle, cmap="PuOr")),
        ("theta2", r"$\theta_2$ (rad)", None, dict(angle, cmap="PuOr")),
        ("delta_phi", r"$\phi_2-\phi_1$ (rad)", dphi, dict(vmin=lo, vmax=hi, cmap="viridis")),
        ("omega1", r"$\Omega_1/f_{\rm col}$", None, dict(angle, cmap="cividis")),
        ("omega2", r"$\Omega_2/f_{\rm col}$", None, dict(angle, cmap="cividis")),
    ]
    for k, (var, lab, values, kw) in enumerate(specs):
        _map(axes[k], fig, ds, var, lab, values=field(var) if values is None else values, **kw)
        _hatch_uninformative(axes[k], ds, ~unique)
        panel_label(axes[k], "abcde"[k])
    key = Patch(
        facecolor="0.85",
        edgecolor="0.45",
        hatch="////",
        label="fields not unique:\n$C = 0$, $T_n = 1$ or a tie\n(no information)",
    )
    axes[5].axis("off")
    axes[5].legend(handles=[key], loc="center", frameon=False, handlelength=2.5, handleheight=2.0)
    return fig


@contract.renderer
def fig8_notes(ds: xr.Dataset):
    """Notes of Fig. 8: the maximal Wootters C the fields give, and the fields on T1 = T2
    against those of Sec. IV A."""
    fig, axes = figure("double", 1, 2, height=3.2, layout="constrained")
    ax = axes[0]
    _map(ax, fig, ds, "concurrence", "maximal Wootters $C$", vmin=0, vmax=1, cmap="viridis")
    ax.set_aspect("equal")
    _notes(ax, "a", "the value the fields of Fig. 8 give", "Disagreements 3")
    ax = axes[1]
    same = np.intersect1d(ds["T1"].values, ds["T2"].values)
    diag = ds.sel(T1=xr.DataArray(same, dims="T"), T2=xr.DataArray(same, dims="T"))
    ok = diag["optimum_unique"].values.astype(bool)
    T = same[ok]
    styles = [
        ("theta1", r"$\theta_1$", "o", "tab:purple"),
        ("theta2", r"$\theta_2$", "x", "tab:purple"),
        ("omega1", r"$\Omega_1/f_{\rm col}$", "s", "tab:olive"),
        ("omega2", r"$\Omega_2/f_{\rm col}$", "+", "tab:olive"),
        ("delta_phi", r"$\phi_2-\phi_1$", "D", "tab:blue"),
    ]
    for var, label, marker, colour in styles:
        mfc = "none" if marker in "osD" else colour
        ax.plot(T, diag[var].values[ok], marker, ms=3.5, mfc=mfc, color=colour, label=label)
    t = np.linspace(1e-4, 1, 400)
    ax.axhline(np.pi / 2, color="tab:purple", lw=0.7, label=r"$\pi/2$")
    ax.axhline(np.pi, color="tab:olive", lw=0.7, label=r"$\pi$")
    ax.plot(t, -np.arctan(np.sqrt((1 - t) / t)), color="tab:blue", lw=0.7, label=r"$\varphi(T)$")
    ax.set_xlim(0, 1)
    ax.set_ylim(-1.7, 3.5)
    ax.set_xlabel("$T_1=T_2=T$")
    ax.set_ylabel("optimal field parameter (rad, $f_{\\rm col}$)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))  # beside the axes: not on data
    _notes(ax, "b", "on $T_1=T_2$: the fields of Sec. IV A", "Disagreements (claims confirmed)")
    _notes_figure(fig, 8)
    return fig
