"""Writing tables to CSV that spreadsheets open safely (no Qt).

RFC 4180 (comma separated, CRLF line ends, quotes where needed), UTF-8 with
a byte-order mark so Excel reads accents right.

Formula injection (CWE-1236): a spreadsheet runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` (tab and carriage return can smuggle those in)
as a formula, and artist names come from other people's files. Every *text*
cell starting with one of those characters gets a leading ``'``, which makes
spreadsheets show it as text.

Numbers are never changed: a numeric value (int, float, numpy number), such
as a bias of -0.5, is written as a number and stays one in the spreadsheet.
Only the text is suspect; numbers are produced by us. So the rule is by the
cell's type, not by its look: the *string* "-0.5" in a text column is
neutralised like any other text.
"""
from __future__ import annotations

import csv
import math
from os import PathLike

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text`` as a harmless spreadsheet cell: prefixed with ``'`` when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text(value) -> str:
    """The CSV text of one value: numbers as numbers, missing values blank, text made safe."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return "" if math.isnan(number) else repr(number)   # repr: the shortest text that reads back exactly
    return safe_cell(str(value))


def write_csv(path: str | PathLike, frame: pd.DataFrame) -> None:
    """Write ``frame`` (header row, then one row per row; the index is left out) to ``path``."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")   # minimal quoting, as RFC 4180
        writer.writerow([safe_cell(str(name)) for name in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            writer.writerow([cell_text(value) for value in row])
