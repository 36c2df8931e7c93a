"""The claims ledger: every number and checkable statement the papers make about their figures.

One file per paper, ``config/claims/<paper>.yaml``, lists the claims as data (see
:mod:`dissent.claims.ledger`); each claim names a small function ``fn(ds) -> float | bool`` of the
figure's NetCDF, ``"<module>.<function>"`` in this package (``dissent.claims.zou2022``, ...).
"""

from .ledger import (
    Claim,
    check_value,
    evaluate,
    load_ledger,
    note_anchor_missing,
    render_html,
)

__all__ = [
    "Claim",
    "check_value",
    "evaluate",
    "load_ledger",
    "note_anchor_missing",
    "render_html",
]
