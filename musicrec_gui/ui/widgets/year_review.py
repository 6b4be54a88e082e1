"""A person's year in review: totals, top and new artists, month by month, the listening clock, top tracks.

One widget shows a ``history.YearInReview`` (the core computes it) and the
same widget renders the picture a person exports (``review_image``): painted
parts only (bar lists, month rows, the clock), no plots, so it draws the same
on screen and in a file, in the palette in use.  Names are plain text, cut
with "…" where they do not fit and whole on hover.
"""
from __future__ import annotations

import calendar

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from musicrec_gui.core.history import YearInReview
from musicrec_gui.core.periods import month_name
from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.ui.widgets.bar_list import BarList
from musicrec_gui.ui.widgets.listening_clock import ListeningClock
from musicrec_gui.ui.widgets.text import scaled_font, secondary

EXPORT_WIDTH_CHARS = 160     # the exported picture's width, in average characters of the font
WIDE_CHARS = 90              # from this width on, two columns


class MonthRows(QWidget):
    """Twelve rows: the month, a bar of its listens with the number, and its top artists."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._months: list[tuple[str, int, str]] = []     # ("2019-03", listens, "A, B, C")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_months(self, months: list[tuple[str, int, str]]) -> None:
        self._months = list(months)
        self.updateGeometry()
        self.update()

    def months(self) -> list[tuple[str, int, str]]:
        return list(self._months)

    def _row_height(self) -> int:
        return round(self.fontMetrics().height() * 1.4)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 60, max(12, len(self._months)) * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 30, self.sizeHint().height())

    def paintEvent(self, event) -> None:
        if not self._months:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette, metrics = self.palette(), self.fontMetrics()
        air = metrics.averageCharWidth()
        row = self._row_height()
        month_width = max(metrics.horizontalAdvance(calendar.month_abbr[m]) for m in range(1, 13)) + air
        value_width = metrics.horizontalAdvance(f"{max(v for _, v, _ in self._months):,}") + air
        bar_space = max(1.0, self.width() * 0.22)
        names_left = month_width + bar_space + value_width + air
        most = max(1, max(v for _, v, _ in self._months))
        text = palette.color(QPalette.ColorRole.WindowText)
        for number, (month, listens, names) in enumerate(self._months):
            y = number * row
            painter.setPen(text)
            painter.drawText(QRectF(0, y, month_width, row), Qt.AlignmentFlag.AlignVCenter,
                             calendar.month_abbr[int(month[5:7])])
            length = bar_space * listens / most
            if listens:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
                painter.drawRoundedRect(QRectF(month_width, y + row * 0.2, max(2.0, length), row * 0.6), 2, 2)
            painter.setPen(text)
            painter.drawText(QRectF(month_width + length + air / 2, y, value_width, row),
                             Qt.AlignmentFlag.AlignVCenter, f"{listens:,}")
            shown = metrics.elidedText(names, Qt.TextElideMode.ElideRight, int(self.width() - names_left))
            painter.drawText(QRectF(names_left, y, self.width() - names_left, row), Qt.AlignmentFlag.AlignVCenter,
                             shown)

    def mouseMoveEvent(self, event) -> None:
        number = int(event.position().y() // self._row_height())
        if 0 <= number < len(self._months):
            month, listens, names = self._months[number]
            year, index = int(month[:4]), int(month[5:7])
            tip = f"{calendar.month_name[index]} {year}: {count_text(listens, 'listen')}"
            QToolTip.showText(event.globalPosition().toPoint(), tip + (f"\nmost played: {names}" if names else ""),
                              self)
        else:
            QToolTip.hideText()


class _Stat(QFrame):
    """A big number over its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–", alignment=Qt.AlignmentFlag.AlignCenter)
        self.value.setFont(scaled_font(self.value, 1.5, bold=True))
        self.caption = secondary(QLabel(caption, alignment=Qt.AlignmentFlag.AlignCenter))
        column = QVBoxLayout(self)
        column.addWidget(self.value)
        column.addWidget(self.caption)


