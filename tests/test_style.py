"""The one figure style: deterministic saving, colour maps as images inside the PDF."""

import numpy as np

from dissent import style


def _map_figure():
    fig, ax = style.figure()
    ax.pcolormesh(np.arange(61), np.arange(61), np.add.outer(np.arange(60), np.arange(60)))
    ax.plot([0, 60], [0, 60])
    return fig


def test_large_colour_map_is_an_image_in_the_pdf_and_the_png_is_unchanged(tmp_path, monkeypatch):
    """3600 cells: one embedded image in the PDF (not 3600 paths); the curve stays vector; the
    PNG is byte-identical to the one drawn without rasterization."""
    style.save(_map_figure(), tmp_path / "raster")
    monkeypatch.setattr(style, "RASTER_ELEMENTS", 10**9)
    style.save(_map_figure(), tmp_path / "vector")
    raster, vector = (tmp_path / "raster.pdf").read_bytes(), (tmp_path / "vector.pdf").read_bytes()
    assert b"/Subtype /Image" in raster and b"/Subtype /Image" not in vector
    assert len(raster) < len(vector) / 3
    assert (tmp_path / "raster.png").read_bytes() == (tmp_path / "vector.png").read_bytes()


def test_saving_is_deterministic(tmp_path):
    """The same figure twice gives the same bytes (no dates or software versions inside)."""
    for name in ("a", "b"):
        style.save(_map_figure(), tmp_path / name)
    for ext in ("pdf", "png"):
        assert (tmp_path / f"a.{ext}").read_bytes() == (tmp_path / f"b.{ext}").read_bytes()
