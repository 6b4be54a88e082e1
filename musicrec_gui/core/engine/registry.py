"""The saved models in ``paths.models_dir()``: list, save, choose the active one, delete.

One folder per model (see ``persist``), named by creation time and preset, plus
``active.json`` naming the model the app uses.  Listing reads only the small JSON
sidecars; loading verifies everything.  A folder whose description cannot be
read is listed as damaged (``ModelInfo.damaged`` says why) rather than hidden
or breaking the list; listing also clears partial saves of processes that died.

A model's map (the t-SNE coordinates of its artists, minutes to compute at
160 000 artists) is kept beside it in ``map.npz`` (``save_map``/``load_map``),
so a restart does not lose it.  It is not part of the model's checksum (the
model is complete without it), so it is checked on its own when loaded, as
strictly as the model's arrays: no pickle, a bounded regular file, exactly
the expected members, one row of finite numbers per artist.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from musicrec_gui.core import paths
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.persist import PARTIAL_PREFIX, load_model, read_meta, remove_partial_saves, save_model
from musicrec_gui.core.errors import ModelFileError

ACTIVE_FILE = "active.json"
MAP_FILE = "map.npz"
MAP_MEMBER = "coordinates"          # (artists, 2) float32
MAP_HEADER_BYTES = 4096             # room for the zip and .npy headers around the one array
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ModelInfo:
    id: str
    name: str
    created: str
    dim: int
    n_listeners: int
    n_artists: int
    evaluation: dict | None
    active: bool
    path: str
    damaged: str | None = None     # why the model cannot be used, for a folder that is not a sound model


def _root(root: Path | None) -> Path:
    return Path(root) if root is not None else paths.models_dir()


def _folder(model_id: str, root: Path | None) -> Path:
    if not _SAFE_ID.match(model_id or ""):     # ids are folder names: no paths allowed
        raise ModelFileError(f"invalid model id {model_id!r}")
    return _root(root) / model_id


def list_models(root: Path | None = None) -> list[ModelInfo]:
    """Saved models, newest first; damaged ones are listed with ``damaged`` set."""
    base = _root(root)
    active = active_id(base)
    remove_partial_saves(base)
    try:
        folders = sorted((p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    except OSError as exc:
        raise ModelFileError(f"{base}: the models folder cannot be read ({exc.strerror or 'error'})") from None
    infos = []
    for folder in folders:
        if remove_partial_saves(folder) and not any(folder.iterdir()):
            folder.rmdir()                  # all that a save which died had written
            continue
        infos.append(_info(folder, folder.name == active))
    return infos


def _info(folder: Path, active: bool) -> ModelInfo:
    try:
        meta = read_meta(folder)
        shapes = meta["shapes"]
        emb = shapes.get("artist_emb", [0, 0])
        evaluation = meta.get("evaluation")
        return ModelInfo(
            id=folder.name, name=str(meta.get("name") or folder.name), created=str(meta.get("created", "")),
            dim=int(emb[1]) if len(emb) > 1 else 0,
            n_listeners=int(shapes.get("listener_bias", [0])[0]), n_artists=int(emb[0]),
            evaluation=evaluation if isinstance(evaluation, dict) else None, active=active, path=str(folder))
    except (ModelFileError, IndexError, TypeError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, ModelFileError) else f"{folder}: the model description is damaged"
        return ModelInfo(id=folder.name, name=folder.name, created="", dim=0, n_listeners=0, n_artists=0,
                         evaluation=None, active=active, path=str(folder), damaged=reason)


def save(model: TrainedModel, name: str = "", activate: bool = True, root: Path | None = None) -> ModelInfo:
    """Save ``model`` as a new entry (and make it the active one)."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", name or "model").strip("-")[:40] or "model"
    base = _root(root)
    model_id, n = f"{stamp}-{label}", 1
    while (base / model_id).exists():
        n += 1
        model_id = f"{stamp}-{label}-{n}"
    try:
        save_model(model.replace(name=name or model.name), base / model_id)
    except ModelFileError:
        shutil.rmtree(base / model_id, ignore_errors=True)      # a new folder: nothing else lives there
        raise
    if activate:
        set_active(model_id, root)
    return _info(base / model_id, activate or active_id(root) == model_id)


def load(model_id: str | None = None, root: Path | None = None) -> TrainedModel:
    """A saved model by id; without an id the active one (else the newest)."""
    if model_id is None:
        model_id = active_id(root)
        if model_id is None:
            models = [info for info in list_models(root) if info.damaged is None]
            if not models:
                raise ModelFileError("no trained model yet: train one first (musicrec train)")
            model_id = models[0].id
    folder = _folder(model_id, root)
    if not folder.is_dir():
        raise ModelFileError(f"no saved model {model_id!r}")
    return load_model(folder)


def active_id(root: Path | None = None) -> str | None:
    base = _root(root)
    try:
        chosen = json.loads((base / ACTIVE_FILE).read_text(encoding="utf-8")).get("active")
    except (OSError, ValueError, AttributeError):
        return None
    if isinstance(chosen, str) and _SAFE_ID.match(chosen) and (base / chosen).is_dir():
        return chosen
    return None


def set_active(model_id: str, root: Path | None = None) -> None:
    folder = _folder(model_id, root)
    if not folder.is_dir():
        raise ModelFileError(f"no saved model {model_id!r}")
    damaged = _info(folder, False).damaged
    if damaged:
        raise ModelFileError(f"model {model_id!r} cannot be used: {damaged}")
    try:
        (_root(root) / ACTIVE_FILE).write_text(json.dumps({"active": model_id}), encoding="utf-8")
    except OSError as exc:
        raise ModelFileError(f"{folder}: cannot mark the model as the one in use "
                             f"({exc.strerror or 'write error'})") from None


def delete(model_id: str, root: Path | None = None) -> None:
    """Remove a saved model; if it was active, no model is active afterwards."""
    folder = _folder(model_id, root)
    if not folder.is_dir():
        raise ModelFileError(f"no saved model {model_id!r}")
    was_active = active_id(root) == model_id
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise ModelFileError(f"{folder}: cannot delete the model ({exc.strerror or 'error'})") from None
    if was_active:
        (_root(root) / ACTIVE_FILE).unlink(missing_ok=True)


# -- the model's map ----------------------------------------------------------------------

def save_map(model_id: str, coordinates: np.ndarray, root: Path | None = None) -> Path:
    """Keep ``coordinates`` (one 2-D place per artist of the model) beside the saved model.

    Written to a temporary file and renamed into place, so a crash never leaves half a
    map; raises ``ModelFileError`` when the model is gone or the file cannot be written.
    """
    folder = _folder(model_id, root)
    if not folder.is_dir():
        raise ModelFileError(f"no saved model {model_id!r}")
    points = np.ascontiguousarray(coordinates, dtype=np.float32)
    if points.ndim != 2 or points.shape[1] != 2 or not np.isfinite(points).all():
        raise ModelFileError(f"{folder}: a map needs one finite 2-D place per artist")
    temporary = None
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=PARTIAL_PREFIX, suffix=".npz")
        os.close(handle)
        temporary = Path(name)
        np.savez(temporary, coordinates=points)   # MAP_MEMBER
        os.replace(temporary, folder / MAP_FILE)
    except OSError as exc:
        raise ModelFileError(f"{folder}: the map could not be saved ({exc.strerror or 'write error'})") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return folder / MAP_FILE


def load_map(model_id: str, n_artists: int, root: Path | None = None) -> np.ndarray | None:
    """The saved map of the model (``n_artists`` × 2 float64), or None when it has none.

    Raises ``ModelFileError`` when the file is there but is not such a map (damaged, crafted,
    or of another shape): the caller shows the PCA map instead and says why.
    """
    path = _folder(model_id, root) / MAP_FILE
    expected = (int(n_artists), 2)
    limit = expected[0] * 2 * 4 + MAP_HEADER_BYTES
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ModelFileError(f"{path}: unreadable ({exc.strerror or 'error'})") from None
    if not path.is_file() or info.st_size > limit:
        raise ModelFileError(f"{path}: not a map of this model's {n_artists:,} artists")
    try:
        with open(path, "rb") as stream, zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if [m.filename for m in members] != [MAP_MEMBER + ".npy"] or members[0].file_size > limit:
                raise ModelFileError(f"{path}: not a map of this model's {n_artists:,} artists")
            with archive.open(members[0]) as member:
                points = np.lib.format.read_array(member, allow_pickle=False, max_header_size=MAP_HEADER_BYTES)
    except ModelFileError:
        raise
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise ModelFileError(f"{path}: the saved map is damaged") from None
    if points.dtype != np.float32 or points.shape != expected or not np.isfinite(points).all():
        raise ModelFileError(f"{path}: not a map of this model's {n_artists:,} artists")
    return points.astype(np.float64)
