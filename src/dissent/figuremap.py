"""The map of the figures: per configured figure its config entry, solvers, render function, tests
and sections of the reproduction notes (``docs/figures.md``).

``python -m dissent.figuremap [ROOT] > docs/figures.md`` (ROOT: the repository, default ``.``);
a test asserts that the committed file is what this prints. Everything is read statically: the
configuration, the ``@pytest.mark.figure`` markers of ``tests/test_*.py`` (an AST scan: no test
module is imported, so it works the same under pytest-xdist) and the notes' headings.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import codedeps
from . import config as cfg
from .claims import load_ledger

NOTES = "docs/reproduction-notes.md"
OUTPUT = "docs/figures.md"
COMMAND = f"python -m dissent.figuremap > {OUTPUT}"
ROLES = ("solver", "companion")  # the functions of a panel, in dissent.models


def figure_names(papers: Mapping) -> list[str]:
    """Every configured figure as ``'<paper>.<figure>'``, papers sorted, figures in config order."""
    return [f"{paper}.{figure}" for paper in sorted(papers) for figure in papers[paper]]


# --- tests: the figure markers, read from the source ---------------------------------------------
@dataclass(frozen=True)
class Marked:
    """A test (``tests/x.py::name``) or a whole module (``tests/x.py``, ``n_tests`` test
    functions) marked for ``figures``."""

    test: str
    figures: tuple[str, ...]
    n_tests: int = 1


def _marker_figures(node: ast.expr) -> list[str]:
    """Arguments of ``pytest.mark.figure(...)`` (a non-literal argument as its source text, so
    that it is reported as an unknown figure); [] if ``node`` is another expression."""
    if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "pytest.mark.figure"):
        return []
    return [
        a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else ast.unparse(a)
        for a in node.args
    ] or ["<no figure named>"]


def figure_marks(root: str | Path) -> list[Marked]:
    """The ``figure`` markers of ``tests/test_*.py``: decorators of test functions (and of methods
    of ``Test*`` classes) and module-level ``pytestmark`` assignments."""
    root = Path(root)
    out = []
    for path in sorted((root / "tests").glob("test_*.py")):
        name = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text())
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            if cls.name.startswith("Test"):
                functions += [n for n in cls.body if isinstance(n, ast.FunctionDef)]
        functions = [fn for fn in functions if fn.name.startswith("test")]
        for node in tree.body:
            if isinstance(node, ast.Assign) and "pytestmark" in {
                t.id for t in node.targets if isinstance(t, ast.Name)
            }:
                value = node.value
                marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                figures = [f for m in marks for f in _marker_figures(m)]
                if figures:
                    out.append(Marked(name, tuple(figures), len(functions)))
        for fn in functions:
            figures = [f for d in fn.decorator_list for f in _marker_figures(d)]
            if figures:
                out.append(Marked(f"{name}::{fn.name}", tuple(figures)))
    return out


def tests_by_figure(marks: Iterable[Marked]) -> dict[str, list[Marked]]:
    """Figure -> its marked tests (and whole modules), in file order."""
    out: dict[str, list[Marked]] = {}
    for mark in marks:
        for figure in dict.fromkeys(mark.figures):
            out.setdefault(figure, []).append(mark)
    return out


# --- the reproduction notes: which sections talk about a figure -----------------------------------
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_ITEM = r"[A-Z]?\d+"
_RANGE = re.compile(r"([A-Z]?)(\d+)\s*[-–]\s*([A-Z]?)(\d+)$")  # _ITEM - _ITEM, in parts
_FIGS_TEXT = re.compile(
    rf"\bFigs?\.\s*({_ITEM}(?:\([a-z]\))?(?:\s*(?:,|/|and|[-–])\s*{_ITEM}(?:\([a-z]\))?)*)"
)
_FIG_KEY = re.compile(rf"\b(fig|table)({_ITEM}(?:\s*[-–]\s*{_ITEM})?)\b")
_TABLE_TEXT = re.compile(r"\bTables?\s+([IVX]+|\d+)\b")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")


def _expand(item: str) -> list[str]:
    """``'C1-C3'`` -> C1, C2, C3; ``'2'`` -> 2."""
    m = _RANGE.match(item)
    if not m:
        return [item]
    p1, n1, p2, n2 = m.groups()
    if p1 != p2 or int(n2) < int(n1):
        return [p1 + n1, p2 + n2]
    return [f"{p1}{n}" for n in range(int(n1), int(n2) + 1)]


def mentioned_figures(text: str) -> set[str]:
    """Figure keys a text mentions: "Fig. 2", "Figs. D3, D4", "Figs. 7/8", "Table II", and the
    config keys themselves ("figS4", "figC1-C3", "table2")."""
    found: set[str] = set()
    for m in _FIGS_TEXT.finditer(text):
        items = re.sub(r"\([a-z]\)", "", m[1])
        for part in re.split(r"\s*(?:,|/|\band\b)\s*", items):
            found.update(f"fig{x}" for x in _expand(part.strip()))
    for m in _FIG_KEY.finditer(text):
        found.update(f"{m[1]}{x}" for x in _expand(m[2]))
    for m in _TABLE_TEXT.finditer(text):
        found.add(f"table{_ROMAN.get(m[1], m[1])}")
    return found


def anchor(heading: str, seen: dict[str, int] | None = None) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-';
    a repeated heading gets '-1', '-2', ... (``seen`` counts them across calls)."""
    slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
    if seen is None:
        return slug
    n = seen.get(slug, 0)
    seen[slug] = n + 1
    return f"{slug}-{n}" if n else slug


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """Blocks separated by blank lines; a list item starts a new block."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line.strip() or re.match(r"\s{0,1}(?:[-*]|\d+\.)\s", line):
            blocks.append([])
        if line.strip():
            blocks[-1].append(line)
    return [" ".join(b) for b in blocks if b]


def note_sections(notes: str, papers: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Figure (``'<paper>.<figure>'``) -> the (heading, anchor) of every section of the notes
    whose heading or text mentions it, in order. The paper is the one a ``##`` heading names;
    under a heading that names none or several, the one named in the same paragraph."""
    papers = list(papers)
    sections: list[tuple[str, str, str | None, list[str]]] = []
    seen: dict[str, int] = {}
    paper = None
    fenced = False
    for line in notes.splitlines():
        fenced ^= line.startswith("```")
        m = None if fenced else _HEADING.match(line)
        if m:
            heading = m[2]
            if len(m[1]) <= 2:
                named = [p for p in papers if p in heading]
                paper = named[0] if len(named) == 1 else None
            sections.append((heading, anchor(heading, seen), paper, [heading]))
        elif sections:
            sections[-1][3].append(line)
    out: dict[str, list[tuple[str, str]]] = {}
    for heading, slug, paper, lines in sections:
        for text in _paragraphs(lines):
            owners = [paper] if paper else [p for p in papers if p in text]
            for owner in owners:
                for figure in mentioned_figures(text):
                    found = out.setdefault(f"{owner}.{figure}", [])
                    if (heading, slug) not in found:
                        found.append((heading, slug))
    return out


