"""The claims ledger (config/claims/*.yaml): its validation, and one test per claim.

Each claim is evaluated on the quick variant of its figure (tests/quickdata.py).
A claim that needs the full grid (``quick: false``) is run on the quick data for its plumbing and
checked for its value on ``results/`` (or ``$DISSENT_FULL_RESULTS``) when full data is there.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
import yaml

from dissent import config as cfg
from dissent import io
from dissent.claims import evaluate, load_ledger, note_anchor_missing, render_html
from dissent.registry import ParameterError

ROOT = Path(__file__).resolve().parents[1]
PAPERS = cfg.load_papers(cfg.paper_files(ROOT / "config" / "papers"))
FIGURES = {paper: list(figs) for paper, figs in PAPERS.items()}
LEDGER_FILES = sorted((ROOT / "config" / "claims").glob("*.yaml"))
LEDGER = load_ledger(LEDGER_FILES, FIGURES)
CLAIMS = [c for claims in LEDGER.values() for c in claims]
FULL = Path(os.environ.get("DISSENT_FULL_RESULTS", ROOT / "results"))


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.key)
def test_claim(claim, quick_data):
    value, ok = evaluate(claim, quick_data(claim.paper, claim.figure))
    if claim.quick:
        assert ok, f"{claim.key}: got {value!r}, ledger records {claim.expected_text()}"
        return
    # full-grid claim: the function works on the quick data ...
    assert isinstance(value, bool) == isinstance(claim.expected, bool)
    assert isinstance(value, bool | float | int)
    path = FULL / claim.paper / f"{claim.figure}.nc"
    if not path.exists() or io.read_netcdf(path).attrs.get("variant") != "full":
        pytest.skip(f"value check needs the full figure {path}")
    value, ok = evaluate(claim, io.read_netcdf(path))
    assert ok, f"{claim.key} on {path}: got {value!r}, ledger records {claim.expected_text()}"


def test_ledger_covers_every_paper_and_counts():
    assert set(LEDGER) == set(FIGURES)
    assert len(CLAIMS) >= 100


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.note], ids=lambda c: c.key)
def test_notes_point_to_existing_sections(claim):
    notes = (ROOT / "docs" / "reproduction-notes.md").read_text()
    missing = note_anchor_missing(claim.note, notes)
    assert missing is None, f"{claim.key}: no heading {missing!r} in docs/reproduction-notes.md"


GOOD = {
    "id": "x",
    "where": "Fig. 2",
    "quote": "C = 1/2",
    "figure": "fig2",
    "compute": "zou2022.fig2_steady_half",
    "expected": 0.5,
    "atol": 1e-6,
    "verdict": "agrees",
    "quick": True,
}


def _load(tmp_path, claims, paper="zou2022"):
    path = tmp_path / f"{paper}.yaml"
    path.write_text(yaml.safe_dump({paper: claims}))
    return load_ledger([path], FIGURES)


@pytest.mark.parametrize(
    "change, key",
    [
        ({"colour": "red"}, "zou2022.x.colour"),
        ({"compute": "zou2022.no_such_function"}, "zou2022.x.compute"),
        ({"compute": "nopaper.fn"}, "zou2022.x.compute"),
        ({"figure": "fig9"}, "zou2022.x.figure"),
        ({"verdict": "maybe"}, "zou2022.x.verdict"),
        ({"verdict": "disagrees"}, "zou2022.x.note"),
        ({"quick": "yes"}, "zou2022.x.quick"),
        ({"atol": -1.0}, "zou2022.x.atol"),
        ({"expected": True}, "zou2022.x.expected"),
        ({"expected": "half"}, "zou2022.x.expected"),
    ],
)
def test_bad_ledger_entries_name_the_key(tmp_path, change, key):
    with pytest.raises(ParameterError) as err:
        _load(tmp_path, [{**GOOD, **change}])
    assert err.value.key == key


def test_missing_field_repeated_id_unknown_paper_are_named(tmp_path):
    entry = {k: v for k, v in GOOD.items() if k != "where"}
    with pytest.raises(ParameterError, match=r"zou2022\.x\.where: missing field"):
        _load(tmp_path, [entry])
    entry = {k: v for k, v in GOOD.items() if k not in ("rtol", "atol")}
    with pytest.raises(ParameterError, match="rtol and/or atol"):
        _load(tmp_path, [entry])
    with pytest.raises(ParameterError, match="repeated claim id"):
        _load(tmp_path, [GOOD, GOOD])
    with pytest.raises(ParameterError, match="unknown paper"):
        _load(tmp_path, [GOOD], paper="smith2020")
    bad = tmp_path / "zou2022.yaml"
    bad.write_text("zou2022:\n  - id: x\n    note: a: b\n")
    with pytest.raises(ParameterError, match="not valid YAML") as err:
        load_ledger([bad], FIGURES)
    assert err.value.key == str(bad)


def test_evaluate_and_html_table(tmp_path, quick_data):
    ledger = _load(
        tmp_path,
        [
            GOOD,
            {
                **GOOD,
                "id": "y",
                "expected": 0.4,
                "verdict": "qualified",
                "note": "zou2022",
                "paper_value": "0.4 <b>",
            },
        ],
    )
    ds = quick_data("zou2022", "fig2")
    (value, ok), (_, wrong) = (evaluate(c, ds) for c in ledger["zou2022"])
    assert ok and not wrong and math.isclose(value, 0.5, abs_tol=1e-6)
    results = tmp_path / "results"
    io.write_netcdf(ds, results / "zou2022" / "fig2.nc")
    page = render_html(ledger, results, variant="quick")
    assert page.count("<tr class=") == 2 and "as recorded" in page and "CHANGED" in page
    assert "0.4 &lt;b&gt;" in page  # escaped
    page = render_html(ledger, tmp_path / "nothing")
    assert page.count("figure not built") == 2


# Measures the claims page as a browser lays it out: the page's width against the window's, and
# every cell whose content is wider than the cell (cut off or spilling into the next column).
MEASURE_LAYOUT = """<script>
document.body.dataset.windowWidth = window.innerWidth;
document.body.dataset.pageWidth = document.documentElement.scrollWidth;
const cells = [...document.querySelectorAll("td, th")];
document.body.dataset.cells = cells.length;
document.body.dataset.overflowing = cells.filter(c => c.scrollWidth > c.clientWidth + 1).length;
document.body.dataset.narrowest = Math.min(...cells.map(c => c.getBoundingClientRect().width));
document.body.dataset.smallestFont = Math.min(
  ...cells.map(c => parseFloat(getComputedStyle(c).fontSize)));
