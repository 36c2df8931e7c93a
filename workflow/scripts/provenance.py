"""Snakemake glue: one HTML table of the provenance of every figure and the runtime of every job."""

import csv
import html
from pathlib import Path

from dissent import io

sm = snakemake  # noqa: F821
KEYS = ("software", "git_commit", "config_hash", "python", "numpy", "scipy", "qutip", "xarray")


def table(header, rows):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


with io.logged(sm.log[0]):
    figures, jobs = [], []
    for nc in sm.input.nc:
        attrs = io.read_netcdf(nc).attrs
        panels = sorted(
            k[len("panel_") : -len("_solve_seconds")]
            for k in attrs
            if k.startswith("panel_") and k.endswith("_solve_seconds")
        )
        solve = ", ".join(f"{p}: {attrs[f'panel_{p}_solve_seconds']} s" for p in panels)
        figures.append(
            [f"{attrs['paper']}.{attrs['figure']}", nc, *(attrs.get(k, "") for k in KEYS), solve]
        )
    for bench in sm.params.benchmarks:
        path = Path(bench)
        if not path.exists():  # e.g. a chunk computed before benchmarks were kept
            jobs.append([bench, "not recorded", "", ""])
            continue
        with open(path) as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        jobs.append([bench, row["s"], row["max_rss"], row["cpu_time"]])
    page = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Provenance</title>",
        "<style>body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse;"
        "margin-bottom:2em}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}</style>",
        "</head><body>",
        f"<h2>Figures ({sm.wildcards.variant or 'full '}variant)</h2>",
        table(["figure", "data", *KEYS, "solver time per panel"], figures),
        "<h2>Solve jobs (Snakemake benchmark files)</h2>",
        table(["job", "wall time (s)", "peak RSS (MB)", "CPU time (s)"], jobs),
        "</body></html>",
    ]
    with io.atomic_path(sm.output[0], suffix=".tmp.html") as tmp:
        tmp.write_text("\n".join(page) + "\n")
