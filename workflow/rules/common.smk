# Configuration, validation and the figure registry. Everything here runs before any job, so a bad
# configuration stops the workflow with a message naming the key.
from functools import cache
import os
from pathlib import Path
import re
import socket
import sys
from types import SimpleNamespace

from snakemake.exceptions import WorkflowError

from dissent import codedeps, registry
from dissent import config as cfg


def _load_papers():
    try:
        return cfg.load_workflow_config(
            config,
            Path(workflow.basedir, "workflow/schemas/config.schema.yaml"),
            ".snakemake/dissent",
            workflow.configfiles,
        )
    except cfg.ConfigError as exc:
        raise WorkflowError(f"Invalid configuration: {exc}") from None


envvars:
    "PATH",


# Solve jobs (`python -m dissent.pipeline`) run in the interpreter that runs Snakemake.
os.environ["PATH"] = os.pathsep.join(
    [str(Path(sys.executable).parent), os.environ["PATH"]]
)
# Solve jobs orphaned by a killed run do not write their chunk later (dissent.pipeline.OWNER).
os.environ.update(DISSENT_WORKFLOW=f"{socket.gethostname()}:{os.getpid()}")
PAPERS = _load_papers()
SELECTED = list(config["papers"])
VARIANTS = {"": "full", "quick/": "quick"}


wildcard_constraints:
    variant="(quick/)?",
    paper="|".join(map(re.escape, sorted(PAPERS))),  # names: config.schema pattern, too
    figure="[A-Za-z0-9_]+",
    view="(-notes)?",
    panel="[A-Za-z0-9_]+",
    chunk=r"\d+",
    n=r"\d+",
    ext="csv|md",


@cache
def spec_of(variant, paper, figure):
    """Effective configuration of a figure for a variant path prefix ('' or 'quick/')."""
    return cfg.Spec(cfg.figure_spec(PAPERS, paper, figure, VARIANTS[variant]))


def figure_spec(w):
    return spec_of(w.variant, w.paper, w.figure)


def panel_spec(w):
    return figure_spec(w)["panels"][w.panel]


def n_chunks(variant, paper, figure, panel):
    """Solve jobs of a panel (its ``chunks``, the figure's, or the default; quick: 1)."""
    return cfg.panel_chunks(spec_of(variant, paper, figure), panel, config["chunks"])


def solve_priority(w):
    """Chunks of the heavy panels (those split into more chunks) are scheduled first."""
    return n_chunks(w.variant, w.paper, w.figure, w.panel)


def chunk_files(w):
    """Every chunk of every panel of a figure (one file for a panel solved in-process)."""
    files = []
    for panel, pspec in figure_spec(w).get("panels", {}).items():
        prefix = f"results/{w.variant}{w.paper}/{w.figure}/{panel}/chunks"
        if pspec.get("in_process"):
            files.append(f"{prefix}/in-process.nc")
            continue
        n = n_chunks(w.variant, w.paper, w.figure, panel)
        files += [f"{prefix}/{i}-of-{n}.nc" for i in range(n)]
    return files


def grid_files(w):
    prefix = f"results/{w.variant}{w.paper}/{w.figure}"
    return [f"{prefix}/{panel}/grid.nc" for panel in figure_spec(w).get("panels", {})]


# What each step's results depend on, by content (dissent.codedeps): the import closure of the
# function the config names plus the glue the step runs through. A changed digest reruns the job
# (params trigger); restoring a file restores the digest. Rendering is not in any solve closure.
SOLVE_GLUE = ("dissent.pipeline",)
AGGREGATE_GLUE = ("dissent.pipeline",)
RENDER_GLUE = ("dissent.render",)


def solve_code(w):
    solver = panel_spec(w)["solver"]
    return codedeps.digest(
        [codedeps.function_module(solver, "dissent.models"), *SOLVE_GLUE]
    )


def aggregate_code(w):
    companions = [
        codedeps.function_module(panel["companion"], "dissent.models")
        for panel in figure_spec(w).get("panels", {}).values()
        if "companion" in panel
    ]
    paper = (
        f"dissent.models.{w.paper}"  # its REFERENCE: the files' `references` attribute
    )
    return codedeps.digest([*companions, paper, *AGGREGATE_GLUE])


def render_code(spec, view=""):
    """What a view of a figure depends on: its render function's closure and the render glue
    (a view the figure does not configure: just the glue; its job then says so)."""
    render = registry.view_renderer(spec, view)
    modules = [codedeps.function_module(render, "dissent.figures")] if render else []
    return codedeps.digest([*modules, *RENDER_GLUE])


