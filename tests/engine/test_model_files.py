"""Damaged, crafted and half-written model files (issue 10 item 5): a clear error, never a crash or a hang.

A crafted file comes with a correct checksum (anyone can recompute it), so
each case here fixes the checksum up: only the loader's own checks stand in
the way.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import synthetic_frames

from musicrec_gui.core.engine import persist, registry
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.dataset import build_dataset
from musicrec_gui.core.engine.persist import load_model, save_model
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.errors import ModelFileError

REPO = Path(__file__).resolve().parents[2]
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and limits")

# Loads the model folder argv[1] under a 2 GiB memory limit; prints what happened.
LOADER = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from musicrec_gui.core.engine.persist import load_model
    from musicrec_gui.core.errors import ModelFileError
    try:
        load_model(sys.argv[1])
        print("loaded")
    except ModelFileError as exc:
        print("refused:", exc)
""")


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    data = build_dataset(*synthetic_frames(n_listeners=20, n_artists=16, per_listener=6), valid_share=0.2, seed=1)
    trainer = Trainer(data, Settings(dim=4, epochs=2, threads=1))
    return TrainedModel.from_training(trainer, trainer.fit())


def _arrays(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / "model.npz") as npz:
        return {name: npz[name] for name in npz.files}


def _craft(folder: Path, arrays: dict | None = None, members: dict[str, bytes] | None = None,
           meta_changes: dict | None = None) -> None:
    """Rewrite a saved model with other arrays / raw members / description, checksum fixed up."""
    if arrays is not None:
        np.savez(folder / "model.npz", **arrays)
    if members:
        with zipfile.ZipFile(folder / "model.npz", "a") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    meta = json.loads((folder / "model.json").read_text())
    meta.update(meta_changes or {})
    if arrays is not None:
        meta["shapes"].update({name: list(a.shape) for name, a in arrays.items()})
    meta["checksum"] = persist._checksum(folder / "model.npz", meta)
    (folder / "model.json").write_text(json.dumps(meta))


def _load_in_child(folder: Path) -> str:
    done = subprocess.run([sys.executable, "-c", LOADER, str(folder)], capture_output=True, text=True, check=False,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.strip()


def test_a_member_of_raw_bytes_is_refused(model, tmp_path):
    folder = save_model(model, tmp_path / "m")
    arrays = _arrays(folder)
    del arrays["artist_bias"]
    _craft(folder, arrays, members={"artist_bias.npy": os.urandom(64)})
    with pytest.raises(ModelFileError, match="artist_bias"):
        load_model(folder)


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("change", ["cut short", "extra data"])
def test_a_member_cut_short_or_with_extra_data_is_refused(model, tmp_path, compression, change):
    folder = save_model(model, tmp_path / "m")
    arrays = _arrays(folder)
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, arrays.pop("artist_bias"))
    member = buffer.getvalue()
    member = member[:-4] if change == "cut short" else member + b"\0" * 4
    np.savez(folder / "model.npz", **arrays)
    with zipfile.ZipFile(folder / "model.npz", "a", compression=compression) as archive:
        archive.writestr("artist_bias.npy", member)
    _craft(folder)
    with pytest.raises(ModelFileError, match="artist_bias.*cut short or has extra data"):
        load_model(folder)


def test_a_saved_model_reads_back_exactly(model, tmp_path):
    loaded = load_model(save_model(model, tmp_path / "m"))
    for name in persist.NUMERIC:
        assert np.array_equal(getattr(loaded, name), getattr(model, name)), name


@pytest.mark.parametrize("name, dtype", [("artist_bias", np.float64), ("played_artists", np.float32),
                                         ("played_indptr", np.int32), ("artist_names_utf8", np.int64)])
def test_wrong_dtypes_are_refused(model, tmp_path, name, dtype):
    folder = save_model(model, tmp_path / "m")
    arrays = _arrays(folder)
    arrays[name] = arrays[name].astype(dtype)
    _craft(folder, arrays)
    with pytest.raises(ModelFileError, match=name):
        load_model(folder)


@pytest.mark.parametrize("damage", ["artist too large", "artist negative", "indptr decreasing", "indptr end",
                                    "name offsets past the end"])
def test_indexes_pointing_outside_their_arrays_are_refused(model, tmp_path, damage):
    folder = save_model(model, tmp_path / "m")
    arrays = _arrays(folder)
    if damage == "artist too large":
        arrays["played_artists"][3] = len(arrays["artist_bias"]) + 1000
    elif damage == "artist negative":
        arrays["played_artists"][0] = -7
    elif damage == "indptr decreasing":
        arrays["played_indptr"][2], arrays["played_indptr"][3] = arrays["played_indptr"][3], arrays["played_indptr"][2]
    elif damage == "indptr end":
        arrays["played_indptr"][-1] += 5
    else:
        arrays["artist_names_offsets"][-1] += 10_000
    _craft(folder, arrays)
    with pytest.raises(ModelFileError, match="point"):
        load_model(folder)


