"""Report captions are valid reStructuredText, whatever notation the configuration uses."""

from pathlib import Path

from report_view import all_captions, render_caption, to_html

ROOT = Path(__file__).resolve().parents[1]


def test_every_caption_renders_without_docutils_messages():
    problems = {}
    for name, rst in all_captions(ROOT):
        html, messages = to_html(rst)
        if messages or "system-message" in html:
            problems[name] = messages
    assert not problems, problems


def test_paper_notation_is_shown_verbatim():
    notation = "(a) |A| = a, |ud>, <Psi_TMS| rho |Psi_TMS>, rho^{T2}, *x*, `y`, [1]_, :math:`z`"
    spec = {
        "title": "T |A|",
        "caption": notation + "\n  indented continuation\n- not a list",
        "note": "|ud> chosen",
        "render": "p.f",
        "chunks": 1,
        "panels": {
            "main": {
                "solver": "p.s",
                "grid": {"A": {"values": [1.0], "long_name": "|A|", "units": "1/rate unit"}},
                "params": {"s": "x`y", "t": {"linspace": [0, 1, 3]}},
                "note": "<Jz1>_n",
            }
        },
    }
    template = (ROOT / "workflow/report/figure.rst").read_text()
    html, messages = to_html(render_caption(ROOT, template, spec, "p", "f", "quick/"))
    assert messages == ""
    text = " ".join(html.replace("&lt;", "<").replace("&gt;", ">").split())
    assert notation + " indented continuation - not a list" in text
    assert "<ol" not in html and "<blockquote" not in html