# --- the document -----------------------------------------------------------------------------
HEADER = """\
# Figures: where each one lives

Generated by `{command}` (do not edit it by hand: `tests/test_layout.py`
compares) from `config/papers/*.yaml`, the `@pytest.mark.figure` markers of `tests/`,
`config/claims/*.yaml` and the headings of `docs/reproduction-notes.md`.

Run one figure's tests with `python -m pytest -n 0 --figure <paper>.<figure>` (every figure of a
paper: `--figure <paper>`; every marked test: `-m figure`). The tests of a figure are the physics
tests of its solvers and companions, the tests of its render and table functions, and its claims.
Besides these, every figure is drawn from its quick data by
`tests/test_readability.py::test_figure_is_readable[<paper>.<figure>]` and compared with its
baseline by `snakemake --cores 1 results/checks/<paper>/<figure>.json`. Solvers and companions
are functions of `dissent.models`, render functions of `dissent.figures`.
"""


def _code_link(name: str, package: str) -> str:
    """`name` linked to the source file of its module (relative to docs/)."""
    path = codedeps.module_path(codedeps.function_module(name, package))
    if path is None:
        return f"`{name}`"
    return f"[`{name}`](../src/{codedeps.PACKAGE}/{path.relative_to(codedeps.ROOT).as_posix()})"


