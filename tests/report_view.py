"""Helpers for the report tests: captions rendered as Snakemake does, and a headless browser."""

import io
import re
import shutil
import subprocess
import types
from pathlib import Path

import yaml
from docutils.core import publish_parts
from jinja2 import Environment

from dissent import config as cfg
from dissent import registry

DOCUTILS_MESSAGE = re.compile(r"\((DEBUG|INFO|WARNING|ERROR|SEVERE)/[0-4]\)|System Message")
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

# Opens the first figure of the report as a user would (its category, then the image with its
# description), waits for the PNG to be decoded and records its size on <body>.
OPEN_FIRST_FIGURE = """<script>
(function open() {
  if (typeof app === "undefined" || !app || !app.setView) { setTimeout(open, 100); return; }
  const path = Object.keys(results).sort().find(
    p => results[p].mime_type === "image/png" && results[p].caption);
  document.body.dataset.opened = path;
  app.showCategory(Object.keys(categories).find(c => JSON.stringify(categories[c]).includes(path)));
  setTimeout(() => {
    app.setView({navbarMode: "resultinfo", content: "img",
                 contentPath: results[path].data_uri, resultPath: path});
    (function check() {
      const img = document.querySelector("img[src^='data:image/png']");
      if (!img || !img.complete) { setTimeout(check, 100); return; }
      document.body.dataset.imageWidth = img.naturalWidth;
      document.body.dataset.imageShownWidth = Math.round(img.getBoundingClientRect().width);
    })();
  }, 300);
})();
</script>"""


def render_caption(
    root: Path, template: str, spec: dict, paper: str, figure: str, variant: str, view: str = ""
):
    """The caption reStructuredText of one view of a figure, rendered as ``snakemake --report``
    does."""
    config = yaml.safe_load((root / "config/config.yaml").read_text())
    snakemake = types.SimpleNamespace(
        params=types.SimpleNamespace(spec=spec, variant=variant),  # as the render rules give
        wildcards=types.SimpleNamespace(paper=paper, figure=figure, view=view),
        config=config,
    )
    env = Environment(trim_blocks=True, lstrip_blocks=True)  # Snakemake's report environment
    return env.from_string(template).render(snakemake=snakemake)


def to_html(rst: str) -> tuple[str, str]:
    """(HTML body, docutils messages) of a reStructuredText text."""
    stream = io.StringIO()
    parts = publish_parts(
        rst, writer="html", settings_overrides={"warning_stream": stream, "report_level": 1}
    )
    return parts["body"], stream.getvalue()


def all_captions(root: Path):
    """(name, rst) of the caption of every configured figure, full and quick variants."""
    papers = cfg.load_papers(cfg.paper_files(root / "config/papers"))
    template = (root / "workflow/report/figure.rst").read_text()
    for paper, figures in papers.items():
        for figure in figures:
            for variant in ["full", "quick"]:
                spec = cfg.figure_spec(papers, paper, figure, variant)
                wildcard = "quick/" if variant == "quick" else ""
                for view in registry.views(spec):
                    rst = render_caption(root, template, spec, paper, figure, wildcard, view)
                    yield f"{paper}.{figure}{view} ({variant})", rst


def browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def rendered_dom(report: Path, tmp: Path) -> str:
    """The DOM of ``report`` after its scripts ran and the first figure was opened."""
    html = report.read_text()
    end = html.rfind("</body>")
    page = tmp / "report-view.html"
    page.write_text(html[:end] + OPEN_FIRST_FIGURE + html[end:])
    return dump_dom(page)


def dump_dom(page: Path, width: int = 1400, height: int = 1000) -> str:
    """The DOM of the HTML file ``page`` after its scripts ran, in a ``width`` px wide window."""
    run = subprocess.run(
        [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width},{height}",
            "--virtual-time-budget=30000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return run.stdout
