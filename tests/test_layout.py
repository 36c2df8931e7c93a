"""How the project is laid out: every figure has marked tests, docs/figures.md is generated from
the configuration, and the package has no import cycles and no imports inside functions."""

from __future__ import annotations

import ast
import importlib.util
import os
from pathlib import Path

import pytest
from quickdata import PAPERS

from dissent import codedeps, figuremap

ROOT = Path(__file__).resolve().parents[1]
FIGURES = figuremap.figure_names(PAPERS)


def _this_conftest():
    """tests/conftest.py as a module of its own (``import conftest`` may give tests/cluster's,
    whichever conftest pytest imported last in this process)."""
    spec = importlib.util.spec_from_file_location("tests_conftest", ROOT / "tests/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conftest = _this_conftest()


# --- tests found by figure ---------------------------------------------------------------------
def test_every_configured_figure_has_marked_tests():
    """A static scan of tests/test_*.py (the same under pytest-xdist), not of collected items."""
    assert len(FIGURES) >= 28  # the four papers (the check is not vacuous)
    marked = figuremap.tests_by_figure(figuremap.figure_marks(ROOT))
    missing = [name for name in FIGURES if name not in marked]
    assert not missing, f"no test is marked @pytest.mark.figure(...) for {missing}"


def test_every_marker_names_a_configured_figure():
    unknown = [
        (mark.test, name)
        for mark in figuremap.figure_marks(ROOT)
        for name in mark.figures
        if name not in FIGURES
    ]
    assert not unknown, f"markers name figures that are not configured: {unknown}"


SAMPLE = """
import pytest

@pytest.mark.figure("zou2022.fig2")
def test_a():
    pass

@pytest.mark.figure("zou2022.fig3", "hou2025.fig1")
def test_b():
    pass

@pytest.mark.parametrize("paper, fig", [("hou2025", "fig4"), ("zou2022", "figS5")])
def test_c(paper, fig):
    pass

def test_d():
    pass
"""


def _collect(tmp_path, capsys, source: str, *options: str) -> tuple[int, str]:
    """Collect ``source`` in-process with this directory's conftest.py as the only conftest:
    (exit code, output)."""
    path = tmp_path / f"test_sample_{len(list(tmp_path.iterdir()))}.py"
    path.write_text(source)
    args = ["-c", os.devnull, "--rootdir", str(tmp_path), "--import-mode=importlib"]
    args += ["-p", "no:cacheprovider", "-p", "no:xdist", "--collect-only", "-q", *options]
    code = pytest.main([*args, str(path)], plugins=[conftest])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_figure_option_selects_a_figure_and_unknown_figures_fail_collection(tmp_path, capsys):
    code, out = _collect(
        tmp_path, capsys, SAMPLE, "--figure", "zou2022.fig2", "--figure", "hou2025"
    )
    assert code == pytest.ExitCode.OK, out
    collected = {line.split("::")[1] for line in out.splitlines() if "::" in line}
    assert collected == {"test_a", "test_b", "test_c[hou2025-fig4]"}
    code, out = _collect(tmp_path, capsys, SAMPLE.replace('"hou2025.fig1"', '"hou2025.fig9"'))
    assert code == pytest.ExitCode.INTERRUPTED and "test_b: @pytest.mark.figure names" in out
    assert "['hou2025.fig9'], not a configured figure" in out
    code, out = _collect(tmp_path, capsys, SAMPLE, "--figure", "zou2022.fig9")
    assert code == pytest.ExitCode.USAGE_ERROR and "--figure zou2022.fig9" in out


# --- docs/figures.md ---------------------------------------------------------------------------
def test_docs_figures_md_is_generated_from_the_configuration():
    committed = (ROOT / figuremap.OUTPUT).read_text()
    assert committed == figuremap.render(ROOT), (
        f"{figuremap.OUTPUT} is out of date: regenerate it with `{figuremap.COMMAND}`"
    )


def test_figure_mentions_and_anchors():
    text = "Figs. D3, D4 and Fig. 3(a); figC1-C3, Figs. 7/8, Table II, table2 and Fig. S4"
    assert figuremap.mentioned_figures(text) == {
        "figD3",
        "figD4",
        "fig3",
        "figC1",
        "figC2",
        "figC3",
        "fig7",
        "fig8",
        "table2",
        "figS4",
    }
    assert figuremap.mentioned_figures("the figure; config/papers; 3 figures") == set()
    seen: dict[str, int] = {}
    heading = "zou2022 — Bell-state generation (`note:`), c/r_max >= 6"
    assert figuremap.anchor(heading, seen) == "zou2022--bell-state-generation-note-cr_max--6"
    assert figuremap.anchor(heading, seen).endswith("-6-1")  # repeated: GitHub appends -1
    notes = "## hou2025 — x\n### Outputs\nFig. 4 and Fig. 1.\n## All\n- zou2022 fig3: x\n"
    assert figuremap.note_sections(notes, ["hou2025", "zou2022"]) == {
        "hou2025.fig4": [("Outputs", "outputs")],
        "hou2025.fig1": [("Outputs", "outputs")],
        "zou2022.fig3": [("All", "all")],
    }


# --- imports -----------------------------------------------------------------------------------
# No import cycles (the bello2022 eom <-> inhomogeneous cycle went with the restructure of issue
# 16, step 2). The imports inside functions listed here must still be needed: when one goes,
# delete it (the test says which).
KNOWN_CYCLES: set[frozenset[str]] = set()
KNOWN_FUNCTION_IMPORTS = {
    # not cycles: start-up cost (dissent.io imports xarray/netCDF4, ~1 s) and a lazy import
    ("dissent.claims.ledger", "dissent.io"): "keeps `import dissent.claims` free of xarray",
}


def _modules() -> list[str]:
    names = []
    for path in sorted(codedeps.ROOT.rglob("*.py")):
        parts = (codedeps.PACKAGE, *path.relative_to(codedeps.ROOT).with_suffix("").parts)
        names.append(".".join(parts).removesuffix(".__init__"))
    return names


def _imports(module: str) -> tuple[set[str], set[str]]:
    """Project modules that ``module`` imports: (anywhere, inside functions). A module's own
    parent packages are left out (Python has run them before the module anyway)."""
    path = codedeps.module_path(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text())

    def loaded(nodes):
        names = set()
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names |= codedeps.imported_names(node, package)
        return {n for n in names if codedeps.module_path(n) and not module.startswith(f"{n}.")}

    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    return loaded(ast.walk(tree)), loaded(n for f in functions for n in ast.walk(f))


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out = set()

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = {stack.pop()}
            while v not in component:
                component.add(stack.pop())
            if len(component) > 1:
                out.add(frozenset(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == {frozenset("abc")}
    assert _cycles({"a": {"b"}, "b": set()}) == set()


def test_no_import_cycles_and_no_imports_inside_functions():
    """Every import statement counts (codedeps' static scan, functions included); an import of
    a module's own parent package is not an edge (Python runs the parent first anyway)."""
    imports = {m: _imports(m) for m in _modules()}
    cycles = _cycles({m: anywhere for m, (anywhere, _) in imports.items()})
    inside = {(m, n) for m, (_, in_functions) in imports.items() for n in in_functions}
    allowed = set(KNOWN_FUNCTION_IMPORTS)
    assert not cycles - KNOWN_CYCLES, f"import cycles: {sorted(map(sorted, cycles))}"
    assert not inside - allowed, (
        f"imports of project modules inside functions: {sorted(inside - allowed)}; import at "
        "module level (a cycle means two modules want a third that both import)"
    )
    stale = sorted(map(sorted, KNOWN_CYCLES - cycles)) + sorted(allowed - inside)
    assert not stale, f"gone, delete from KNOWN_CYCLES / KNOWN_FUNCTION_IMPORTS: {stale}"
