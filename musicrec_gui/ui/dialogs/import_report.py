"""After an import: per file what was recognised, added and skipped, and how well the community data covers you.

Below the files, each person's coverage: how much of their artists and plays
all the community data knows, and each dataset alone (``CoverageChart``), so a
person sees what a newly added dataset brought.  The window computes it off
the GUI thread and hands it over with ``set_coverage``.
"""
from __future__ import annotations

import html
import textwrap
from pathlib import PurePath

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.importer import SourceReport
from musicrec_gui.core.library import DEFAULT_PERSON, Coverage
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.importing import ImportOutcome
from musicrec_gui.ui.widgets.coverage_chart import CoverageChart
from musicrec_gui.ui.widgets.text import heading

REPORT_COLUMNS = ("File", "Format", "Listener", "Rows read", "Added", "Skipped", "Malformed")
LOW_SHARE = 0.5
DETAIL_WIDTH = 110   # characters per line of a detail row
TIP_WIDTH = 60


def match_text(outcome: ImportOutcome) -> tuple[str, bool]:
    """A sentence on how much of the person's music the community data knows, and whether it is low."""
    match = outcome.match
    if not outcome.person or not match or not match.get("artists"):
        return "", False
    who = "your" if outcome.person == "you" else f"{outcome.person}’s"
    if outcome.community_listeners == 0:
        return ("There is no community data yet: add community data so recommendations can reach "
                f"beyond the artists in {who} own history."), True
    artists = match["matched_artists"] / match["artists"]
    plays = match["matched_plays"] / match["plays"] if match["plays"] else 0.0
    text = (f"{match['matched_artists']:,} of {who} {match['artists']:,} artists ({artists:.0%}) are in the "
            f"community data, covering {plays:.0%} of {who} plays.")
    low = min(artists, plays) < LOW_SHARE
    if low and _added_community_data(outcome):
        # Just added: telling the person to add community data would be stale advice.
        text += (" That is low: recommendations can only reach artists the community data knows, and "
                 "a dataset from another time or place may know more of yours.")
    elif low:
        text += (" That is low: add community data so recommendations can reach beyond the artists "
                 "the current data knows.")
    return text, low


def _added_community_data(outcome: ImportOutcome) -> bool:
    """Whether this import added community data (community reports belong to no person)."""
    return any(r.added and r.listener is None for r in outcome.reports if not r.error and not r.ignored)


