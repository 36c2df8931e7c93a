"""The report's provenance page: versions, git commit and config hash of every figure, and the
wall time and memory of every solve job (from Snakemake's benchmark files)."""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from . import io

SOFTWARE = ("software", "git_commit", "python", "numpy", "scipy", "qutip", "xarray")
STYLE = (
    "<style>body{font-family:sans-serif;font-size:13px;max-width:1300px}"
    "table{border-collapse:collapse;margin-bottom:2em;table-layout:auto}"
    "td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}td:first-child{white-space:nowrap}</style>"
)


def table(header: Sequence, rows: Sequence[Sequence]) -> str:
    """An HTML table, every cell escaped."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _solver_time(attrs) -> str:
    if "data_from" in attrs:
        return f"data of {attrs['data_from']}"
    panels = sorted(
        k[len("panel_") : -len("_solve_seconds")]
        for k in attrs
        if k.startswith("panel_") and k.endswith("_solve_seconds")
    )
    return ", ".join(f"{p}: {attrs[f'panel_{p}_solve_seconds']} s" for p in panels)


def page(figure_files: Sequence[str], benchmark_files: Sequence[str], variant: str) -> str:
    """The provenance page of a variant ('full' or 'quick'): what every figure shares (software
    versions, git commit) once, then per figure what differs."""
    attrs = {nc: io.read_netcdf(nc).attrs for nc in figure_files}
    shared = [k for k in SOFTWARE if len({a.get(k, "") for a in attrs.values()}) == 1 and attrs]
    first = next(iter(attrs.values()), {})
    prefix = "quick/" if variant == "quick" else ""
    own = [k for k in SOFTWARE if k not in shared]
    figures = [
        [
            f"{a['paper']}.{a['figure']}",
            a.get("title", ""),
            a.get("config_hash", ""),
            *(a.get(k, "") for k in own),
            _solver_time(a),
        ]
        for a in attrs.values()
    ]
    jobs = []
    for bench in benchmark_files:
        path = Path(bench)
        name = bench.removeprefix("logs/").removesuffix(".benchmark.tsv")
        if not path.exists():  # e.g. a chunk computed before benchmarks were kept
            jobs.append([name, "not recorded", "", ""])
            continue
        with open(path) as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        jobs.append([name, row["s"], row["max_rss"], row["cpu_time"]])
    return "\n".join(
        [
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Provenance</title>",
            STYLE,
            "</head><body>",
            f"<h2>Software (every figure of the {variant} variant)</h2>",
            table(["", "value"], [[k, first.get(k, "")] for k in shared]),
            f"<h2>Figures ({variant} variant; data: results/{prefix}"
            "&lt;paper&gt;/&lt;figure&gt;.nc)</h2>",
            table(["figure", "title", "config hash", *own, "solver time per panel"], figures),
            "<h2>Solve jobs (Snakemake benchmark files)</h2>",
            table(["job", "wall time (s)", "peak RSS (MB)", "CPU time (s)"], jobs),
            "</body></html>",
        ]
    )


def provenance_job(figure_files, benchmark_files, wildcards, output: str, log: str) -> None:
    """The provenance job (Snakemake rule ``provenance``)."""
    with io.job_log(log):
        text = page(figure_files, benchmark_files, "quick" if wildcards.variant else "full")
        with io.atomic_path(output, suffix=".tmp.html") as tmp:
            tmp.write_text(text + "\n")
