"""Figure configuration: loading, merging, the quick variant, grids, and validation.

A figure's configuration is data (see docs/developing.md). Everything here is cheap and runs before
any job: a bad configuration fails with a :class:`ConfigError` that names the key.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from . import codedeps, contract, registry

VARIANTS = ("full", "quick")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # LibYAML: 10x faster, same result


class ConfigError(ValueError):
    """A configuration value is invalid; the message starts with the dotted key."""


AXIS_KINDS = ("values", "linspace", "logspace")


def deep_merge(base: Mapping, override: Mapping) -> dict:
    """Recursive dict merge; values of ``override`` win, mappings are merged key by key.

    An axis spec in ``override`` replaces the kind of the base axis: overriding
    ``{values: [...]}`` with ``{linspace: [...]}`` gives a linspace axis, not both.
    """
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            base_value = out[key]
            if is_axis_spec(value):
                base_value = {k: v for k, v in base_value.items() if k not in AXIS_KINDS}
            out[key] = deep_merge(base_value, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# Plain scalars that YAML 1.1 (PyYAML, Snakemake) reads otherwise than YAML 1.2 and than a reader
# expects: 01001 is octal 513, 1:30 is sexagesimal 90, 1_000 is 1000, yes/no/on/off are booleans.
_AMBIGUOUS = {
    "tag:yaml.org,2002:int": (
        re.compile(r"[-+]?0[0-9_]+|.*[:_].*"),
        "an integer in YAML 1.1 only (octal 0..., sexagesimal a:b or digits with _)",
    ),
    "tag:yaml.org,2002:float": (
        re.compile(r".*[:_].*"),
        "a number in YAML 1.1 only (sexagesimal a:b or digits with _)",
    ),
    "tag:yaml.org,2002:bool": (
        re.compile(r"(?i:yes|no|on|off)"),
        "a boolean in YAML 1.1 only; write true or false",
    ),
}


def _check_node(node, path: list, source: str) -> None:
    """Duplicate keys and YAML 1.1-only plain scalars anywhere below ``node``: ConfigError naming
    the dotted key (and ``source``, line)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in seen:
                raise ConfigError(
                    f"{_key([*path, key])}: duplicate key ({source}, lines {seen[key]} and "
                    f"{key_node.start_mark.line + 1}); YAML would keep only the last"
                )
            seen[key] = key_node.start_mark.line + 1
            _check_node(key_node, path, source)
            _check_node(value_node, [*path, key], source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_node(item, [*path, i], source)
    elif isinstance(node, yaml.ScalarNode) and not node.style and node.tag in _AMBIGUOUS:
        pattern, what = _AMBIGUOUS[node.tag]
        if pattern.fullmatch(node.value):
            raise ConfigError(
                f"{_key(path) or '<top level>'}: {node.value!r} ({source}, line "
                f"{node.start_mark.line + 1}) is {what}; quote it for a string, or write the "
                "number plainly"
            )


TEMPLATING_KEY = "__use_yte__"  # Snakemake's YTE templating: it would run Python in the file


def read_yaml(path: str | Path):
    """The data of a configuration file, read strictly: no duplicate keys, no YAML 1.1-only
    scalars, no YTE templating; anything else is a ConfigError naming the file and key."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    loader = _YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_node(node, [], str(path))
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    finally:
        loader.dispose()
    if isinstance(data, Mapping) and TEMPLATING_KEY in data:
        raise ConfigError(
            f"{TEMPLATING_KEY}: {path} asks for YTE templating, which runs Python code from the "
            "configuration; configuration files are data here: remove the key"
        )
    return data


def check_config_files(paths: Iterable[str | Path]) -> None:
    """Every configuration file given to the workflow, read strictly (:func:`read_yaml`)."""
    for path in paths:
        read_yaml(path)


def load_papers(paths: Iterable[str | Path]) -> dict:
    """Read (strictly, :func:`read_yaml`) and deep-merge paper configuration files (each a
    mapping paper -> figures)."""
    merged: dict = {}
    for path in sorted(Path(p) for p in paths):
        data = read_yaml(path) or {}
        if not isinstance(data, Mapping):
            raise ConfigError(f"{path}: the top level must be a mapping of paper keys")
        merged = deep_merge(merged, data)
    return merged


def paper_files(directory: str | Path) -> list[Path]:
    """All YAML files of the paper configuration directory."""
    return sorted(Path(directory).glob("*.yaml"))


@cache
def _schema() -> dict:
    text = resources.files("dissent").joinpath("schema/papers.schema.yaml").read_text()
    return yaml.load(text, Loader=_YAML_LOADER)


def _key(path: Iterable) -> str:
    return ".".join(str(p) for p in path)


def check_schema(papers: Mapping, schema: Mapping | None = None) -> None:
    """Validate a configuration against a JSON schema (default: the paper-file schema).

    Raises ConfigError naming the dotted key of the first error (unknown keys, types, ranges).
    """
    import jsonschema  # here, not at module level: solve jobs import this module and never validate

    validator = jsonschema.Draft202012Validator(schema or _schema())
    errors = sorted(validator.iter_errors(papers), key=lambda e: (len(e.path), list(e.path)))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        param = _param_error(err)
        if param is not None:
            raise ConfigError(
                f"{_key(param.absolute_path)}: expected a number, a string, a list of numbers or "
                f"an axis spec (values | linspace | logspace); got {param.instance!r:.60}"
            )
        path = list(err.absolute_path)
        if err.validator == "pattern" and isinstance(_at(papers, path), Mapping):
            path.append(err.instance)  # a key of that mapping (propertyNames): name it
        message = _schema_message(err)
        if err.validator == "required" and len(path) == 2 and isinstance(papers, Mapping):
            known = sorted(f for f in papers.get(path[0], {}) if f != path[1])
            message += f" of a figure; is {path[1]!r} spelled right? figures of {path[0]}: {known}"
        raise ConfigError(f"{_key(path) or '<top level>'}: {message}")


def _at(data, path):
    """The value at ``path`` (keys, indices) of nested data, or None."""
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _param_error(err):
    """The error of a whole parameter value that is of no accepted kind (a nested list, ...),
    or None (an axis spec is reported by its own message, key by key)."""
    while err is not None:
        if err.schema.get("title") == "param" and not isinstance(err.instance, Mapping):
            return err
        err = err.parent
    return None


def _schema_message(err) -> str:
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed))
        return f"unknown key(s) {extra}; allowed keys: {allowed}"
    if err.schema.get("oneOf") == [{"required": ["panels"]}, {"required": ["data"]}]:
        both = isinstance(err.instance, Mapping) and {"panels", "data"} <= set(err.instance)
        return (
            "a figure has exactly one of 'panels' (it is solved) or 'data: <figure>' (it draws "
            f"another figure's data); {'both' if both else 'neither'} given"
        )
    if err.validator == "oneOf":
        real = [e for e in err.context or [] if e.validator not in ("required", "not")]
        if real:
            sub = real[0]
            key = _key(sub.relative_path)
            if sub.validator == "minimum" and key.endswith(".2"):
                return f"{key[:-2]}: the number of points must be >= 1 (got {sub.instance})"
            return f"{key}: {sub.message}"
        return "an axis needs exactly one of 'values', 'linspace: [start, stop, num]', 'logspace'"
    if err.validator == "minimum" and list(err.path)[-2:-1] in (["linspace"], ["logspace"]):
        return f"the number of points must be >= 1 (got {err.instance}): empty grid"
    if err.validator == "minItems" and err.validator_value == 1:
        if list(err.path)[-1:] == ["values"]:
            return "empty list: a grid axis needs at least one value"
        return "empty list: give at least one"
    if err.validator == "pattern":
        return (
            f"{err.instance!r} is not a valid name: letters, digits and _, starting with a "
            f"letter (pattern {err.validator_value})"
        )
    return err.message


def figure_spec(papers: Mapping, paper: str, figure: str, variant: str = "full") -> dict:
    """The effective configuration of one figure for a variant ('full' or 'quick')."""
    if variant not in VARIANTS:
        raise ConfigError(f"variant {variant!r} is not one of {VARIANTS}")
    if paper not in papers:
        raise ConfigError(f"{paper}: unknown paper; configured papers: {sorted(papers)}")
    if figure not in papers[paper]:
        raise ConfigError(f"{paper}.{figure}: unknown figure; known: {sorted(papers[paper])}")
    spec = copy.deepcopy(papers[paper][figure])
    quick = spec.pop("quick", {})
    if variant == "quick":
        spec = deep_merge(spec, quick)
        spec["chunks"] = quick.get("chunks", 1)  # quick grids are small: one solve job per panel
        for panel in spec.get("panels", {}).values():
            panel.pop("chunks", None)
    spec.setdefault("render", f"{paper}.{figure}")
    return spec


MAX_CHUNKS = 256  # solve jobs of one panel: each costs ~1 CPU-s to start (the largest has 16)


def check_chunks(spec: Mapping, where: str, default: int = 1) -> None:
    """``chunks`` (of the figure, of each panel) at most the points of the panel(s) it splits and
    at most :data:`MAX_CHUNKS`: a count that is clipped would plan jobs nobody asked for."""
    panels = spec.get("panels", {})
    points = {name: n_points(panel.get("grid", {})) for name, panel in panels.items()}
    wanted = []
    if "chunks" in spec:
        wanted.append((f"{where}.chunks", spec["chunks"], max(points.values(), default=1)))
    for name, panel in panels.items():
        if "chunks" in panel:
            wanted.append((f"{where}.panels.{name}.chunks", panel["chunks"], points[name]))
    for key, n, limit in wanted:
        if n > min(limit, MAX_CHUNKS):
            raise ConfigError(
                f"{key}: {n} solve jobs for {limit} grid points; at most one job per point and "
                f"at most {MAX_CHUNKS} jobs per panel"
            )


def panel_chunks(spec: Mapping, panel: str, default: int) -> int:
    """Solve jobs of one panel: its own ``chunks``, else the figure's, else ``default``; never
    more than the panel's points."""
    wanted = spec["panels"][panel].get("chunks", spec.get("chunks", default))
    return max(1, min(wanted, n_points(spec["panels"][panel].get("grid", {}))))


def spec_hash(spec: Mapping) -> str:
    """Stable short hash of a configuration mapping (provenance, cache keys)."""
    text = json.dumps(spec, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Spec(dict):
    """A figure's effective configuration whose repr is its content hash: what Snakemake stores to
    notice a change (params) and shows as a job's parameter in the report, instead of the whole
    mapping."""

    def __repr__(self) -> str:
        return f"<configuration {spec_hash(self)}>"

    __str__ = __repr__


MAX_AXIS_VALUES = 1_000_000  # values of one axis spec (a grid axis or an array param)
MAX_GRID_POINTS = 1_000_000  # points of one panel's grid; the largest configured grid has 40401


def axis_size(spec: Mapping, key: str = "axis") -> int:
    """Number of values of an axis spec, read from the spec (nothing is computed); at most
    :data:`MAX_AXIS_VALUES`."""
    if "values" in spec:
        size = len(spec["values"])
    elif "linspace" in spec or "logspace" in spec:
        size = int(spec.get("linspace", spec.get("logspace"))[2])
    else:
        raise ConfigError(f"{key}: an axis needs 'values', 'linspace' or 'logspace'")
    if size > MAX_AXIS_VALUES:
        raise ConfigError(f"{key}: {size} values; at most {MAX_AXIS_VALUES} per axis")
    return size


def axis_values(spec: Mapping, key: str = "axis") -> np.ndarray:
    """1-D float array of an axis spec: values | linspace [a, b, n] | logspace [e0, e1, n]."""
    axis_size(spec, key)
    if "values" in spec:
        values = np.asarray(spec["values"], dtype=float)
    elif "linspace" in spec:
        a, b, n = spec["linspace"]
        values = np.linspace(a, b, int(n))
    else:
        a, b, n = spec["logspace"]
        with np.errstate(over="ignore"):  # 10**400 is inf: refused below, naming the key
            values = np.logspace(a, b, int(n))
    if values.size == 0:
        raise ConfigError(f"{key}: empty grid axis; give at least one value")
    if not np.all(np.isfinite(values)):
        raise ConfigError(f"{key}: axis values must be finite numbers")
    return values


def is_axis_spec(value) -> bool:
    return isinstance(value, Mapping) and bool(set(AXIS_KINDS) & set(value))


def param_values(params: Mapping, where: str) -> dict:
    """Solver keyword params: axis-spec dicts become arrays, everything else passes through."""
    out = {}
    for name, value in params.items():
        if is_axis_spec(value):
            out[name] = axis_values(value, f"{where}.{name}")
        elif isinstance(value, Mapping):
            raise ConfigError(
                f"{where}.{name}: a mapping parameter must be an axis spec "
                "(values | linspace | logspace)"
            )
        else:
            out[name] = value
    return out


def grid_axes(grid: Mapping, where: str = "grid") -> dict[str, np.ndarray]:
    """Ordered axis name -> values of a panel's grid; at most :data:`MAX_GRID_POINTS` points
    (checked before any axis is computed), each axis without repeated values (they become the
    coordinates of the figure's NetCDF)."""
    check_grid_size(grid, where)
    axes = {}
    for name, spec in grid.items():
        values = axis_values(spec, f"{where}.{name}")
        unique, counts = np.unique(values, return_counts=True)
        if np.any(counts > 1):
            raise ConfigError(
                f"{where}.{name}: repeated value {unique[counts > 1][0]:g}; a grid axis needs "
                "distinct values (they become coordinates of the NetCDF)"
            )
        axes[name] = values
    return axes


def check_grid_size(grid: Mapping, where: str = "grid") -> None:
    """A panel's grid has at most :data:`MAX_GRID_POINTS` points, from the axis specs alone."""
    sizes = {name: axis_size(spec, f"{where}.{name}") for name, spec in grid.items()}
    if math.prod(sizes.values()) > MAX_GRID_POINTS:
        shape = " x ".join(f"{n} {name}" for name, n in sizes.items())
        raise ConfigError(
            f"{where}: {math.prod(sizes.values())} points ({shape}); at most {MAX_GRID_POINTS} "
            "per panel: coarsen the grid or split the panel"
        )


def grid_points(axes: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Flattened outer product (C order) of the axes: name -> 1-D array of length npoints."""
    if not axes:
        return {}
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    return {name: m.reshape(-1) for name, m in zip(axes, mesh, strict=True)}


def n_points(grid: Mapping) -> int:
    """Number of points of a panel's grid, from the axis specs alone."""
    return math.prod(axis_size(spec) for spec in grid.values())


def _declared(lookup, name: str, key: str, hint: str = ""):
    """``lookup(name)`` (a :mod:`dissent.registry` lookup), or a ConfigError naming ``key``."""
    try:
        return lookup(name)
    except (ImportError, ValueError) as exc:
        raise ConfigError(f"{key}: {exc}{hint}") from None


@contextmanager
def _keyed(where: str, grid: Mapping | None = None):
    """A ParameterError of a :mod:`dissent.contract` check becomes a ConfigError naming
    ``<where>.grid.<name>`` (a grid axis), ``<where>.params.<name>`` or ``<where>`` (the whole
    call); without ``grid`` (render options) ``<where>.<name>``."""
    try:
        yield
    except registry.ParameterError as exc:
        section = ("grid" if exc.key in grid else "params") if grid is not None else None
        key = ".".join(p for p in (where, section if exc.key else None, exc.key) if p)
        raise ConfigError(f"{key}: {exc.message}") from None


def check_render_options(render, spec: Mapping, where: str) -> None:
    """``render_options`` must be keyword arguments of the render function, as it declares them."""
    options = spec.get("render_options", {})
    with _keyed(f"{where}.render_options"):
        contract.check_values(render, {}, options, complete=False)
        contract.check_relations(render, options)


def panel_outputs(panel: Mapping, where: str) -> set[str] | None:
    """The variables of a panel's dataset before ``rename`` (its solver's and companion's
    declared outputs and its grid axes), None if a function does not declare them."""
    declared = [contract.outputs(_declared(registry.solver, panel["solver"], f"{where}.solver"))]
    if "companion" in panel:
        companion = _declared(registry.companion, panel["companion"], f"{where}.companion")
        declared.append(contract.outputs(companion))
    known = [d for d in declared if d is not None]
    if len(known) < len(declared):
        return None
    return set(panel.get("grid", {})).union(*known)


def check_rename(panel: Mapping, where: str) -> set[str] | None:
    """``rename`` names outputs of the panel and gives each a new, unused name; returns the
    panel's variables after it (None if its functions do not declare their outputs)."""
    rename = panel.get("rename", {})
    names = panel_outputs(panel, where)
    if names is None:
        if rename:
            raise ConfigError(
                f"{where}.rename: {panel['solver']} does not declare its outputs; declare them "
                "(@contract.solver(outputs=...)) so that rename can be checked"
            )
        return None
    for old, new in rename.items():
        if old not in names:
            raise ConfigError(
                f"{where}.rename.{old}: not a variable of the panel; its variables: {sorted(names)}"
            )
        if new in names - set(rename) or list(rename.values()).count(new) > 1:
            raise ConfigError(
                f"{where}.rename.{old}: {new!r} is already a variable of the panel; choose "
                "an unused name"
            )
    return (names - set(rename)) | set(rename.values())


def check_declared_check(spec: Mapping, variables: set[str] | None, where: str) -> None:
    """The ``check:`` declaration names variables the figure has, and leaves something to
    compare."""
    declared = spec.get("check", {})
    rules = declared.get("variables", {})
    if variables is None:
        return
    for name, rule in rules.items():
        for key, wanted in ((name, name), (f"{name}.where", rule.get("where"))):
            if wanted is not None and wanted not in variables:
                raise ConfigError(
                    f"{where}.check.variables.{key}: the figure has no variable {wanted!r}; "
                    f"its variables: {sorted(variables)}"
                )
    images = [declared.get("image", {})]
    if "notes" in spec:
        images.append(declared.get("notes_image", declared.get("image", {})))
    if all("skip" in rules.get(n, {}) for n in variables) and all("skip" in i for i in images):
        raise ConfigError(
            f"{where}.check: every variable and every image is skipped: the check would pass "
            "without comparing anything; compare something, or say so in the figure's caption"
        )


def check_figure(
    paper: str, figure: str, spec: Mapping, variant: str, source: Mapping | None = None
) -> set[str] | None:
    """Resolve names and validate every panel's parameters on its full grid (no solving);
    ``source``: the spec of the figure whose data it draws (``data:``). Returns the figure's
    variables (None where a function does not declare its outputs)."""
    where = f"{paper}.{figure}" + (".quick" if variant == "quick" else "")
    hint = "; is the figure key spelled right?"
    render = _declared(registry.renderer, spec["render"], f"{where}.render", hint)
    drawn = spec["render"].rpartition(".")[2]
    if drawn != figure:
        raise ConfigError(
            f"{where}.render: {spec['render']!r} draws {drawn}, not {figure}: a figure's "
            f"renderer is named after it (<module>.{figure})"
        )
    check_render_options(render, spec, where)
    if "notes" in spec:
        _declared(registry.renderer, spec["notes"], f"{where}.notes")
        if not spec.get("notes_caption"):
            raise ConfigError(f"{where}.notes_caption: say what the notes view shows")
    elif "notes_caption" in spec:
        raise ConfigError(f"{where}.notes_caption: there is no notes view (no `notes:`)")
    for ext in spec.get("tables", []):
        _declared(registry.table, f"{spec['render']}_{ext}", f"{where}.tables")
    panels = []
    for panel_name, panel in spec.get("panels", {}).items():
        pwhere = f"{where}.panels.{panel_name}"
        if panel.get("in_process") and "chunks" in panel:
            raise ConfigError(f"{pwhere}.chunks: a panel solved in_process is one job; drop one")
        solver = _declared(registry.solver, panel["solver"], f"{pwhere}.solver")
        grid = panel.get("grid", {})
        axes = grid_axes(grid, f"{pwhere}.grid")
        params = param_values(panel.get("params", {}), f"{pwhere}.params")
        with _keyed(pwhere, grid):
            contract.check_values(solver, axes, params)
            contract.check_relations(solver, {**grid_points(axes), **params})
        if "companion" in panel:  # called with the panel's dataset and its params
            companion = _declared(registry.companion, panel["companion"], f"{pwhere}.companion")
            with _keyed(pwhere, grid):
                contract.check_values(companion, {}, params)
        panels.append(check_rename(panel, pwhere))
    for panel_name, panel in (source or {}).get("panels", {}).items():
        panels.append(check_rename(panel, f"{where}.data.panels.{panel_name}"))
    known = [p for p in panels if p is not None]
    unknown = len(known) < len(panels) or ("data" in spec and source is None)
    variables = None if unknown else set[str]().union(*known)
    check_declared_check(spec, variables, where)
    return variables


def validate(papers: Mapping, selected: Iterable[str] | None = None) -> None:
    """Validate the whole configuration, both variants of every figure of the selected papers."""
    check_schema(papers)
    for paper in selected if selected is not None else papers:
        if paper not in papers:
            raise ConfigError(f"papers: unknown paper {paper!r}; configured: {sorted(papers)}")
        for figure in papers[paper]:
            validate_figure(papers, paper, figure)


def validate_figure(papers: Mapping, paper: str, figure: str) -> None:
    """Validate both variants of one figure of a configuration that passed :func:`check_schema`."""
    body = papers[paper][figure]
    for name, panel in (body.get("quick", {}).get("panels") or {}).items():
        if isinstance(panel, Mapping) and "chunks" in panel:
            raise ConfigError(
                f"{paper}.{figure}.quick.panels.{name}.chunks: the quick variant solves each panel "
                "in quick.chunks jobs (default 1), not per panel; set quick.chunks or drop it"
            )
    solved = sorted(f for f, b in papers[paper].items() if "panels" in b)
    if "data" in body and body["data"] not in solved:
        raise ConfigError(
            f"{paper}.{figure}.data: {body['data']!r} is not a figure of {paper} with "
            f"panels; choose one of {solved}"
        )
    for variant in VARIANTS:
        spec = figure_spec(papers, paper, figure, variant)
        if variant == "quick":
            try:
                check_schema({paper: {figure: {**spec, "title": spec.get("title", "")}}})
            except ConfigError as exc:
                where = f"{paper}.{figure}"
                raise ConfigError(str(exc).replace(where, f"{where}.quick", 1)) from None
        source = figure_spec(papers, paper, spec["data"], variant) if "data" in spec else None
        check_figure(paper, figure, spec, variant, source)
        check_chunks(spec, f"{paper}.{figure}" + (".quick" if variant == "quick" else ""))


def _named_modules(papers: Mapping, selected: Iterable[str]) -> list[str]:
    """Every module a configuration names (solvers, companions, renderers), by name only."""
    names = {"dissent.config", "dissent.registry"}
    for paper in selected:
        for figure, body in papers.get(paper, {}).items():
            for spec in (body, body.get("quick", {})):
                for panel in (spec.get("panels") or {}).values():
                    for role in ("solver", "companion"):
                        if isinstance(panel, Mapping) and isinstance(panel.get(role), str):
                            names.add(codedeps.function_module(panel[role], "dissent.models"))
            for render in (body.get("render", f"{paper}.{figure}"), body.get("notes")):
                if isinstance(render, str):
                    names.add(codedeps.function_module(render, "dissent.figures"))
    return sorted(names)


def validate_once(papers: Mapping, selected: Iterable[str], cache_dir: str | Path) -> None:
    """:func:`validate`, skipped when this configuration was already validated by the same code.

    Validation imports every solver and render module (seconds); a rerun that changes nothing
    should not pay for it. The key hashes the configuration and the content of every module it
    names (:mod:`dissent.codedeps`); a missing or unknown module always validates.
    """
    selected = list(selected)
    check_schema(papers)
    try:
        code = codedeps.digest(_named_modules(papers, selected))
    except ValueError:  # a name that is not a module: let validate() say which key
        code = None
    marker = (
        Path(cache_dir)
        / f"validated-{spec_hash({'papers': papers, 'selected': selected, 'code': code})}"
    )
    if code is not None and marker.exists():
        return
    validate(papers, selected)
    if code is not None:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()


def check_overrides(papers: Mapping, overrides: Mapping) -> None:
    """``figures:`` overrides change figures of the paper files; a key that names no such paper
    or figure is a typo (a new figure belongs in a paper file)."""
    for paper, figures in overrides.items():
        if paper not in papers:
            raise ConfigError(
                f"{paper}: figures: overrides a paper that no paper file defines; "
                f"papers: {sorted(papers)}"
            )
        for figure in figures if isinstance(figures, Mapping) else ():
            if figure not in papers[paper]:
                raise ConfigError(
                    f"{paper}.{figure}: figures: overrides a figure that {paper} does not have; "
                    f"figures of {paper}: {sorted(papers[paper])} (new figures go in a paper file)"
                )


def load_workflow_config(
    config: Mapping, schema_path: str | Path, cache_dir=None, configfiles=()
) -> dict:
    """The validated figures of the workflow's configuration (what the Snakefile does before any
    job): the ``configfiles`` read strictly, global keys against ``schema_path``, paper files,
    ``figures:`` overrides, every figure of every configured paper (each can be built by naming
    its file; once per configuration and code when ``cache_dir`` is given)."""
    check_config_files(configfiles)
    check_schema(config, read_yaml(schema_path))
    directory = Path(config["paper_configs"])
    if not directory.is_dir() or not paper_files(directory):
        raise ConfigError(
            f"paper_configs: {str(directory)!r} is not a directory with paper files (*.yaml)"
        )
    papers = load_papers(paper_files(directory))
    overrides = config.get("figures") or {}
    check_schema(papers)
    check_overrides(papers, overrides)
    papers = deep_merge(papers, overrides)
    missing = sorted(set(config["papers"]) - set(papers))
    if missing:
        raise ConfigError(f"papers: unknown paper {missing[0]!r}; configured: {sorted(papers)}")
    if cache_dir is None:
        validate(papers)
    else:
        validate_once(papers, list(papers), cache_dir)
    return papers
