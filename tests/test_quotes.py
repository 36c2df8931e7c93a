r"""Every ``quote`` of the claims ledger is the paper's own words.

The paper texts are read from ``../shared/papers/`` beside the repository (``$DISSENT_PAPERS``
overrides it); ``<paper>_*.txt`` are the texts of a paper (for zou2022 the PRB version and the arXiv
version with the supplement). The tests skip, saying so, when the directory is missing.

Quote syntax: ``...`` (or ``…``) separates segments the quote leaves out between; text in
``[brackets]`` is an insertion of ours and is removed before matching. The segments must occur
in this order in one text of the paper.

Matching is on a normal form of both the quote and the paper, chosen from how the texts render
their mathematics (LaTeX inside ``$...$`` in the PRB and bozkurt2025 texts, a Unicode rendering
followed by its LaTeX source in hou2025, PDF extraction with broken-up formulas in the arXiv and
bello2022 texts):

1. LaTeX is read as text: ``\frac{x}{y}`` -> ``x/y``, ``\sqrt`` -> ``√``, Greek letters and
   symbols (``\tau``, ``\uparrow``, ``\rangle``, ``\sim``, ``\lesssim``, ``\infty`` ...) -> their
   Unicode characters, ``\text{..}``, ``\mathcal{..}``, ``\hat{..}`` ... -> their argument; the
   other control words (``\quad``, ``\left``, ``\displaystyle`` ...), ``$``, ``{ }``, ``_``,
   ``^`` and markdown ``*`` are dropped;
2. Unicode NFKC (``²`` -> ``2``, ``ω₀`` -> ``ω0``, ``ϕ`` -> ``φ``: the two phi glyphs are one
   letter here), then accents are removed (``Ã`` -> ``A``, ``ẑ`` -> ``z``);
3. every dash and minus (``‐ - – — −``) -> ``-``, ``∼`` -> ``~``, ``∆`` -> ``Δ``, ``µ`` -> ``μ``,
   curly quotes -> straight, ``×`` -> ``x``;
4. numeric citations ``[12]``, ``[3, 4]``, ``[22–30]`` and the hyphens of words broken at a
   line end (``in-\ncrease``) are removed from the paper; parentheses and all whitespace from
   both (a formula's grouping and spacing may be transcribed); a hyphen between two letters is
   dropped in both (``steady-state`` = ``steadystate``, as PDF extraction joins them).

5. in a text that writes each formula twice (the Unicode rendering glued to its LaTeX source,
   hou2025), each such word keeps only the source (:func:`drop_rendered_copies`).

A formula that still does not match (e.g. one the PDF extraction broke into pieces) must be
quoted as the extraction renders it, or left out with ``...``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from dissent import config as cfg
from dissent.claims import load_ledger

ROOT = Path(__file__).resolve().parents[1]
PAPERS_DIR = Path(os.environ.get("DISSENT_PAPERS", ROOT.parent / "shared" / "papers"))
PAPERS = cfg.load_papers(cfg.paper_files(ROOT / "config" / "papers"))
LEDGER = load_ledger(
    sorted((ROOT / "config" / "claims").glob("*.yaml")), {p: list(f) for p, f in PAPERS.items()}
)
CLAIMS = [c for claims in LEDGER.values() for c in claims]

SYMBOLS = {
    # Greek (lower, upper, variants)
    **{
        name: chr(code)
        for name, code in [
            ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
            ("epsilon", 0x3B5), ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7),
            ("theta", 0x3B8), ("vartheta", 0x3D1), ("iota", 0x3B9), ("kappa", 0x3BA),
            ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
            ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5),
            ("phi", 0x3D5), ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8),
            ("omega", 0x3C9), ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398),
            ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0), ("Sigma", 0x3A3),
            ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9),
        ]
    },  # fmt: skip
    "uparrow": "↑", "downarrow": "↓", "rangle": "⟩", "langle": "⟨", "ket": "", "bra": "",
    "rightarrow": "→", "to": "→", "leftarrow": "←", "mapsto": "↦", "Rightarrow": "⇒",
    "infty": "∞", "sim": "∼", "approx": "≈", "simeq": "≃", "propto": "∝", "equiv": "≡",
    "lesssim": "≲", "gtrsim": "≳", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ll": "≪", "gg": "≫", "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "otimes": "⊗",
    "oplus": "⊕", "dagger": "†", "hbar": "ħ", "partial": "∂", "nabla": "∇", "in": "∈",
    "sum": "Σ", "int": "∫", "perp": "⊥", "parallel": "∥", "ldots": "...", "cdots": "...",
    "dots": "...", "prime": "′", "ell": "ℓ", "degree": "°", "circ": "°",
    "absolutevalue": "|", "expectationvalue": "",
}  # fmt: skip
ARGUMENT = r"\{([^{}]*)\}"


def latex_to_text(s: str) -> str:
    """LaTeX of a paper text as plain Unicode text (step 1 of the module docstring)."""
    for _ in range(8):  # innermost braces first
        new = re.sub(r"\\d?frac\s*" + ARGUMENT + r"\s*" + ARGUMENT, r"\1/\2", s)
        new = re.sub(r"\\sqrt\s*" + ARGUMENT, r"√\1", new)
        new = re.sub(r"\\[a-zA-Z]+\s*" + ARGUMENT + "(?!\\s*\\{)", _macro_with_argument, new)
        new = re.sub(ARGUMENT, r"\1", new)
        if new == s:
            break
        s = new
    s = re.sub(r"\\([a-zA-Z]+)", lambda m: SYMBOLS.get(m[1], m[1] if _is_word(m[1]) else ""), s)
    return re.sub(r"[${}_^*\\&]", "", s)


def _macro_with_argument(m: re.Match) -> str:
    name = m[0][1 : m[0].index("{")].strip()
    if name == "absolutevalue":
        return f"|{m[1]}|"
    return SYMBOLS.get(name, "") + m[1] if name in SYMBOLS else m[1]


def _is_word(name: str) -> bool:
    """Function names written as control words (\\sin, \\tanh, \\exp, \\arg ...) stay text."""
    return name in {"sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "ln", "log", "arg",
                    "max", "min", "det", "tr", "Re", "Im", "atan"}  # fmt: skip


DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−⁻₋"), "-")
OTHER = {
    ord("∼"): "~",
    ord("∆"): "Δ",
    ord("µ"): "μ",
    ord("ϵ"): "ε",
    ord("“"): '"',
    ord("”"): '"',
    ord("‘"): "'",
    ord("’"): "'",
    ord("×"): "x",
}
CITATION = re.compile(r"\[\s*\d+[\d\s,–\-]*\]")


def normalise(s: str, paper: bool = False) -> str:
    """The normal form of the module docstring (``paper``: also drop numeric citations)."""
    if paper:
        s = CITATION.sub("", re.sub(r"(?<=[^\W\d_])-\n(?=[^\W\d_])", "", s))
    s = latex_to_text(s)
    s = unicodedata.normalize("NFKC", s)
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = re.sub(r"[\s()]+", "", s.translate(DASHES).translate(OTHER))
    return re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", s)


def segments(quote: str) -> list[str]:
    """The normalised pieces of a quote: insertions removed, split at the omissions."""
    quote = re.sub(r"\[[^\]]*\]", " ", quote.replace("…", "..."))
    return [n for part in quote.split("...") if (n := normalise(part))]


def found_in_order(parts: list[str], text: str) -> str | None:
    """The first of ``parts`` that does not occur in ``text`` after the previous one, or None."""
    pos = 0
    for part in parts:
        i = text.find(part, pos)
        if i < 0:
            return part
        pos = i + len(part)
    return None


LATEX = re.compile(r"\\|[_^]\{")
DIGITS = set("0123456789.")


def drop_rendered_copies(text: str) -> str:
    r"""A text whose formulas are written twice without a space, a Unicode rendering and then its
    LaTeX source (``kBT(0)/Δk_{\text{B}}T(0)/\Delta``), with each such word reduced to its LaTeX
    half: the longest prefix whose normal form is a subsequence of the rest's. The rendering
    often drops symbols (``∼``, ``≲``, ``√``) that the source keeps. A word that is one string
    twice and not only letters (``T(r)T(r)``) is reduced to one copy. A formula with spaces in
    its source stays doubled: quote it as the text has it, or leave the copy out with ``...``."""

    def word(m: re.Match) -> str:
        w = m[0]
        half = len(w) // 2
        if len(w) % 2 == 0 and w[:half] == w[half:] and not w[:half].isalpha():
            return w[:half]  # a formula without markup, written twice: T(r)T(r)
        if not LATEX.search(w):
            return w
        for k in range(len(w) - 1, 0, -1):
            if w[k - 1] in DIGITS and w[k] in DIGITS:
                continue  # never split a number: 1.1\Delta is one formula, not 1 + .1\Delta
            head, tail = normalise(w[:k]), normalise(w[k:])
            if head and _subsequence(head, tail):
                return w[k:]
        return w

    return re.sub(r"\S+", word, text)


def _subsequence(a: str, b: str) -> bool:
    it = iter(b)
    return all(ch in it for ch in a)


def _texts() -> dict[str, list[str]]:
    """Per paper the normal forms of its texts; a text with formulas written twice (no ``$``
    delimiters but LaTeX source: the arXiv HTML of hou2025) without the rendered copies, so a
    quote gives the source's ``k_BT(0)/Δ = −0.25``, not the rendering's lost sign."""
    if not PAPERS_DIR.is_dir():
        return {}
    texts: dict[str, list[str]] = {}
    for paper in PAPERS:
        texts[paper] = []
        for path in sorted(PAPERS_DIR.glob(f"{paper}_*.txt")):
            raw = path.read_text()
            if "$" not in raw and LATEX.search(raw):
                raw = drop_rendered_copies(raw)  # the source, not the lossy rendering
            texts[paper].append(normalise(raw, paper=True))
    return texts


TEXTS = _texts()
needs_papers = pytest.mark.skipif(
    not TEXTS, reason=f"paper texts not found in {PAPERS_DIR} (set DISSENT_PAPERS)"
)


@needs_papers
def test_every_paper_has_a_text():
    assert all(TEXTS[p] for p in PAPERS), {p: len(t) for p, t in TEXTS.items()}


@needs_papers
@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.key)
def test_quote_is_the_papers_words(claim):
    parts = segments(claim.quote)
    assert parts, f"{claim.key}: the quote has no words of the paper"
    missing = [found_in_order(parts, text) for text in TEXTS[claim.paper]]
    assert None in missing, (
        f"{claim.key}: not in the paper's text (normalised, in order): {missing[0]!r}"
    )


def test_normal_form_reads_the_papers_math():
    paper = r"decays to the ground state $|\uparrow\uparrow\rangle$ on the timescale $\tau = 1/2a$"
    assert normalise(paper, paper=True).endswith(normalise("on the timescale τ = 1/2a"))
    assert normalise(r"$C(\rho_{\text{st}}) = \frac{4T}{(1+T)^2}$") == normalise(
        "C(ρ_st) = 4T/(1+T)²"
    )
    assert normalise(r"$\delta C/C < 10^{-3}$") == normalise("δC/C < 10⁻³")
    assert normalise(r"$\sim 100$ ns") == normalise("∼100 ns")
    assert normalise(r"$\sqrt{\delta^2 - |A|^2}$") == normalise("√(δ² − |A|²)")
    assert normalise(r"$\tilde{a} = |\tilde{A}|$") == normalise("ã = |Ã|")
    assert normalise("steady states [63,73] are", paper=True) == normalise("steady states are")
    doubled = (
        r"For kBT(0)/Δk_{\text{B}}T(0)/\Delta below, T(0)Δ/kBT(0)\sim\Delta/k_{\text{B}}, T(r)T(r)"
    )
    assert drop_rendered_copies(doubled) == (
        r"For k_{\text{B}}T(0)/\Delta below, T(0)\sim\Delta/k_{\text{B}}, T(r)"
    )
    assert normalise(r"\absolutevalue{\Gamma_{e}(r)}/\Gamma_{e}(0)") == normalise("|Γe(r)|/Γe(0)")


def test_quote_segments_insertions_and_order():
    text = normalise(
        "The entanglement oscillates with frequency 2ω0 as the system decays [63].", True
    )
    assert (
        found_in_order(segments("The entanglement oscillates ... as the system decays"), text)
        is None
    )
    assert found_in_order(segments("[It] oscillates with frequency 2ω0"), text) is None
    assert found_in_order(segments("as the system decays ... The entanglement"), text) is not None
    assert found_in_order(segments("The entanglement oscillates quickly"), text) is not None


@needs_papers
def test_doubled_formulas_are_read_from_their_source():
    """hou2025's caption of Fig. 4: the rendering lost the minus sign the LaTeX source has."""
    text = TEXTS["hou2025"][0]
    assert normalise("which sets local temperature at k_BT(0)/Δ = −0.25") in text
    assert normalise("which sets local temperature at kBT(0)/Δ = 0.25") not in text