</script>"""


@pytest.mark.parametrize("width", [1400, 700])
def test_claims_table_is_readable_in_a_browser(tmp_path, width):
    """The whole ledger on the quick data fits the window: nothing cut off on the right, no cell
    overflows, text wraps in fixed columns (1400 px: the report's window; 700 px: the report's
    frame beside its navigation bar, which takes half the window)."""
    import re

    from report_view import browser, dump_dom

    if browser() is None:
        pytest.skip("no Chromium/Chrome on PATH (Debian: apt-get install chromium)")
    page = render_html(LEDGER, ROOT / "tests" / "baselines", variant="quick")
    assert page.count("<tr class=") == len(CLAIMS)
    end = page.rfind("</body>")
    path = tmp_path / "claims.html"
    path.write_text(page[:end] + MEASURE_LAYOUT + page[end:])
    dom = dump_dom(path, width=width)
    got = {k: float(v) for k, v in re.findall(r'data-([a-z-]+)="([\d.]+)"', dom)}
    assert got["cells"] > len(CLAIMS), got
    assert got["page-width"] <= got["window-width"], f"the table is cut off on the right: {got}"
    assert got["overflowing"] == 0, f"cells whose content is wider than the cell: {got}"
    assert got["narrowest"] >= 80, got  # no column squeezed to a few characters
    assert got["smallest-font"] >= 12, got


def test_threshold_is_shown_as_ours(tmp_path):
    ledger = _load(tmp_path, [{**GOOD, "threshold": "C >= 0.4 counts as 'large'"}])
    assert ledger["zou2022"][0].threshold == "C >= 0.4 counts as 'large'"
    page = render_html(ledger, tmp_path / "nothing")
    assert "<span class='ours'>ours: C &gt;= 0.4 counts as &#x27;large&#x27;</span>" in page
    with pytest.raises(ParameterError) as err:
        _load(tmp_path, [{**GOOD, "threshold": 0.4}])
    assert err.value.key == "zou2022.x.threshold"
