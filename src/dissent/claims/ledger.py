"""Load, validate and evaluate the claims ledger; render it as an HTML table.

``config/claims/<paper>.yaml`` holds ``<paper>: [claim, ...]``; each claim has

- ``id``: unique within the paper (``fig3-eq23`` ...);
- ``where``: where the paper says it (section, equation, figure, page words);
- ``quote``: the paper's words or number;
- ``figure``: the figure whose NetCDF the claim is computed from (a key of ``config/papers``);
- ``compute``: ``"<module>.<function>"`` in :mod:`dissent.claims`, ``fn(ds) -> float | bool``;
- ``expected``: what the test asserts we get: a number (with ``rtol`` and/or ``atol``) or a bool
  (a qualitative test; no tolerance). For a claim that ``disagrees`` it is *our* value (the one
  the note explains), not the paper's, so the test fails if our numbers change;
- ``verdict``: ``agrees`` | ``disagrees`` | ``qualified``;
- ``quick``: whether ``expected`` holds on the quick variant (``false``: the value check needs
  the full grid; on quick data only the plumbing is checked);
- optional ``paper_value``: only what the paper states (its printed number or reading), for the
  table;
- optional ``threshold``: a threshold or reading that *we* chose to make a loose statement
  checkable ("C >= 0.1 counts as 'significant'"); the table shows it marked as ours;
- optional ``rtol``, ``atol`` and ``note`` (required unless the verdict is ``agrees``): the section
  of ``docs/reproduction-notes.md`` that explains it, as headings separated by `` > `` (a last
  part ``item N`` is free text).

A ``quote`` is verbatim: ``...`` marks an omission, ``[brackets]`` an insertion of ours
(``tests/test_quotes.py`` checks every quote against the paper texts). A claim function tests the
whole statement quoted, not a convenient part of it; where the statement reaches beyond the stored
data (other initial states, perturbed fields, the antiferromagnetic case) it recomputes with the
model at the figure's stored parameters and says so in its docstring.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..registry import ParameterError, resolve

REQUIRED = ("id", "where", "quote", "figure", "compute", "expected", "verdict", "quick")
OPTIONAL = ("rtol", "atol", "note", "paper_value", "threshold")
VERDICTS = ("agrees", "disagrees", "qualified")


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a paper about one of its figures."""

    paper: str
    id: str
    where: str
    quote: str
    figure: str
    compute: str
    expected: float | bool
    verdict: str
    quick: bool
    rtol: float = 0.0
    atol: float = 0.0
    note: str = ""
    paper_value: str = ""
    threshold: str = ""

    @property
    def key(self) -> str:
        return f"{self.paper}.{self.id}"

    @property
    def function(self) -> Callable:
        return resolve(self.compute, "dissent.claims")

    @property
    def computed(self) -> str:
        """What the claim function computes: its docstring, whitespace collapsed."""
        return " ".join((self.function.__doc__ or self.compute).split())

    def expected_text(self) -> str:
        if isinstance(self.expected, bool):
            return str(self.expected).lower()
        tol = [f"rtol {self.rtol:g}"] * bool(self.rtol) + [f"atol {self.atol:g}"] * bool(self.atol)
        return f"{self.expected:.6g} ({', '.join(tol) or 'exact'})"