def report_labels(variant):
    """The report's columns for a figure image: the paper's name of the figure (the title's
    closing "(Fig. 2)"), the rest of its title, and which view it is."""

    def labels(w):
        title = spec_of(variant, w.paper, w.figure)["title"]
        name = re.search(r"\(((?:Fig\.|Table) [^()]+)\)$", title)
        view = "our notes beside it" if w.view else "as in the paper"  # sorts first
        return {
            "figure": name[1] if name else w.figure,
            "title": title[: name.start()].strip() if name else title,
            "view": view,
        }

    return labels


views = registry.views  # the views a figure is drawn in (file-name suffixes)


def source_figure(w):
    """The NetCDF of the figure whose data a figure borrows (config ``data:``), if any."""
    source = figure_spec(w).get("data")
    return [f"results/{w.variant}{w.paper}/{source}.nc"] if source else []


def solve_resources(w, attempt, key):
    """Measured need of one solve chunk (config ``resources:`` of the figure), doubled per retry."""
    declared = {**config["solve_resources"], **figure_spec(w).get("resources", {})}
    return attempt * declared[key]


def all_outputs(variant_name):
    """Every NetCDF, figure and table of the selected papers for 'full' or 'quick'."""
    prefix = {v: k for k, v in VARIANTS.items()}[variant_name]
    out = []
    for paper in SELECTED:
        for figure, spec in PAPERS[paper].items():
            out.append(f"results/{prefix}{paper}/{figure}.nc")
            images = ("png",) if variant_name == "quick" else ("pdf", "png")
            out += [
                f"figures/{prefix}{paper}/{figure}{view}.{ext}"
                for view in views(spec)
                for ext in images
            ]
            out += [
                f"figures/{prefix}{paper}/{figure}.{ext}"
                for ext in spec.get("tables", [])
            ]
    out.append(f"results/{prefix}provenance.html")  # the report's provenance table
    out.append(f"results/{prefix}claims.html")  # the report's claims ledger table
    return out


BASELINES = Path(config["baselines"])


def baseline_files(w):
    """The baselines of a figure, when they exist (a missing one is reported, not fatal)."""
    names = [f"{w.figure}.nc"] + [
        f"{w.figure}{view}.png" for view in views(spec_of("quick/", w.paper, w.figure))
    ]
    files = [BASELINES / w.paper / name for name in names]
    return [str(f) for f in files if f.exists()]


def quick_images(w):
    """The quick PNG of every view of a figure (what the check compares)."""
    spec = spec_of("quick/", w.paper, w.figure)
    return [f"figures/quick/{w.paper}/{w.figure}{view}.png" for view in views(spec)]


def judged_files():
    """Everything the check judges: every quick figure's NetCDF, images, baselines."""
    out = []
    for p, f in quick_figures():
        w = SimpleNamespace(paper=p, figure=f)
        out += [f"results/quick/{p}/{f}.nc", *quick_images(w), *baseline_files(w)]
    return out


def quick_figures():
    return [(p, f) for p in SELECTED for f in PAPERS[p]]


CLAIM_MODULES = [
    f"dissent.claims.{p}"
    for p in SELECTED
    if codedeps.module_path(f"dissent.claims.{p}")
]


def declared_check(paper, figure):
    """A figure's `check:` declaration: what of it is compared, and how."""
    return spec_of("quick/", paper, figure).get("check", {})


def variant_figures(w):
    """The NetCDF of every figure of the selected papers, for the variant of ``w``."""
    return [f"results/{w.variant}{p}/{f}.nc" for p in SELECTED for f in PAPERS[p]]


def variant_benchmarks(w):
    """The benchmark file of every solve job of the variant (wall time, memory per job)."""
    out = []
    for p in SELECTED:
        for f in PAPERS[p]:
            chunks = chunk_files(SimpleNamespace(variant=w.variant, paper=p, figure=f))
            for chunk in chunks:
                panel_dir, name = chunk.rsplit("/chunks/", 1)
                # a panel solved in-process has no job of its own (its time: the figure's attrs)
                if name == "in-process.nc":
                    continue
                logs = panel_dir.replace("results/", "logs/", 1)
                out.append(f"{logs}/solve-{name[:-3]}.benchmark.tsv")
    return out
