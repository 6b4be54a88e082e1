"""Render the app icon for packaging: ``python resources/make_icons.py``.

The one source is ``musicrec_gui/resources/icons/musicrec.svg`` (the app loads
its SVGs from the package at run time).  This writes what desktop packaging
needs into ``resources/icons/``: hicolor PNGs and the scalable SVG for Linux
(``packaging/build.py`` copies them to ``share/icons``), ``musicrec.ico`` for
Windows and ``musicrec.icns`` for macOS (``packaging/musicrec.spec``).
Re-run it after editing the SVG; the outputs are kept in the repository.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "musicrec_gui" / "resources" / "icons" / "musicrec.svg"
OUT = ROOT / "resources" / "icons"
APP_ID = "io.github.musicrec.MusicRec"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QPainter needs an application)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    for size in SIZES:
        folder = OUT / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        render(renderer, size).save(str(folder / f"{APP_ID}.png"))
    scalable = OUT / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable / f"{APP_ID}.svg")
    render(renderer, 256).save(str(OUT / "musicrec.ico"))
    render(renderer, 512).save(str(OUT / "musicrec.icns"))
    render(renderer, 256).save(str(OUT / "musicrec.png"))
    print(f"icons written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