def _claim(paper: str, index: int, raw, figures: Mapping[str, Iterable[str]]) -> Claim:
    where = f"{paper}[{index}]"
    if not isinstance(raw, Mapping):
        raise ParameterError(where, "each claim must be a mapping of fields")
    if "id" in raw:
        where = f"{paper}.{raw['id']}"
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ParameterError(
            f"{where}.{unknown[0]}", f"unknown field; allowed: {REQUIRED + OPTIONAL}"
        )
    for field in REQUIRED:
        if field not in raw:
            raise ParameterError(f"{where}.{field}", "missing field")
    for field in ("id", "where", "quote", "figure", "compute"):
        if not isinstance(raw[field], str) or not raw[field].strip():
            raise ParameterError(f"{where}.{field}", "must be a non-empty string")
    for field in ("paper_value", "threshold", "note"):
        if field in raw and (not isinstance(raw[field], str) or not raw[field].strip()):
            raise ParameterError(f"{where}.{field}", "must be a non-empty string if given")
    if raw["verdict"] not in VERDICTS:
        raise ParameterError(f"{where}.verdict", f"{raw['verdict']!r} is not one of {VERDICTS}")
    if not isinstance(raw["quick"], bool):
        raise ParameterError(f"{where}.quick", "must be true or false")
    if raw["verdict"] != "agrees" and not str(raw.get("note", "")).strip():
        raise ParameterError(f"{where}.note", f"a claim that {raw['verdict']} needs a note")
    if raw["figure"] not in figures.get(paper, ()):
        raise ParameterError(f"{where}.figure", f"{raw['figure']!r} is not a figure of {paper}")
    try:
        resolve(raw["compute"], "dissent.claims")
    except (ValueError, ImportError) as err:
        raise ParameterError(f"{where}.compute", str(err)) from None
    expected = raw["expected"]
    tol = {k: raw.get(k, 0.0) for k in ("rtol", "atol")}
    if isinstance(expected, bool):
        if "rtol" in raw or "atol" in raw:
            raise ParameterError(
                f"{where}.expected", "a qualitative (bool) claim takes no tolerance"
            )
    elif isinstance(expected, int | float) and math.isfinite(expected):
        if not ("rtol" in raw or "atol" in raw):
            raise ParameterError(f"{where}.expected", "a numeric claim needs rtol and/or atol")
        for k, v in tol.items():
            if not isinstance(v, int | float) or isinstance(v, bool) or not v >= 0:
                raise ParameterError(f"{where}.{k}", "must be a number >= 0")
    else:
        raise ParameterError(f"{where}.expected", "must be a finite number or true/false")
    return Claim(
        paper=paper,
        id=raw["id"],
        where=raw["where"].strip(),
        quote=raw["quote"].strip(),
        figure=raw["figure"],
        compute=raw["compute"],
        expected=expected if isinstance(expected, bool) else float(expected),
        verdict=raw["verdict"],
        quick=raw["quick"],
        rtol=float(tol["rtol"]),
        atol=float(tol["atol"]),
        note=str(raw.get("note", "")).strip(),
        paper_value=str(raw.get("paper_value", "")).strip(),
        threshold=str(raw.get("threshold", "")).strip(),
    )


def load_ledger(
    paths: Iterable[str | Path], figures: Mapping[str, Iterable[str]]
) -> dict[str, list[Claim]]:
    """Read and validate ledger files; ``figures`` maps paper -> its figure keys (from config).

    Raises :class:`~dissent.registry.ParameterError` naming the offending key for an unknown
    paper, field, verdict, figure or function, a missing field, a bad tolerance or a repeated id.
    """
    ledger: dict[str, list[Claim]] = {}
    for path in sorted(Path(p) for p in paths):
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError as err:
            raise ParameterError(str(path), f"not valid YAML: {err}") from None
        if not isinstance(data, Mapping) or len(data) != 1:
            raise ParameterError(str(path), "must hold exactly one paper key with a list of claims")
        ((paper, claims),) = data.items()
        if paper not in figures:
            raise ParameterError(paper, f"unknown paper in {path}; known: {sorted(figures)}")
        if paper in ledger:
            raise ParameterError(paper, f"claims of this paper given twice ({path})")
        if not isinstance(claims, list) or not claims:
            raise ParameterError(paper, "must be a non-empty list of claims")
        parsed = [_claim(paper, i, raw, figures) for i, raw in enumerate(claims)]
        seen: set[str] = set()
        for c in parsed:
            if c.id in seen:
                raise ParameterError(f"{paper}.{c.id}.id", "repeated claim id")
            seen.add(c.id)
        ledger[paper] = parsed
    return ledger


def check_value(claim: Claim, value) -> bool:
    """Whether ``value`` (the claim function's result) is what the ledger expects."""
    if isinstance(claim.expected, bool):
        return isinstance(value, bool) and value is claim.expected
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    return abs(value - claim.expected) <= claim.atol + claim.rtol * abs(claim.expected)


def evaluate(claim: Claim, ds) -> tuple[float | bool, bool]:
    """(value, whether it is the expected one) of ``claim`` on the figure's dataset ``ds``."""
    value = claim.function(ds)
    if hasattr(value, "item") and not isinstance(value, bool):  # numpy scalars
        value = value.item()
    return value, check_value(claim, value)


def note_anchor_missing(note: str, notes_text: str) -> str | None:
    """The first heading of ``note`` (``"A > B > item 2"``) not found in order in the notes."""
    headings = [
        line.lstrip("#").strip() for line in notes_text.splitlines() if line.startswith("#")
    ]
    pos = 0
    for part in (p.strip() for p in note.split(">")):
        if part.startswith("item "):
            continue
        for i in range(pos, len(headings)):
            if headings[i].startswith(part):
                pos = i + 1
                break
        else:
            return part
    return None