class YearReviewView(QWidget):
    """``set_review(review, first_person)``; ``review`` None shows nothing (an empty state elsewhere)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review: YearInReview | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setFont(scaled_font(self.title, 1.6, bold=True))
        self.stats = {key: _Stat(caption) for key, caption in
                      (("listens", "listens"), ("artists", "artists"), ("new", "new artists"), ("hours", "hours"))}
        self.top_artists, self.new_artists, self.top_tracks = BarList(), BarList(), BarList()
        for bars in (self.top_artists, self.new_artists, self.top_tracks):
            bars.empty_text = "None this year"
        self.months = MonthRows()
        self.clock = ListeningClock()
        self.clock_note = secondary(QLabel(wordWrap=True))
        self.clock_note.setTextFormat(Qt.TextFormat.PlainText)
        clock_box = QWidget()
        clock_column = QVBoxLayout(clock_box)
        clock_column.setContentsMargins(0, 0, 0, 0)
        clock_column.addWidget(self.clock)
        clock_column.addWidget(self.clock_note)
        self.footnote = secondary(QLabel(wordWrap=True))
        self.footnote.setTextFormat(Qt.TextFormat.PlainText)
        self.stats_grid = QGridLayout()
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(self.fontMetrics().height() // 3)
        self.grid.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 3)
        self.captions: dict[str, QLabel] = {}
        self._parts: list[tuple[QLabel, QWidget]] = []     # (caption, what it names), in reading order
        for key, caption, widget in (("top", "Top artists", self.top_artists),
                                     ("new", "New to you this year", self.new_artists),
                                     ("months", "Month by month", self.months),
                                     ("clock", "Listening clock", clock_box),
                                     ("tracks", "Top tracks", self.top_tracks)):
            label = QLabel(caption)
            label.setFont(scaled_font(label, 1.0, bold=True))
            self.captions[key] = label
            self._parts.append((label, widget))
        self.columns = 0
        self._arrange(2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.stats_grid)
        layout.addLayout(self.grid)
        layout.addWidget(self.footnote)
        layout.addStretch()

    def _arrange(self, columns: int) -> None:
        """Two columns side by side (top and new artists, months and the clock), or one below the
        other when the view is narrow; the numbers in one row of four, or two rows of two."""
        if columns == self.columns:
            return
        self.columns = columns
        for number, stat in enumerate(self.stats.values()):
            self.stats_grid.removeWidget(stat)
            per_row = 4 if columns == 2 else 2
            self.stats_grid.addWidget(stat, number // per_row, number % per_row)
        for label, widget in self._parts:
            self.grid.removeWidget(label)
            self.grid.removeWidget(widget)
        for number, (label, widget) in enumerate(self._parts):
            wide = columns == 2 and number == len(self._parts) - 1      # top tracks: the whole width
            row, column = ((number // 2) * 2, number % 2) if columns == 2 else (number * 2, 0)
            self.grid.addWidget(label, row, column)
            if widget is self._parts[3][1]:     # the clock: its natural height, at the top
                self.grid.addWidget(widget, row + 1, column, Qt.AlignmentFlag.AlignTop)
            else:
                self.grid.addWidget(widget, row + 1, column, 1, 2 if wide else 1)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1 if columns == 2 else 0)

    def arrange_for(self, width: int) -> None:
        """The arrangement that suits ``width`` pixels."""
        self._arrange(2 if width >= self.fontMetrics().averageCharWidth() * WIDE_CHARS else 1)

    def resizeEvent(self, event) -> None:
        self.arrange_for(event.size().width())
        super().resizeEvent(event)

    def set_review(self, review: YearInReview | None, first_person: bool = True) -> None:
        self.review = review
        if review is None:
            return
        who = "you" if first_person else display_name(review.person)
        self.title.setText(f"{review.year} for {who}")
        self.stats["listens"].value.setText(f"{review.listens:,}")
        self.stats["artists"].value.setText(f"{review.artists:,}")
        self.stats["new"].value.setText(f"{review.new_artists:,}")
        self.stats["hours"].value.setText("–" if review.hours is None else f"{review.hours:,.0f}")
        self.top_artists.set_items([(display_name(a.artist), a.plays) for a in review.top_artists])
        self.new_artists.set_items([(display_name(a.artist), a.plays) for a in review.top_new_artists])
        self.top_tracks.set_items([(f"{display_name(track)} – {display_name(artist)}", plays)
                                   for track, artist, plays in review.top_tracks])
        self.months.set_months([(m.month, m.listens, ", ".join(display_name(a.artist) for a in m.top_artists))
                                for m in review.months])
        self.clock.set_clock(review.clock)
        self.clock_note.setText(self.clock.summary())
        self.captions["clock"].setText("Listening clock (" + ("local time" if review.local_clock else "UTC") + ")")
        self.footnote.setText(_footnote(review))


def _footnote(review: YearInReview) -> str:
    notes = []
    if review.hours is None:
        notes.append("Hours are unknown: this export does not say how long each play lasted.")
    begins = review.history_begins
    if begins is not None and month_name(begins).endswith(str(review.year)):
        notes.append(f"The listening history begins in {month_name(begins)}, so every artist played this year "
                     "counts as new.")
    return " ".join(notes)


def review_image(review: YearInReview, first_person: bool, palette: QPalette | None = None) -> QImage:
    """The year in review as a picture (for "Export PNG"), at a fixed width whatever the window's size.

    Built and drawn on the GUI thread (widgets); saving the image can happen elsewhere."""
    view = YearReviewView()
    if palette is not None:
        view.setPalette(palette)
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    view.set_review(review, first_person)
    view.setAutoFillBackground(True)
    width = view.fontMetrics().averageCharWidth() * EXPORT_WIDTH_CHARS
    view.resize(width, view.fontMetrics().height())
    view.show()
    view.arrange_for(width)            # before measuring: one column would be twice as tall
    view.layout().activate()
    view.resize(width, view.sizeHint().height())
    view.layout().activate()
    image = view.grab().toImage()
    view.close()
    view.deleteLater()
    return image
