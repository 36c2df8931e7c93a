"""Snakemake glue: the claims ledger as one HTML page, "paper says | we get | verdict" per paper."""

from pathlib import Path

from dissent import io
from dissent.claims import load_ledger, render_html

sm = snakemake  # noqa: F821

with io.logged(sm.log[0]):
    variant = sm.wildcards.variant
    ledger = load_ledger(sm.input.ledger, sm.params.figures)
    page = render_html(ledger, Path("results") / variant, variant=variant.rstrip("/") or "full")
    with io.atomic_path(sm.output[0], suffix=".tmp.html") as tmp:
        tmp.write_text(page)
    print(f"{sum(map(len, ledger.values()))} claims of {len(ledger)} papers -> {sm.output[0]}")