def test_a_hidden_huge_member_is_never_read(model, tmp_path):
    folder = save_model(model, tmp_path / "m")
    with zipfile.ZipFile(folder / "model.npz", "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("hidden.npy", "w", force_zip64=True) as hidden:
        zeros = bytes(64 << 20)
        for _ in range(48):                         # 3 GiB once unpacked, a few MB packed
            hidden.write(zeros)
    _craft(folder)
    assert (folder / "model.npz").stat().st_size < 64 << 20
    assert _load_in_child(folder).startswith("refused:")


@POSIX_ONLY
@pytest.mark.parametrize("member", ["model.npz", "model.json"])
def test_a_member_linked_to_dev_zero_is_refused(model, tmp_path, member):
    folder = save_model(model, tmp_path / "m")
    (folder / member).unlink()
    (folder / member).symlink_to("/dev/zero")
    result = _load_in_child(folder)
    assert result.startswith("refused:") and "not a regular file" in result


def test_a_damaged_description_is_listed_as_damaged_not_hidden_or_fatal(model):
    good = registry.save(model, name="good")
    for n, text in enumerate(["{not json", json.dumps({"format": "musicrec-model", "version": 1, "shapes": "x"}),
                              json.dumps({"format": "musicrec-model", "version": 1,
                                          "shapes": {"artist_emb": [3, 4], "listener_bias": "x"}})]):
        broken = registry.save(model, name=f"broken{n}", activate=False)
        Path(broken.path, "model.json").write_text(text)
    (Path(good.path).parent / "active.json").unlink()     # so that load() picks the newest sound one
    infos = registry.list_models()
    assert len(infos) == 4
    damaged = [info for info in infos if info.damaged]
    assert len(damaged) == 3 and all("\n" not in info.damaged for info in damaged)
    assert [info.id for info in infos if not info.damaged] == [good.id]
    assert registry.load().name == "good"
    with pytest.raises(ModelFileError, match="cannot be used"):
        registry.set_active(damaged[0].id)


def test_musicrec_models_lists_a_damaged_model_and_refuses_to_use_it(model, capsys):
    from musicrec_gui.cli import main as cli_main

    good = registry.save(model, name="good")
    broken = registry.save(model, name="broken", activate=False)
    Path(broken.path, "model.json").write_text("{not json")
    assert cli_main(["models"]) == 0
    out = capsys.readouterr().out
    assert good.id in out and f"! {broken.id}: damaged" in out
    assert cli_main(["models", "--use", broken.id]) == 1
    assert "cannot be used" in capsys.readouterr().err
    assert registry.active_id() == good.id


def test_a_failed_save_leaves_nothing_behind(model, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persist.np, "savez", full_disk)
    with pytest.raises(ModelFileError, match="No space left on device"):
        registry.save(model, name="doomed")
    root = registry._root(None)
    assert list(root.iterdir()) == []


@POSIX_ONLY
def test_a_full_disk_while_saving_gives_a_model_file_error(model, tmp_path):
    source = save_model(model, tmp_path / "source")
    code = textwrap.dedent("""
        import resource, signal, sys
        from pathlib import Path
        from musicrec_gui.core.engine import registry
        from musicrec_gui.core.engine.persist import load_model
        from musicrec_gui.core.errors import ModelFileError
        model = load_model(sys.argv[1])
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            registry.save(model, name="full", root=Path(sys.argv[2]))
            print("saved")
        except ModelFileError as exc:
            print("refused:", exc)
    """)
    root = tmp_path / "models"
    root.mkdir()
    done = subprocess.run([sys.executable, "-c", code, str(source), str(root)], capture_output=True, text=True,
                          check=False, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("refused:") and "could not be saved" in done.stdout
    assert list(root.rglob("*")) == []                   # no folder, no .saving-* file


def test_partial_saves_of_a_process_that_died_are_cleaned_up(model):
    kept = registry.save(model, name="kept")
    root = Path(kept.path).parent
    orphan = root / "20200101-000000-died"
    orphan.mkdir()
    stale = [orphan / ".saving-abc.npz", Path(kept.path) / ".saving-def.json"]
    fresh = Path(kept.path) / ".saving-now.npz"          # a save in progress right now: left alone
    for path in [*stale, fresh]:
        path.write_bytes(b"partial")
    old = time.time() - 2 * persist.PARTIAL_AGE_SECONDS
    for path in stale:
        os.utime(path, (old, old))
    assert [info.id for info in registry.list_models()] == [kept.id]
    assert not orphan.exists() and not any(path.exists() for path in stale) and fresh.exists()