@needs_papers
def test_paraphrases_and_cut_quotes_are_caught():
    """Quotes the ledger had before it was checked: a paraphrase fails, the paper's words pass."""

    def found(paper, quote):
        return any(found_in_order(segments(quote), text) is None for text in TEXTS[paper])

    assert not found("zou2022", "the system decays rapidly to |↑↑⟩ on the timescale τ = 1/2a")
    assert found(
        "zou2022", "the system decays rapidly to the ground state |↑↑⟩ on the timescale τ = 1/2a"
    )
    assert not found("bozkurt2025", "the total spin is conserved by the scattering")
    assert not found("bozkurt2025", "C = 0.9972 at T = 0.9")
    assert found("bozkurt2025", "e.g., C = 0.9972 in (1 − T)^{−2} f_col^{−1} ∼ 100 ns time scale")


def test_a_number_in_a_formula_is_not_taken_for_a_rendered_copy():
    """``1.1\\Delta`` is one formula: dropping a 'rendered' ``1`` would turn it into ``.1Δ``."""
    assert drop_rendered_copies(r"b\lesssim 1.1\Delta.") == r"b\lesssim 1.1\Delta."
    assert drop_rendered_copies(r"kBT(0)/Δk_{\text{B}}T(0)/\Delta") == r"k_{\text{B}}T(0)/\Delta"
