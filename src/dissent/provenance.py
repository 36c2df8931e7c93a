"""The report's provenance page: versions, git commit and config hash of every figure, and the
wall time and memory of every solve job (from Snakemake's benchmark files)."""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from . import io

KEYS = ("software", "git_commit", "config_hash", "python", "numpy", "scipy", "qutip", "xarray")


def table(header: Sequence, rows: Sequence[Sequence]) -> str:
    """An HTML table, every cell escaped."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(figure_files: Sequence[str], benchmark_files: Sequence[str], variant: str) -> str:
    """The provenance page of a variant ('full' or 'quick')."""
    figures, jobs = [], []
    for nc in figure_files:
        attrs = io.read_netcdf(nc).attrs
        panels = sorted(
            k[len("panel_") : -len("_solve_seconds")]
            for k in attrs
            if k.startswith("panel_") and k.endswith("_solve_seconds")
        )
        solve = ", ".join(f"{p}: {attrs[f'panel_{p}_solve_seconds']} s" for p in panels)
        if "data_from" in attrs:
            solve = f"data of {attrs['data_from']}"
        figures.append(
            [f"{attrs['paper']}.{attrs['figure']}", nc, *(attrs.get(k, "") for k in KEYS), solve]
        )
    for bench in benchmark_files:
        path = Path(bench)
        if not path.exists():  # e.g. a chunk computed before benchmarks were kept
            jobs.append([bench, "not recorded", "", ""])
            continue
        with open(path) as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        jobs.append([bench, row["s"], row["max_rss"], row["cpu_time"]])
    return "\n".join(
        [
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Provenance</title>",
            "<style>body{font-family:sans-serif;font-size:13px}"
            "table{border-collapse:collapse;margin-bottom:2em}"
            "td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}</style>",
            "</head><body>",
            f"<h2>Figures ({variant} variant)</h2>",
            table(["figure", "data", *KEYS, "solver time per panel"], figures),
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
