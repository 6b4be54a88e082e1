"""Icons from the package's SVG files, drawn in the colours of the current palette.

The SVGs under ``musicrec_gui/resources/icons`` draw with ``currentColor``;
we substitute the palette's text colours before rendering, so the same files
look right in light and dark mode (and in the selected/disabled states).
``importlib.resources`` finds them both in a checkout and in an installed or
frozen package.
"""
from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

# Drawn at once for each state (Qt scales from the nearest); 48 and 64 serve 2× screens.  Buttons
# never need more, and the large sizes cost most (a 256 px pixmap is 90 % of the drawing):
# only the application icon has them.
_SIZES = (16, 20, 24, 32, 48, 64)
_APP_ICON_SIZES = (*_SIZES, 128, 256)
_NAME_PROPERTY = "musicrec_icon"


def svg_text(name: str) -> str:
    """The source of ``resources/icons/<name>.svg``."""
    return (resources.files("musicrec_gui") / "resources" / "icons" / f"{name}.svg").read_text("utf-8")


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """A themed icon: normal, selected and disabled states follow ``palette``."""
    palette = palette or QApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText).name()
    selected = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return _themed_icon(name, normal, selected, disabled)


def set_icon(target: QObject, name: str) -> None:
    """Give a button or action a themed icon, remembering the name so ``retheme`` can redraw it."""
    target.setProperty(_NAME_PROPERTY, name)
    target.setIcon(icon(name))


def retheme(root: QObject) -> None:
    """Redraw the icons ``set_icon`` gave to ``root`` and its children (after a palette change)."""
    for target in [root, *root.findChildren(QObject)]:
        name = target.property(_NAME_PROPERTY)
        if name and hasattr(target, "setIcon"):
            target.setIcon(icon(name))


def app_icon() -> QIcon:
    """The application icon (fixed brand colours)."""
    return _themed_icon("musicrec", "#000000", "#000000", "#000000", _APP_ICON_SIZES)


@cache
def _themed_icon(name: str, normal: str, selected: str, disabled: str, sizes: tuple[int, ...] = _SIZES) -> QIcon:
    source = svg_text(name)
    result = QIcon()
    for colour, mode in ((normal, QIcon.Mode.Normal), (selected, QIcon.Mode.Selected),
                         (disabled, QIcon.Mode.Disabled)):
        renderer = QSvgRenderer(QByteArray(source.replace("currentColor", colour).encode()))
        for size in sizes:
            result.addPixmap(_render(renderer, size), mode)
    return result


def _render(renderer: QSvgRenderer, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(Qt.GlobalColor.transparent))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap
