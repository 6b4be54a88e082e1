"""Saving and loading a ``TrainedModel`` without pickle.

A saved model is a folder with two files:

* ``model.npz`` — numeric arrays only (names are UTF-8 bytes plus offsets), read
  back with ``np.load(allow_pickle=False)``, so a crafted file cannot run code;
* ``model.json`` — settings, scalars, curves, evaluation, array shapes, and a
  sha256 checksum over both files' content.

Loading refuses, with a ``ModelFileError`` saying why, a folder whose checksum,
format version, arrays or shapes do not match.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.errors import ModelFileError

FORMAT = "musicrec-model"
VERSION = 1
ARRAYS_FILE = "model.npz"
META_FILE = "model.json"
NUMERIC = ("listener_bias", "artist_bias", "listener_emb", "artist_emb", "listener_ids", "artist_ids",
           "played_indptr", "played_artists", "played_values", "artist_listeners", "artist_plays")
TEXT = ("listener_names", "listener_kinds", "artist_names", "artist_norms")
SCALARS = ("mu", "weight_total", "transform", "value_mean", "value_std", "created", "name",
           "training", "lr_finder", "dim_search", "evaluation")


def save_model(model: TrainedModel, folder: str | Path) -> Path:
    """Write ``model`` into ``folder`` (created if needed); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {name: np.ascontiguousarray(getattr(model, name)) for name in NUMERIC}
    for name in TEXT:
        arrays[name + "_utf8"], arrays[name + "_offsets"] = _encode(getattr(model, name))
    tmp_npz = _temp_path(folder, ".npz")
    np.savez(tmp_npz, **arrays)
    meta = {
        "format": FORMAT, "version": VERSION, "settings": model.settings.to_dict(),
        "shapes": {name: list(a.shape) for name, a in arrays.items()},
        **{name: getattr(model, name) for name in SCALARS},
    }
    meta["checksum"] = _checksum(tmp_npz.read_bytes(), meta)
    tmp_json = _temp_path(folder, ".json")
    tmp_json.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp_npz, folder / ARRAYS_FILE)     # arrays first: the JSON names their checksum
    os.replace(tmp_json, folder / META_FILE)
    return folder


def read_meta(folder: str | Path) -> dict:
    """The JSON sidecar alone (fast; not verified against the arrays)."""
    path = Path(folder) / META_FILE
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"{folder}: no saved model here ({META_FILE} missing)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: unreadable model description ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a MusicRec model file")
    if meta.get("version") != VERSION:
        raise ModelFileError(f"{path}: model format version {meta.get('version')!r} is not "
                             f"supported by this version of MusicRec (expects {VERSION}); retrain it")
    return meta


def load_model(folder: str | Path) -> TrainedModel:
    """Read a saved model back, refusing anything tampered with or incompatible."""
    folder = Path(folder)
    meta = read_meta(folder)
    try:
        blob = (folder / ARRAYS_FILE).read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{folder}: model arrays unreadable ({exc})") from None
    if _checksum(blob, meta) != meta.get("checksum"):
        raise ModelFileError(f"{folder}: checksum mismatch — the model files were modified or "
                             "damaged; retrain or pick another model")
    try:
        with np.load(folder / ARRAYS_FILE, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{folder}: model arrays unreadable ({exc})") from None
    shapes = meta.get("shapes", {})
    for name in NUMERIC + tuple(t + s for t in TEXT for s in ("_utf8", "_offsets")):
        if name not in arrays or list(arrays[name].shape) != shapes.get(name):
            raise ModelFileError(f"{folder}: array {name!r} missing or of the wrong shape")
    try:
        settings = Settings.from_dict(meta["settings"])
        values = {name: arrays[name] for name in NUMERIC}
        values.update({name: _decode(arrays[name + "_utf8"], arrays[name + "_offsets"]) for name in TEXT})
        values.update({name: meta[name] for name in SCALARS})
        model = TrainedModel(settings=settings, **values)
    except (EngineError, KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{folder}: incompatible model description ({exc})") from None
    _check_consistent(model, folder)
    return model


def _check_consistent(model: TrainedModel, folder: Path) -> None:
    n, m = model.listener_bias.shape[0], model.artist_bias.shape[0]
    ok = (model.listener_emb.shape[0] == n and model.artist_emb.shape[0] == m
          and model.listener_emb.shape[1] == model.artist_emb.shape[1] == model.settings.dim
          and len(model.listener_names) == n and len(model.artist_names) == m
          and model.played_indptr.shape[0] == n + 1
          and all(np.isfinite(a).all() for a in (model.listener_emb, model.artist_emb,
                                                 model.listener_bias, model.artist_bias)))
    if not ok:
        raise ModelFileError(f"{folder}: model arrays are inconsistent with each other")


def _checksum(blob: bytes, meta: dict) -> str:
    described = {k: v for k, v in meta.items() if k != "checksum"}
    digest = hashlib.sha256(blob)
    digest.update(json.dumps(described, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _encode(strings) -> tuple[np.ndarray, np.ndarray]:
    encoded = [str(s).encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets


def _decode(blob: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    raw = blob.tobytes()
    try:
        return np.array([raw[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)],
                        dtype=object)
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"model names are not valid UTF-8 ({exc})") from None


def _temp_path(folder: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(dir=folder, prefix=".saving-", suffix=suffix)
    os.close(handle)
    return Path(name)