def _text(text: str) -> str:
    """Plain text for Markdown: no HTML tags ("<sigma|S|down>"), no table-cell breaks."""
    return text.replace("<", "&lt;").replace("|", "\\|")


@dataclass
class _Sources:
    """What the map is made of, read once."""

    papers: dict
    defined_in: dict[str, list[str]]  # figure -> paper files that configure it
    tests: dict[str, list[Marked]]
    claims: dict[str, list[str]]  # figure -> claim ids
    notes: dict[str, list[tuple[str, str]]]  # figure -> (heading, anchor)


def _read(root: Path) -> _Sources:
    files = cfg.paper_files(root / "config/papers")
    papers = cfg.load_papers(files)
    defined_in: dict[str, list[str]] = {}
    for path in files:
        for paper, figures in cfg.load_papers([path]).items():
            for figure in figures:
                defined_in.setdefault(f"{paper}.{figure}", []).append(
                    path.relative_to(root).as_posix()
                )
    ledger = load_ledger(
        sorted((root / "config/claims").glob("*.yaml")), {p: list(f) for p, f in papers.items()}
    )
    claims: dict[str, list[str]] = {}
    for claim in (c for cs in ledger.values() for c in cs):
        claims.setdefault(f"{claim.paper}.{claim.figure}", []).append(claim.id)
    return _Sources(
        papers=papers,
        defined_in=defined_in,
        tests=tests_by_figure(figure_marks(root)),
        claims=claims,
        notes=note_sections((root / NOTES).read_text(), papers),
    )


def _figure_section(name: str, src: _Sources) -> list[str]:
    paper, figure = name.split(".")
    spec = cfg.figure_spec(src.papers, paper, figure)
    files = ", ".join(f"[{f}](../{f})" for f in src.defined_in[name])
    out = ["", f"## {name}", "", _text(spec.get("title", "")), "", f"- config: `{name}` in {files}"]
    if "data" in spec:
        out.append(f"- data: the NetCDF of `{paper}.{spec['data']}` (no solve of its own)")
    for panel, body in spec.get("panels", {}).items():
        roles = [f"{r} {_code_link(body[r], 'dissent.models')}" for r in ROLES if r in body]
        out.append(f"- panel `{panel}`: " + ", ".join(roles))
    tables = [f"`{spec['render']}_{t}`" for t in spec.get("tables", [])]
    out.append(
        f"- render: {_code_link(spec['render'], 'dissent.figures')}"
        + ("; tables: " + ", ".join(tables) if tables else "")
    )
    if "notes" in spec:
        out.append(
            f"- notes view (`{figure}-notes`): {_code_link(spec['notes'], 'dissent.figures')}"
        )
    marked = src.tests.get(name, [])
    out.append(f"- tests ({sum(m.n_tests for m in marked)}):" + ("" if marked else " none marked"))
    for m in marked:
        whole = "" if "::" in m.test else f" (the whole module: {m.n_tests} tests)"
        out.append(f"  - `{m.test}`{whole}")
    ids = src.claims.get(name, [])
    if ids:
        out.append(
            f"- claims ({len(ids)}, `tests/test_claims.py::test_claim[{paper}.<id>]`): "
            + ", ".join(f"`{i}`" for i in ids)
        )
    sections = src.notes.get(name, [])
    out.append("- notes:" + ("" if sections else " none found"))
    out += [f"  - [{h}](reproduction-notes.md#{a})" for h, a in sections]
    return out


def render(root: str | Path = ".") -> str:
    """The Markdown of ``docs/figures.md`` for the repository at ``root``."""
    src = _read(Path(root).resolve())
    names = figure_names(src.papers)
    out = [HEADER.format(command=COMMAND).rstrip("\n"), ""]
    out += ["| figure | title | tests | claims |", "|---|---|---|---|"]
    for name in names:
        paper, figure = name.split(".")
        title = _text(src.papers[paper][figure].get("title", ""))
        n_tests = sum(m.n_tests for m in src.tests.get(name, []))
        out.append(
            f"| [{name}](#{anchor(name)}) | {title} | {n_tests} | {len(src.claims.get(name, []))} |"
        )
    for name in names:
        out += _figure_section(name, src)
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="the repository (default: .)")
    print(render(parser.parse_args(argv).root), end="")


if __name__ == "__main__":
    main()
