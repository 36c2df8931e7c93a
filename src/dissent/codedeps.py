"""The project code a result depends on: the static import closure of ``dissent`` modules.

A solve job must rerun when any module its solver can execute changes, including modules imported
inside functions and on branches that only the full grid takes. So the closure is read from the
source (every ``import`` statement anywhere in a module, relative imports resolved, parent packages
included), not traced from a run. Its digest hashes file *contents*: restoring a file (``git
checkout``) restores the digest, so nothing reruns.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "dissent"
ROOT = Path(__file__).resolve().parent
# Non-Python files a module reads at run time (they change its results).
DATA_FILES = {"dissent.style": ("dissent.mplstyle",)}


def module_path(name: str) -> Path | None:
    """Source file of project module ``name`` (a package's ``__init__.py``), or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = ROOT.joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _source(name: str) -> Path:
    """:func:`module_path` of a module that must exist."""
    path = module_path(name)
    if path is None:
        raise ValueError(f"{name}: not a module of the {PACKAGE} package")
    return path


@cache
def direct_imports(name: str) -> frozenset[str]:
    """Project modules named by any import statement of module ``name`` (anywhere in it)."""
    path = _source(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    trees = _statements_tree(path.read_text())
    found: set[str] = set().union(*(imported_names(t, package) for t in trees))
    return frozenset(m for m in found if module_path(m) is not None)


_STATEMENT = re.compile(r"[ \t]*(?:import|from)[ \t]")


def import_statements(source: str) -> list[str]:
    """The import statements of ``source``, one logical line each, wherever they stand (a cheap
    pre-filter: parsing only these is ~20x faster than parsing the module; a test checks that it
    finds the same imports as a full parse for every module of the package)."""
    lines = source.splitlines()
    out, i = [], 0
    while i < len(lines):
        if _STATEMENT.match(lines[i]):
            parts = [lines[i].strip()]
            depth = lines[i].count("(") - lines[i].count(")")
            while (depth > 0 or parts[-1].endswith("\\")) and i + 1 < len(lines):
                i += 1
                parts.append(lines[i].strip())
                depth += lines[i].count("(") - lines[i].count(")")
            out.append(" ".join(p.rstrip("\\") for p in parts))
        i += 1
    return out


def _statements_tree(source: str) -> list[ast.Module]:
    trees = []
    for statement in import_statements(source):
        try:
            trees.append(ast.parse(statement))
        except SyntaxError:  # prose in a docstring that starts with "from" / "import"
            continue
    return trees


def imported_names(tree: ast.AST, package: str) -> frozenset[str]:
    """Every module name an import statement in ``tree`` may load (the statement's module and,
    for ``from m import a``, the candidate submodule ``m.a``); ``package`` resolves relative
    imports."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # submodules
    return frozenset(found)


@cache
def closure(name: str) -> frozenset[str]:
    """``name``, its parent packages, and every project module they import, transitively."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo += [m for m in (*direct_imports(module), *_parents(module)) if m not in seen]
    return frozenset(seen)


def files(modules: Iterable[str]) -> list[Path]:
    """Source (and data) files of the closure of every module in ``modules``, sorted."""
    names: set[str] = set().union(*(closure(m) for m in modules))
    out = {_source(m) for m in names}
    out |= {ROOT / f for m in names for f in DATA_FILES.get(m, ())}
    return sorted(out)


@cache
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest(modules: Iterable[str]) -> str:
    """Short content hash of the closure of ``modules`` (file names relative to the package)."""
    h = hashlib.sha256()
    for path in files(modules):
        h.update(f"{path.relative_to(ROOT)}:{_file_digest(path)}\n".encode())
    return h.hexdigest()[:16]


def function_module(name: str, package: str) -> str:
    """Module of a config name ``'<module>.<function>'`` in ``package`` (``dissent.models``)."""
    return f"{package}.{name.rpartition('.')[0]}"
