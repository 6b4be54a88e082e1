"""Typed, versioned settings, and the window remembering its geometry and last folder."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from musicrec_gui.ui import settings as options
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Option, Settings

from .conftest import drop_paths, wait_idle

COUNT = Option("test/count", int, 7)
FLAG = Option("test/flag", bool, False)


def test_values_round_trip_with_their_types(tmp_path):
    path = tmp_path / "s.ini"
    first = Settings.at(path)
    first.set(COUNT, 12)
    first.set(FLAG, True)
    first.set(options.LAST_IMPORT_FOLDER, "/music/exports")
    first.set(options.WINDOW_GEOMETRY, QByteArray(b"\x01\x02geometry"))
    first.sync()
    again = Settings.at(path)
    assert again.get(COUNT) == 12 and again.get(FLAG) is True
    assert again.get(options.LAST_IMPORT_FOLDER) == "/music/exports"
    assert again.get(options.WINDOW_GEOMETRY) == QByteArray(b"\x01\x02geometry")
    assert again.get(options.PERSON) == "you"   # never set: the default


def test_unreadable_values_fall_back_to_the_default(tmp_path):
    path = tmp_path / "s.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue("test/count", "many")
    raw.setValue("test/flag", "perhaps")
    raw.sync()
    values = Settings.at(path)
    assert values.get(COUNT) == 7 and values.get(FLAG) is False


def test_settings_are_versioned_and_migrations_run_once_in_order(tmp_path, monkeypatch):
    path = tmp_path / "s.ini"
    assert options.VERSION == 1 and Settings.at(path).version == 1
    calls = []
    monkeypatch.setattr(options, "MIGRATIONS", [lambda qs: calls.append(0), lambda qs: calls.append(1),
                                                lambda qs: calls.append(2)])
    monkeypatch.setattr(options, "VERSION", 3)
    assert Settings.at(path).version == 3
    assert calls == [1, 2]   # from version 1: the second and third migrations
    Settings.at(path)
    assert calls == [1, 2]   # not again


def test_a_file_from_a_newer_version_is_left_alone(tmp_path):
    path = tmp_path / "s.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(options.VERSION_KEY, options.VERSION + 5)
    raw.setValue(options.LAST_PAGE.key, "train")
    raw.sync()
    values = Settings.at(path)
    assert values.version == options.VERSION + 5
    assert values.get(options.LAST_PAGE) == "train"


def test_the_window_remembers_geometry_page_and_last_folder(qtbot, store, tmp_path):
    path = tmp_path / "window.ini"
    first = MainWindow(store, Settings.at(path))
    qtbot.addWidget(first)
    first.show()
    first.resize(731, 507)
    first.show_page("similar")
    export = tmp_path / "exports" / "notes.csv"
    export.parent.mkdir()
    export.write_text("who;band;n\nu1;A;1\n")
    assert drop_paths(first, [export])
    wait_idle(qtbot, first)
    first.close()

    remembered = Settings.at(path)
    assert remembered.get(options.LAST_IMPORT_FOLDER) == str(export.parent)
    second = MainWindow(store, remembered)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (731, 507)
    assert second.current_page() == "similar"
    second.close()
