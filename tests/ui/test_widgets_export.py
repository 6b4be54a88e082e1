"""The Qt-free helpers of the widgets: CSV export, navigation history, search keys."""
from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from musicrec_gui.core.text import display_name, display_names
from musicrec_gui.ui.widgets.csv_export import cell_text, safe_cell, write_csv
from musicrec_gui.ui.widgets.history import NavigationHistory
from musicrec_gui.ui.widgets.search_key import search_key, search_keys
from tests.shared_data import HETREC, require_shared

# -- CSV export ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+44", "'+44"), ("-M-", "'-M-"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Sigur Rós", "Sigur Rós"), ("", ""), ("a=b", "a=b"),
])
def test_safe_cell(text, expected):
    assert safe_cell(text) == expected


def test_numbers_stay_numbers():
    assert cell_text(-0.5) == "-0.5"
    assert cell_text(np.float32(-0.25)) == "-0.25"
    assert cell_text(np.int64(-3)) == "-3"
    assert cell_text(1_234_567) == "1234567"   # no thousands separator: a spreadsheet reads it as a number
    assert cell_text(float("nan")) == "" and cell_text(None) == "" and cell_text(pd.NA) == ""
    assert cell_text(True) == "TRUE" and cell_text(np.bool_(False)) == "FALSE"
    assert cell_text("-0.5") == "'-0.5"   # text that looks like a number is still text


def read_back(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_write_csv_neutralises_formulas_and_round_trips(tmp_path):
    frame = pd.DataFrame({
        "artist": ["=SUM(A1)", "+44", "-M-", "@x", "\tx", 'Comma, "quoted"\nand a new line', "Beyoncé", None],
        "bias": [-0.5, 1.25, 0.0, -2.0, 3.0, np.nan, 0.1, 7.0],
        "listeners": pd.array([1, 2, None, 4, 5, 6, 7, 8], dtype="Int64"),
        "known": [True, False, True, False, True, False, True, False],
    })
    path = tmp_path / "out.csv"
    write_csv(path, frame)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")             # BOM: Excel reads UTF-8
    assert b"\r\n" in raw                              # RFC 4180 line ends
    rows = read_back(path)
    assert rows[0] == ["artist", "bias", "listeners", "known"]
    assert [r[0] for r in rows[1:]] == ["'=SUM(A1)", "'+44", "'-M-", "'@x", "'\tx",
                                        'Comma, "quoted"\nand a new line', "Beyoncé", ""]
    assert [r[1] for r in rows[1:]] == ["-0.5", "1.25", "0.0", "-2.0", "3.0", "", "0.1", "7.0"]
    assert [float(r[1]) for r in rows[1:] if r[1]] == [-0.5, 1.25, 0.0, -2.0, 3.0, 0.1, 7.0]
    assert [r[2] for r in rows[1:]] == ["1", "2", "", "4", "5", "6", "7", "8"]
    assert rows[1][3] == "TRUE" and rows[2][3] == "FALSE"
    assert len(rows) == 1 + len(frame)


def test_write_csv_neutralises_headers(tmp_path):
    path = tmp_path / "h.csv"
    write_csv(path, pd.DataFrame({"=cmd": [1]}))
    assert read_back(path) == [["'=cmd"], ["1"]]


# -- NavigationHistory --------------------------------------------------------------------

def test_history_back_and_forward():
    history = NavigationHistory()
    assert not history.can_back() and not history.can_forward() and history.current() is None
    assert history.back() is None
    for item in ("a", "b", "c"):
        history.push(item)
    assert history.current() == "c" and history.can_back() and not history.can_forward()
    assert history.back() == "b"
    assert history.back() == "a"
    assert not history.can_back() and history.back() is None and history.current() == "a"
    assert history.forward() == "b" and history.can_forward()


def test_history_push_drops_the_forward_part_and_ignores_repeats():
    history = NavigationHistory()
    for item in ("a", "b", "c"):
        history.push(item)
    history.back()
    history.back()
    history.push("d")   # a new branch from "a"
    assert history.items() == ["a", "d"] and not history.can_forward()
    history.push("d")   # visiting the same item again adds nothing
    assert len(history) == 2


def test_history_limit():
    history = NavigationHistory(limit=3)
    for item in range(5):
        history.push(item)
    assert history.items() == [2, 3, 4] and history.current() == 4
    history.clear()
    assert history.current() is None and len(history) == 0


# -- search keys --------------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("Beyoncé", "beyonce"), ("Sigur Rós", "sigurros"), ("MØ", "mo"), ("AC/DC", "acdc"),
    ("Motörhead", "motorhead"), ("Straße", "strasse"), ("!!!", "!!!"), ("坂本龍一", "坂本龍一"),
])
def test_search_key(text, key):
    assert search_key(text) == key


# Edge cases of folding a joined block of names, and (the last three) names folded one by one.
AWKWARD_NAMES = ["!!!", "  ...  ", "", "_", "__a__", "e\u0301", "\u0301x", "Straße", "ǅ", "ﬁ", "Ⅻ", "①",
                 "Þórir", "Æ", "\u202eexe.txt", "Katy Perry\ue216", "Tab\there", "a\x00b", "\x00", "\ud800x"]


def test_search_keys_of_many_names_match_each_name_alone():
    names = pd.read_csv(require_shared(HETREC / "artists.dat"), sep="\t", usecols=["name"])["name"].astype(str)
    for block in ([*AWKWARD_NAMES[:-3], *names.tolist()], AWKWARD_NAMES):
        assert search_keys(block) == [search_key(name).replace("\x00", "") for name in block]
        assert display_names(block) == [display_name(name) for name in block]
