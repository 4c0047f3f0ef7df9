"""Renders the app icon (resources/icons/docrouter-desktop.svg) to PNGs at the usual sizes.

Uses Qt's SVG renderer; writes resources/icons/hicolor/NxN/apps/docrouter-desktop.png and the
window icon the app loads at run time (docrouter_desktop/resources/icons/docrouter-desktop.png).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "docrouter-desktop.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int, dest: Path) -> None:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    dest.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(dest))


if __name__ == "__main__":
    app = QGuiApplication([])
    for size in SIZES:
        render(
            size,
            ROOT
            / "resources"
            / "icons"
            / "hicolor"
            / f"{size}x{size}"
            / "apps"
            / "docrouter-desktop.png",
        )
    render(256, ROOT / "docrouter_desktop" / "resources" / "icons" / "docrouter-desktop.png")
    print("icons written")
