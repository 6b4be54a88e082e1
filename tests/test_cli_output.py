"""What the CLI prints (issue 13 item 14, issue 10 item 11): quiet pipes, errors once, plurals, aligned
columns, "did you mean", and names that cannot command the terminal."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from musicrec_gui.cli import main
from musicrec_gui.cli.output import json_text, table, text_width
from musicrec_gui.core.text import display_name, terminal_text
from musicrec_gui.selftest import write_fixture

ESCAPE = "\x1b[2J\x1b]0;pwned\x07"   # clear the screen, set the window title


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def trained_home(tmp_path_factory):
    """A data folder with the self-test's community data, "you", an artist named with an escape
    sequence, and a small trained model."""
    root = tmp_path_factory.mktemp("cli-output")
    home = root / "home"
    community, export = write_fixture(root / "fixture")
    with open(community / "artists.dat", "a", encoding="utf-8", newline="") as out:
        out.write(f"9001\tEvil{ESCAPE}Band\thttp://www.last.fm/music/x\t\r\n")
    with open(community / "user_artists.dat", "a", encoding="utf-8", newline="") as out:
        out.write("4\t9001\t50\r\n")
    env = {**os.environ, "MUSICREC_HOME": str(home)}
    for argv in (["import", str(community), str(export)], ["train", "--epochs", "5", "--threads", "1"]):
        done = subprocess.run([sys.executable, "-m", "musicrec_gui.cli", *argv], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def home(trained_home, monkeypatch):
    monkeypatch.setenv("MUSICREC_HOME", str(trained_home))
    return trained_home


def test_a_closed_pipe_ends_the_command_without_a_traceback(home):
    # `musicrec artists | head -1`: the reader goes away while the command still writes. The command
    # runs a few hundred times in one process, so its output certainly outgrows the pipe's buffer.
    code = ("import sys; from musicrec_gui.cli import main\n"
            "for _ in range(400): main(['artists', '--search', '', '-n', '100000'])\n")
    done = subprocess.run(f"{sys.executable} -c \"{code}\" | head -1", shell=True, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "MUSICREC_HOME": str(home),
                                            "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.stdout.count("\n") == 1 and "listener" in done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_import_errors_are_printed_once(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICREC_HOME", str(tmp_path / "home"))
    junk = tmp_path / "notes.txt"
    junk.write_text("nothing to see\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(junk), str(tmp_path / "missing.json"))
    assert code == 1
    assert out == ""   # no "ERROR" lines on stdout as well
    lines = err.strip().splitlines()
    assert len(lines) == 2 and sum("notes.txt" in line for line in lines) == 1
    assert sum("missing.json" in line for line in lines) == 1


def test_counts_have_the_right_plural(capsys, home):
    code, out, _ = run(capsys, "artists", "--search", "evil")
    assert code == 0 and " 1 listener " in out + " " and "1 listeners" not in out
    code, out, _ = run(capsys, "stats")
    assert out.startswith("1 person, 80 community listeners,")


def test_similar_suggests_close_names(capsys, home):
    code, _, err = run(capsys, "similar", "Rokc Band 03")
    assert code == 1 and "no artist matches" in err and "did you mean Rock Band 03" in err
    data = json.loads(run(capsys, "similar", "Rokc Band 03", "--json")[1])
    assert data["query"] is None and data["suggestions"][0] == "Rock Band 03"


def test_recommend_json_names_the_default_listener(capsys, home):
    data = json.loads(run(capsys, "recommend", "--json", "-n", "3")[1])
    assert data["listener"] == "you" and len(data["results"]) == 3


def test_names_cannot_command_the_terminal(capsys, home):
    # An artist named with escape sequences: shown escaped in text, exact (and harmless) in JSON.
    code, out, _ = run(capsys, "artists", "--search", "evil")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "Evil\\x1b[2J\\x1b]0;pwned\\x07Band" in out
    data = json.loads(run(capsys, "artists", "--search", "evil", "--json")[1])
    assert data["results"][0]["artist"] == f"Evil{ESCAPE}Band"
    code, out, _ = run(capsys, "similar", "Rock Band 03", "-n", "200", "--min-listeners", "1")
    assert "\x1b" not in out and "Evil\\x1b" in out


def test_columns_line_up_whatever_the_script():
    rows = [("1.", "結束バンド", "0.900", "12 listeners"), ("2.", "Air", "0.800", "1 listener"),
            ("10.", "Sigur Ro\u0301s", "0.700", "123 listeners")]
    lines = table(rows, right=(0, 2, 3))
    starts = [text_width(line[:line.index(score)]) for line, (_, _, score, _) in zip(lines, rows)]
    assert len(set(starts)) == 1   # the score column starts at the same terminal column
    assert len({text_width(line) for line in lines}) == 1


def test_terminal_and_json_escaping():
    assert terminal_text("a\x1b[31mb") == "a\\x1b[31mb"
    assert terminal_text("\x9b2J") == "\\x9b2J"            # C1 CSI, which JSON does not escape
    assert terminal_text("txt\u202eexe") == "txt\\u202eexe"   # a right-to-left override
    assert terminal_text("Sigur Rós 結束バンド") == "Sigur Rós 結束バンド"
    value = {"artist": "x\x9b2J\u202e\u2028y"}
    text = json_text(value)
    assert not any(char in text for char in "\x9b\u202e\u2028") and json.loads(text) == value
    assert display_name("Katy Perry\ue216") == "Katy Perry"
