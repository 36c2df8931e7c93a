"""The IOOS compliance-checker (CF 1.10) as a test helper: high- and medium-priority findings."""

from pathlib import Path

import netCDF4

# The checker asks a coordinate *named* ``time`` for standard_name "time", whose units must be
# "<unit> since <epoch>". A dimensionless time (in the paper's 1/rate unit) has no CF standard
# name, so for such a coordinate this one finding is expected (docs/reproduction-notes.md).
DIMENSIONLESS_TIME = "Coordinate variable 'time' should have standard_name='time'"


def _failed(result) -> bool:
    value = result.value
    return value[0] < value[1] if isinstance(value, tuple) else not value


def cf_problems(path: str | Path) -> list[str]:
    """High- and medium-priority findings of ``compliance-checker --test=cf:1.10`` on ``path``."""
    from compliance_checker.runner import CheckSuite

    suite = CheckSuite()
    suite.load_all_available_checkers()
    ds = suite.load_dataset(str(path))
    try:
        results, _errors = suite.run_all(ds, ["cf:1.10"], skip_checks=[])["cf:1.10"]
    finally:
        ds.close()
    with netCDF4.Dataset(path) as nc:
        time = nc.variables.get("time")
        dimensionless_time = time is not None and getattr(time, "units", None) == "1"
    problems = []
    for result in results:
        if result.weight < 2 or not _failed(result):
            continue
        for msg in result.msgs:
            if dimensionless_time and msg.startswith(DIMENSIONLESS_TIME):
                continue
            problems.append(f"{Path(path).name}: {result.name}: {msg}")
    return sorted(set(problems))


def metadata_problems(path: str | Path) -> list[str]:
    """What CF does not require but users of ncview and Panoply need: the paper in a
    ``references`` attribute, a distinct ``long_name`` per variable, and every int8 flag with
    ``flag_values`` / ``flag_meanings`` (its meaning not buried in the long_name)."""
    name = Path(path).name
    problems = []
    with netCDF4.Dataset(path) as nc:
        if not getattr(nc, "references", "").strip():
            problems.append(f"{name}: no references attribute")
        seen: dict[str, str] = {}
        for var in nc.variables.values():
            long_name = getattr(var, "long_name", "")
            if long_name in seen:
                problems.append(f"{name}: {seen[long_name]} and {var.name} share {long_name!r}")
            seen.setdefault(long_name, var.name)
            if var.dtype == "int8" and not {"flag_values", "flag_meanings"} <= set(var.ncattrs()):
                problems.append(f"{name}: flag {var.name} lacks flag_values/flag_meanings")
    return problems
