# Configuration, validation and the figure registry. Everything here runs before any job, so a bad
# configuration stops the workflow with a message naming the key.
import importlib.util
from functools import cache
from pathlib import Path

from snakemake.exceptions import WorkflowError
import yaml

from dissent import config as cfg
from dissent import registry


def _load_papers():
    try:
        schema = yaml.safe_load(
            Path(workflow.basedir, "workflow/schemas/config.schema.yaml").read_text()
        )
        cfg.check_schema(config, schema)
        papers = cfg.load_papers(cfg.paper_files(config["paper_configs"]))
        papers = cfg.deep_merge(papers, config.get("figures") or {})
        cfg.validate(papers, config["papers"])
    except cfg.ConfigError as exc:
        raise WorkflowError(f"Invalid configuration: {exc}") from None
    return papers


PAPERS = _load_papers()
SELECTED = list(config["papers"])
VARIANTS = {"": "full", "quick/": "quick"}


wildcard_constraints:
    variant="(quick/)?",
    paper="|".join(sorted(PAPERS)),
    figure="[A-Za-z0-9_]+",
    panel="[A-Za-z0-9_]+",
    chunk=r"\d+",
    n=r"\d+",
    ext="csv|md",


@cache
def spec_of(variant, paper, figure):
    """Effective configuration of a figure for a variant path prefix ('' or 'quick/')."""
    return cfg.figure_spec(PAPERS, paper, figure, VARIANTS[variant])


def figure_spec(w):
    return spec_of(w.variant, w.paper, w.figure)


def panel_spec(w):
    return figure_spec(w)["panels"][w.panel]


def n_chunks(variant, paper, figure, panel):
    spec = spec_of(variant, paper, figure)
    wanted = spec.get("chunks", config["chunks"])
    return max(1, min(wanted, cfg.n_points(spec["panels"][panel].get("grid", {}))))


def chunk_files(w):
    """Every chunk of every panel of a figure."""
    files = []
    for panel in figure_spec(w)["panels"]:
        n = n_chunks(w.variant, w.paper, w.figure, panel)
        prefix = f"results/{w.variant}{w.paper}/{w.figure}/{panel}"
        files += [f"{prefix}/chunks/{i}-of-{n}.nc" for i in range(n)]
    return files


def grid_files(w):
    prefix = f"results/{w.variant}{w.paper}/{w.figure}"
    return [f"{prefix}/{panel}/grid.nc" for panel in figure_spec(w)["panels"]]


def module_sources(name, package):
    """Source files of the module holding ``name`` ('module.function'): a change reruns the job."""
    module_name = name.rpartition(".")[0]
    origin = Path(importlib.util.find_spec(f"{package}.{module_name}").origin)
    return (
        sorted(map(str, origin.parent.glob("*.py")))
        if origin.name == "__init__.py"
        else [str(origin)]
    )


QUANTUM_SOURCES = sorted(
    map(str, Path(registry.__file__).parent.joinpath("quantum").glob("*.py"))
)


def solver_sources(w):
    panel = panel_spec(w)
    names = [panel["solver"]] + ([panel["companion"]] if "companion" in panel else [])
    return sorted(
        {f for n in names for f in module_sources(n, "dissent.models")}
        | set(QUANTUM_SOURCES)
    )


def companion_sources(w):
    return sorted(
        {
            f
            for panel in figure_spec(w)["panels"].values()
            if "companion" in panel
            for f in module_sources(panel["companion"], "dissent.models")
        }
    )


def render_sources(w):
    return module_sources(figure_spec(w)["render"], "dissent.figures")


def all_outputs(variant_name):
    """Every NetCDF, figure and table of the selected papers for 'full' or 'quick'."""
    prefix = {v: k for k, v in VARIANTS.items()}[variant_name]
    out = []
    for paper in SELECTED:
        for figure, spec in PAPERS[paper].items():
            out.append(f"results/{prefix}{paper}/{figure}.nc")
            out += [f"figures/{prefix}{paper}/{figure}.{ext}" for ext in ("pdf", "png")]
            out += [
                f"figures/{prefix}{paper}/{figure}.{ext}"
                for ext in spec.get("tables", [])
            ]
    out.append(f"results/{prefix}provenance.html")  # the report's provenance table
    return out


BASELINES = Path(config["baselines"])


def baseline_files(w):
    """The baselines of a figure, when they exist (a missing one is reported, not fatal)."""
    files = [BASELINES / w.paper / f"{w.figure}.{ext}" for ext in ("nc", "png")]
    return [str(f) for f in files if f.exists()]


def quick_figures():
    return [(p, f) for p in SELECTED for f in PAPERS[p]]