class ImportReportDialog(QDialog):
    """A non-modal report; ``tree`` holds one top-level row per file, details as children."""

    def __init__(self, outcome: ImportOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome = outcome
        self.setWindowTitle("Import report")
        reports = outcome.reports
        added = sum(r.added for r in reports)
        imported = [r for r in reports if not r.error and not r.ignored]
        errors = [r for r in reports if r.error]

        self.title = heading(outcome.title, 1.3)
        summary = f"{added:,} rows added from {len(imported)} file{'s' if len(imported) != 1 else ''}."
        if errors:
            summary += f" {len(errors)} file{'s' if len(errors) != 1 else ''} could not be imported."
        self.summary = QLabel(summary, wordWrap=True)
        text, low = match_text(outcome)
        self.match = QLabel(html.escape(text), wordWrap=True)
        self.match.setTextFormat(Qt.TextFormat.RichText)   # escaped: names in it are plain text
        self.match.setVisible(bool(text))
        if low:
            self.match.setText(f"<b>{html.escape(text)}</b>")
        self.low_share = low

        self.tree = QTreeWidget()
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)   # the end of a path tells files apart
        self.tree.setHeaderLabels(REPORT_COLUMNS)
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for report in reports:
            item = self._item(report)
            self.tree.addTopLevelItem(item)
            for index in range(item.childCount()):   # spanning works only once in the tree
                item.child(index).setFirstColumnSpanned(True)
        self.tree.expandAll()

        self.coverage = CoverageChart()
        self.coverage.empty_text = "Working out how much of each person's music the community data knows…"
        self.coverage_box = QGroupBox("How much of each person's music the community data knows")
        QVBoxLayout(self.coverage_box).addWidget(self.coverage)
        self.coverage_box.setToolTip("Recommendations can only reach artists the community data knows: "
                                     "the more of your music it knows, the better they fit")
        parts = QSplitter(Qt.Orientation.Vertical)
        parts.addWidget(self.tree)
        parts.addWidget(self.coverage_box)
        parts.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        buttons.accepted.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.match)
        layout.addWidget(parts, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 120, self.fontMetrics().height() * 34)

    def set_coverage(self, coverage: dict[str, list[Coverage]]) -> None:
        """Each person's coverage (``library.coverage``), the datasets this import added marked "new"."""
        new = {r.format for r in self.outcome.reports
               if r.listener is None and r.added and not r.error and not r.ignored}
        whose = {person: "your" if person == DEFAULT_PERSON else f"{display_name(person)}’s" for person in coverage}
        self.coverage.empty_text = ("There is no community data yet: add some so recommendations can reach "
                                    "beyond the artists in your own history.")
        self.coverage.set_coverage(coverage, new, whose)
        self.coverage_box.setVisible(bool(coverage))

    def _item(self, r: SourceReport) -> QTreeWidgetItem:
        skipped = sum(r.skipped.values())
        imported = not r.error and not r.ignored
        listener = display_name(r.listener) if r.listener else ("community" if imported else "")
        values = [display_name(short_path(r.path)), r.format_label or "—", listener,
                  f"{r.rows_read:,}" if imported else "", f"{r.added:,}" if imported else "",
                  f"{skipped:,}" if imported else "", f"{r.malformed:,}" if imported else ""]
        item = QTreeWidgetItem(values)
        item.setToolTip(0, display_name(r.path))
        for column in range(3, len(values)):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setData(0, Qt.ItemDataRole.UserRole, r)
        if r.error:
            item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            self._detail(item, f"Error: {r.error}")
        elif r.ignored:
            self._detail(item, f"Skipped: {r.ignored}")
        if r.already_imported:
            self._detail(item, f"Already imported (import #{r.source_id}): nothing added")
        for reason, count in sorted(r.skipped.items(), key=lambda kv: -kv[1]):
            self._detail(item, f"Skipped {count:,}: {reason}")
        if r.malformed:
            lines = ", ".join(map(str, r.malformed_lines))
            more = r.malformed - len(r.malformed_lines)
            tail = f" (and {more:,} more)" if more > 0 else ""
            self._detail(item, f"Malformed {r.malformed:,}: line{'s' if r.malformed != 1 else ''} {lines}{tail}")
        for note in r.notes:
            if not (r.already_imported and note.startswith("already imported")):
                self._detail(item, f"Note: {note}")
        return item

    def _detail(self, parent: QTreeWidgetItem, text: str) -> None:
        # Item views do not wrap spanned rows, so long messages (errors) are wrapped here.
        text = display_name(text)
        child = QTreeWidgetItem([textwrap.fill(text, DETAIL_WIDTH)])
        child.setToolTip(0, textwrap.fill(text, TIP_WIDTH))
        parent.addChild(child)

    def details(self, row: int) -> list[str]:
        """The detail lines under the ``row``-th file (what a reader sees when expanding it)."""
        item = self.tree.topLevelItem(row)
        return [" ".join(item.child(i).text(0).split("\n")) for i in range(item.childCount())]


def short_path(path: str) -> str:
    """The file and its folder, and the zip it came from: enough to tell ``user_artists.dat`` of two
    datasets, or the same-named files of two zips, apart."""
    parts = PurePath(path).parts
    archive = next((i for i, part in enumerate(parts) if part.lower().endswith(".zip")), None)
    if archive is not None and archive < len(parts) - 1:
        inside = parts[archive + 1:]
        return "/".join([parts[archive], *(["…"] if len(inside) > 2 else []), *inside[-2:]])
    return "/".join(parts[-2:]) if len(parts) > 1 else path