def _fmt(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


# (header, width in % of the page) of the claims table: fixed widths, text wraps in its cell, so
# the table fits the report's frame (half of a 1400 px window beside the navigation) or a page
COLUMNS = (
    ("claim (figure, where)", 16),
    ("paper says", 28),
    ("we get (check)", 13),
    ("computed as", 23),
    ("verdict, note", 20),
)
STYLE = (
    "body{font-family:sans-serif;font-size:13px;margin:8px}"
    "table{border-collapse:collapse;margin-bottom:2em;width:100%;table-layout:fixed}"
    "td,th{border:1px solid #bbb;padding:2px 4px;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere;word-break:normal;hyphens:auto}"
    "th{background:#eee}.agrees{background:#e6f4e6}.disagrees{background:#fbe3e3}"
    ".qualified{background:#fdf3d8}.fail{color:#b00;font-weight:bold}.check,.note{color:#444}"
    ".ours{font-style:italic;color:#245}"
)


def render_html(
    ledger: Mapping[str, list[Claim]], results: str | Path, variant: str = "full"
) -> str:
    """Per-paper tables "paper says | we get | verdict" from the figures under ``results``.

    ``results`` is ``results/`` (full) or ``results/quick/``; claims that need the full grid are
    marked as such on quick data. A missing figure is reported in the row, not an error.
    """
    results = Path(results)
    cache: dict[Path, object] = {}
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Claims ledger</title>",
        f"<style>{STYLE}</style>",
        "</head><body>",
        f"<h1>Claims ledger ({esc(variant)} variant)</h1>",
        "<p>Every number and checkable statement of the papers about their figures, computed from "
        "the figures' NetCDF files. <i>paper says</i> quotes the paper verbatim (… an omission, "
        "[brackets] our insertion), with the paper's value in bold and, marked <i>ours</i>, a "
        "threshold or reading we chose to make the statement checkable. <i>we get</i> is our "
        "value; <i>check</i> says whether it is the value recorded in <code>config/claims/</code> "
        "(the tests assert the same). Notes point to <code>docs/reproduction-notes.md</code>.</p>",
    ]
    from .. import io

    for paper, claims in ledger.items():
        counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
        parts.append(
            f"<h2>{esc(paper)}</h2><p>{len(claims)} claims: "
            + ", ".join(f"{n} {v}" for v, n in counts.items())
            + "</p>"
        )
        parts.append(
            "<table><colgroup>"
            + "".join(f"<col style='width:{w}%'>" for _, w in COLUMNS)
            + "</colgroup><thead><tr>"
            + "".join(f"<th>{h}</th>" for h, _ in COLUMNS)
            + "</tr></thead><tbody>"
        )
        for c in claims:
            path = results / paper / f"{c.figure}.nc"
            if not path.exists():
                got, check = "figure not built", "-"
            else:
                if path not in cache:
                    cache[path] = io.read_netcdf(path)
                try:
                    value, ok = evaluate(c, cache[path])
                    got = _fmt(value)
                    if variant == "quick" and not c.quick:
                        check = "needs the full grid"
                    else:
                        check = "as recorded" if ok else f"CHANGED (recorded {c.expected_text()})"
                except Exception as err:  # shown in the report, the tests fail on it
                    got, check = f"error: {type(err).__name__}: {err}", "CHANGED"
            says = esc(c.quote)
            if c.paper_value:
                says += f"<br><b>{esc(c.paper_value)}</b>"
            if c.threshold:
                says += f"<br><span class='ours'>ours: {esc(c.threshold)}</span>"
            cls = "fail" if check.startswith("CHANGED") else "check"
            note = f"<br><span class='note'>{esc(c.note)}</span>" if c.note else ""
            parts.append(
                f"<tr class='{c.verdict}'><td><b>{esc(c.id)}</b><br>{esc(c.figure)}; "
                f"{esc(c.where)}</td><td>{says}</td><td>{esc(got)}<br>"
                f"<span class='{cls}'>{esc(check)}</span></td><td>{esc(c.computed)}</td>"
                f"<td><b>{esc(c.verdict)}</b>{note}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def claims_job(ledger_files, figures: Mapping[str, Iterable[str]], wildcards, output, log) -> None:
    """The claims page of a variant (Snakemake rule ``claims``): the ledger against the figures'
    data under ``results/`` (or ``results/quick/``)."""
    from .. import io

    with io.job_log(log) as fh:
        variant = wildcards.variant
        ledger = load_ledger(ledger_files, figures)
        page = render_html(ledger, Path("results") / variant, variant=variant.rstrip("/") or "full")
        with io.atomic_path(output, suffix=".tmp.html") as tmp:
            tmp.write_text(page)
        print(f"{sum(map(len, ledger.values()))} claims of {len(ledger)} papers", file=fh)
