"""The code each figure's results depend on (dissent.codedeps): static import closures."""

from pathlib import Path

import pytest

from dissent import codedeps, config, registry

ROOT = Path(__file__).resolve().parents[1]
PAPERS = config.load_papers(config.paper_files(ROOT / "config/papers"))


def test_closure_follows_imports_inside_functions_relative_imports_and_parents(
    tmp_path, monkeypatch
):
    pkg = tmp_path / "dissent"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub/__init__.py").write_text("from . import a\n")
    (pkg / "sub/a.py").write_text("def f():\n    from ..b import g\n    return g\n")
    (pkg / "b.py").write_text("import numpy\nfrom dissent import c\n")
    (pkg / "c.py").write_text("")
    (pkg / "unused.py").write_text("")
    monkeypatch.setattr(codedeps, "ROOT", pkg)
    for fn in (codedeps.direct_imports, codedeps.closure):
        fn.cache_clear()
    try:
        assert codedeps.closure("dissent.sub.a") == {
            "dissent",
            "dissent.sub",
            "dissent.sub.a",
            "dissent.b",
            "dissent.c",
        }
        digest = codedeps.digest(["dissent.sub.a"])
        (pkg / "unused.py").write_text("x = 1\n")
        codedeps._file_digest.cache_clear()
        assert codedeps.digest(["dissent.sub.a"]) == digest  # not in the closure
        (pkg / "c.py").write_text("x = 1\n")
        codedeps._file_digest.cache_clear()
        assert codedeps.digest(["dissent.sub.a"]) != digest
    finally:
        for fn in (codedeps.direct_imports, codedeps.closure, codedeps._file_digest):
            fn.cache_clear()


def _configured_functions():
    names = set()
    for paper, figures in PAPERS.items():
        for figure in figures:
            for variant in config.VARIANTS:
                spec = config.figure_spec(PAPERS, paper, figure, variant)
                for panel in spec.get("panels", {}).values():
                    names |= {
                        ("dissent.models", panel[k]) for k in ("solver", "companion") if k in panel
                    }
                names.add(("dissent.figures", spec["render"]))
    return sorted(names)


@pytest.mark.parametrize(("package", "name"), _configured_functions())
def test_every_configured_function_lives_in_its_closure(package, name):
    """The function config names is defined in the module whose closure is tracked."""
    fn = registry.resolve(name, package)
    module = codedeps.function_module(name, package)
    assert fn.__module__ in codedeps.closure(module)


def test_solve_closure_never_contains_plotting_code():
    for package, name in _configured_functions():
        if package == "dissent.models":
            closure = codedeps.closure(codedeps.function_module(name, package)) | codedeps.closure(
                "dissent.pipeline"
            )
            plotting = {m for m in closure if m.startswith(("dissent.figures", "dissent.style"))}
            assert not plotting, (name, plotting)
