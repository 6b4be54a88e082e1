"""How much of a person's music each community dataset knows, as bars: why a newer dataset helps.

One row per ``library.Coverage`` (all community data together first, then each
dataset): the dataset's name, then two bars — the share of the person's
artists it knows and the share of their plays — each with the figures in
words.  Recommendations can only reach artists the community data knows, so
a dataset that knows 80 % of someone's plays serves them far better than one
that knows 30 %.  Painted by hand, like ``BarList``: names are elided with the
full sentence on hover, and rows follow the font size.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from musicrec_gui.core.library import Coverage
from musicrec_gui.core.text import display_name
from musicrec_gui.ui.widgets.plot_style import series_colours, with_alpha
from musicrec_gui.ui.widgets.text import tip_text

HEADERS = ("Community data", "Artists it knows", "Plays it knows")
NEW = " (new)"


def coverage_sentence(coverage: Coverage, whose: str = "your") -> str:
    """ "HetRec 2011 Last.fm 2K knows 1,104 of your 3,105 artists (36 %) and 70 % of your plays." """
    return (f"{display_name(coverage.label)} knows {coverage.matched_artists:,} of {whose} {coverage.artists:,} "
            f"artists ({coverage.artist_share:.0%}) and {coverage.matched_plays:,} of {whose} {coverage.plays:,} "
            f"plays ({coverage.play_share:.0%}).")


class CoverageChart(QWidget):
    """``set_coverage({person: [Coverage, …]})``: a heading row per person when there are several."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Coverage | None]] = []   # (person, coverage); None: a person heading
        self._new: set[str] = set()
        self._whose: dict[str, str] = {}
        self.empty_text = "No community data yet: add some to see how much of your music it knows"
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_coverage(self, coverage: dict[str, list[Coverage]], new: set[str] | None = None,
                     whose: dict[str, str] | None = None) -> None:
        """``new``: dataset keys this import added (marked); ``whose``: "your" or "sam’s" per person."""
        self._new = set(new or ())
        self._whose = dict(whose or {})
        several = len(coverage) > 1
        self._rows = []
        for person, rows in coverage.items():
            if len(rows) <= 1:
                continue   # no community data: "all" alone says nothing
            if several:
                self._rows.append((person, None))
            self._rows += [(person, row) for row in rows]
        self.updateGeometry()
        self.update()

    def rows(self) -> list[tuple[str, str, float, float]]:
        """(person, dataset label, artist share, play share) as drawn, top to bottom."""
        return [(person, row.label, row.artist_share, row.play_share) for person, row in self._rows
                if row is not None]

    def _row_height(self) -> int:
        return round(self.fontMetrics().height() * 1.7)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 90, (len(self._rows) + 1) * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 50, 3 * self._row_height())

    def _columns(self) -> tuple[int, int, int]:
        """Left edges of the name, artists and plays columns."""
        width = self.width()
        name = int(width * 0.34)
        return 0, name, name + (width - name) // 2

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        metrics = self.fontMetrics()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        if not self._rows:
            painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
            return
        row_height = self._row_height()
        columns = self._columns()
        gap = metrics.averageCharWidth()
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        for number, header in enumerate(HEADERS):
            right = columns[number + 1] if number + 1 < len(columns) else self.width()
            painter.drawText(QRectF(columns[number], 0, right - columns[number] - gap, row_height),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(header, Qt.TextElideMode.ElideRight, right - columns[number] - gap))
        normal = painter.font()
        normal.setBold(False)
        colours = series_colours(palette)
        fitting = max(1, self.height() // row_height - 1)   # whole rows only
        for index, (person, coverage) in enumerate(self._rows[:fitting]):
            top = (index + 1) * row_height
            painter.setFont(bold if coverage is None or not coverage.dataset else normal)
            painter.setPen(text_colour)
            if coverage is None:
                painter.drawText(QRectF(0, top, self.width(), row_height),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, display_name(person))
                continue
            label = display_name(coverage.label) + (NEW if coverage.dataset in self._new else "")
            painter.drawText(QRectF(columns[0], top, columns[1] - gap, row_height),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, columns[1] - columns[0] - gap))
            painter.setFont(normal)
            cells = ((coverage.artist_share, f"{coverage.artist_share:.0%} · {coverage.matched_artists:,} "
                                             f"of {coverage.artists:,}", columns[1], columns[2]),
                     (coverage.play_share, f"{coverage.play_share:.0%} · {coverage.matched_plays:,} "
                                           f"of {coverage.plays:,}", columns[2], self.width()))
            for share, text, left, right in cells:
                bar = QRectF(left, top + row_height * 0.15, right - left - gap, row_height * 0.7)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(with_alpha(colours[0], 0.18))
                painter.drawRoundedRect(bar, 3, 3)
                painter.setBrush(with_alpha(colours[0], 0.55))
                painter.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * share, bar.height()), 3, 3)
                painter.setPen(text_colour)
                painter.drawText(bar.adjusted(gap / 2, 0, -gap / 2, 0),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                                 metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(bar.width() - gap)))

    def mouseMoveEvent(self, event) -> None:
        row = int(event.position().y() // self._row_height()) - 1
        if 0 <= row < len(self._rows) and self._rows[row][1] is not None:
            person, coverage = self._rows[row]
            whose = self._whose.get(person, f"{display_name(person)}’s")
            QToolTip.showText(event.globalPosition().toPoint(), tip_text(coverage_sentence(coverage, whose)), self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)
