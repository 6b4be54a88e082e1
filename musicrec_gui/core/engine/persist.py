"""Saving and loading a ``TrainedModel`` without pickle, and refusing files that are not ours.

A saved model is a folder with two files:

* ``model.npz`` — numeric arrays only (names are UTF-8 bytes plus offsets);
* ``model.json`` — settings, scalars, curves, evaluation, array shapes, and a
  sha256 checksum over both files' content.

A model file may be damaged or crafted, and the checksum does not stop a
crafted one (anyone can recompute it), so loading trusts nothing it reads:
both files must be regular files (not links to ``/dev/zero``) of bounded size;
only the known members of the zip are read, each after its header proved the
expected dtype and shape and its size was checked; index arrays must point
inside their arrays.  Any failure is a ``ModelFileError`` saying why.

Saving writes ``.saving-*`` temporary files and renames them into place, so a
crash or a full disk never leaves a half-written model behind under the real
names; a failed save removes its temporaries, and ``remove_partial_saves``
clears those of a process that died.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.errors import EngineError, ModelFileError

FORMAT = "musicrec-model"
VERSION = 1
ARRAYS_FILE = "model.npz"
META_FILE = "model.json"
PARTIAL_PREFIX = ".saving-"
# The arrays and their dtypes; the text arrays are stored as UTF-8 bytes plus int64 offsets.
NUMERIC_DTYPES = {
    "listener_bias": np.float32, "artist_bias": np.float32, "listener_emb": np.float32,
    "artist_emb": np.float32, "listener_ids": np.int64, "artist_ids": np.int64, "played_indptr": np.int64,
    "played_artists": np.int64, "played_values": np.float32, "artist_listeners": np.int64,
    "artist_plays": np.int64,
}
NUMERIC = tuple(NUMERIC_DTYPES)
TEXT = ("listener_names", "listener_kinds", "artist_names", "artist_norms")
SCALARS = ("mu", "weight_total", "transform", "value_mean", "value_std", "created", "name",
           "training", "lr_finder", "dim_search", "evaluation")

# Bounds on what loading reads: a description is small; the arrays file may hold no
# more than its described arrays plus the zip's and .npy headers' overhead.
MAX_META_BYTES = 64 << 20
MAX_NPY_HEADER = 4096
ZIP_OVERHEAD_PER_MEMBER = 512
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"   # a zip member's local header: 30 bytes, then its name and extra field
LOCAL_HEADER_BYTES = 30
# A ``.saving-*`` file this old belongs to no save in progress.
PARTIAL_AGE_SECONDS = 3600


def save_model(model: TrainedModel, folder: str | Path) -> Path:
    """Write ``model`` into ``folder`` (created if needed); returns the folder.

    Raises ``ModelFileError`` (with the reason, e.g. a full disk) when it
    cannot be written; no partial file is left behind then.
    """
    folder = Path(folder)
    temporaries: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {name: np.ascontiguousarray(getattr(model, name), dtype=dtype)
                  for name, dtype in NUMERIC_DTYPES.items()}
        for name in TEXT:
            arrays[name + "_utf8"], arrays[name + "_offsets"] = _encode(getattr(model, name))
        tmp_npz = _temp_path(folder, ".npz", temporaries)
        np.savez(tmp_npz, **arrays)
        meta = {
            "format": FORMAT, "version": VERSION, "settings": model.settings.to_dict(),
            "shapes": {name: list(a.shape) for name, a in arrays.items()},
            **{name: getattr(model, name) for name in SCALARS},
        }
        meta["checksum"] = _checksum(tmp_npz, meta)
        tmp_json = _temp_path(folder, ".json", temporaries)
        tmp_json.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp_npz, folder / ARRAYS_FILE)     # arrays first: the JSON names their checksum
        os.replace(tmp_json, folder / META_FILE)
    except OSError as exc:
        raise ModelFileError(f"{folder}: the model could not be saved ({exc.strerror or 'write error'}); "
                             "nothing was written") from None
    finally:
        for path in temporaries:
            path.unlink(missing_ok=True)
    return folder


def remove_partial_saves(folder: str | Path, older_than: float = PARTIAL_AGE_SECONDS) -> int:
    """Delete ``.saving-*`` files in ``folder`` left by a save that died; returns how many."""
    removed = 0
    limit = time.time() - older_than
    try:
        entries = list(Path(folder).glob(PARTIAL_PREFIX + "*"))
    except OSError:
        return 0
    for path in entries:
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            pass                          # gone already, or not ours to delete
    return removed


def read_meta(folder: str | Path) -> dict:
    """The JSON sidecar alone (fast; not verified against the arrays)."""
    path = Path(folder) / META_FILE
    raw = _read_regular(path, MAX_META_BYTES, missing=f"{folder}: no saved model here ({META_FILE} missing)")
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ModelFileError(f"{path}: unreadable model description (not valid JSON)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a MusicRec model file")
    if meta.get("version") != VERSION:
        raise ModelFileError(f"{path}: model format version {meta.get('version')!r} is not "
                             f"supported by this version of MusicRec (expects {VERSION}); retrain it")
    shapes = meta.get("shapes")
    if not isinstance(shapes, dict) or not all(
            isinstance(shape, list) and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                                            for n in shape)
            for shape in shapes.values()):
        raise ModelFileError(f"{path}: the model description has no valid array shapes")
    return meta


def load_model(folder: str | Path) -> TrainedModel:
    """Read a saved model back, refusing anything tampered with, crafted or incompatible."""
    folder = Path(folder)
    meta = read_meta(folder)
    expected = _expected_arrays(meta, folder)
    path = folder / ARRAYS_FILE
    limit = sum(_nbytes(dtype, shape) + MAX_NPY_HEADER + ZIP_OVERHEAD_PER_MEMBER
                for dtype, shape in expected.values())
    _regular_size(path, limit, missing=f"{folder}: model arrays missing ({ARRAYS_FILE})")
    if _checksum(path, meta) != meta.get("checksum"):
        raise ModelFileError(f"{folder}: checksum mismatch — the model files were modified or "
                             "damaged; retrain or pick another model")
    arrays = _read_arrays(path, expected, folder)
    try:
        settings = Settings.from_dict(meta["settings"])
        values: dict[str, Any] = {name: arrays[name] for name in NUMERIC}
        values.update({name: _decode(arrays[name + "_utf8"], arrays[name + "_offsets"], folder) for name in TEXT})
        values.update({name: meta[name] for name in SCALARS})
        model = TrainedModel(settings=settings, **values)
    except (EngineError, KeyError, TypeError, ValueError):
        raise ModelFileError(f"{folder}: incompatible model description") from None
    _check_consistent(model, folder)
    return model


def _expected_arrays(meta: dict, folder: Path) -> dict[str, tuple[np.dtype, tuple[int, ...]]]:
    """Every member the arrays file must hold: its dtype and (described) shape."""
    shapes = meta["shapes"]
    wanted = {name: np.dtype(dtype) for name, dtype in NUMERIC_DTYPES.items()}
    for name in TEXT:
        wanted[name + "_utf8"], wanted[name + "_offsets"] = np.dtype(np.uint8), np.dtype(np.int64)
    missing = [name for name in wanted if name not in shapes]
    if missing:
        raise ModelFileError(f"{folder}: the model description lacks the shape of {missing[0]!r}")
    return {name: (dtype, tuple(shapes[name])) for name, dtype in wanted.items()}


def _read_arrays(path: Path, expected: dict, folder: Path) -> dict[str, np.ndarray]:
    """The expected members of the npz, each checked before its data is read."""
    arrays = {}
    try:
        with open(path, "rb") as stream, zipfile.ZipFile(stream) as archive:
            members = {info.filename: info for info in archive.infolist()}
            for name, (dtype, shape) in expected.items():
                info = members.get(name + ".npy")
                nbytes = _nbytes(dtype, shape)
                if info is None or info.file_size > nbytes + MAX_NPY_HEADER:
                    raise ModelFileError(f"{folder}: array {name!r} missing or of the wrong size")
                if info.compress_type == zipfile.ZIP_STORED:   # as np.savez writes them
                    start = _data_start(stream, info)
                    stream.seek(start)
                    arrays[name] = _read_npy(stream, name, dtype, shape, nbytes, folder, end=start + info.file_size)
                else:
                    with archive.open(info) as member:
                        arrays[name] = _read_npy(member, name, dtype, shape, nbytes, folder)
    except ModelFileError:
        raise
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise ModelFileError(f"{folder}: model arrays unreadable (damaged file)") from None
    return arrays


def _data_start(stream, info: zipfile.ZipInfo) -> int:
    """Where a member's data begins: after its local header (whose extra field may differ in size
    from the central directory's)."""
    stream.seek(info.header_offset)
    header = stream.read(LOCAL_HEADER_BYTES)
    if len(header) != LOCAL_HEADER_BYTES or header[:4] != LOCAL_HEADER_SIGNATURE:
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + LOCAL_HEADER_BYTES + name_length + extra_length


def _read_npy(member, name: str, dtype: np.dtype, shape: tuple, nbytes: int, folder: Path,
              end: int | None = None) -> np.ndarray:
    """One array from ``member``, read straight into its memory.  ``end`` is where the member ends
    when ``member`` is the whole file (an uncompressed member read in place), else None.

    Read into place, 100 MB of embeddings are read without holding the interpreter lock: through
    ``zipfile`` and a copy, the loading thread held it for 125 ms at a time and the GUI thread
    waited.  (Read in place, the member's CRC is not checked: the file's sha256 was, before.)"""
    try:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(member, max_header_size=MAX_NPY_HEADER)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(member, max_header_size=MAX_NPY_HEADER)
        else:
            raise ValueError("unknown .npy version")
    except ValueError:
        raise ModelFileError(f"{folder}: array {name!r} is not a plain array") from None
    got_shape, fortran, got_dtype = header
    if got_dtype != dtype or tuple(got_shape) != shape or (fortran and len(shape) > 1):
        raise ModelFileError(f"{folder}: array {name!r} missing or of the wrong shape or type")
    array = np.empty(shape, dtype=dtype)
    if member.readinto(array.data.cast("B")) != nbytes or (
            member.read(1) if end is None else member.tell() != end):
        raise ModelFileError(f"{folder}: array {name!r} is cut short or has extra data")
    return array


def _check_consistent(model: TrainedModel, folder: Path) -> None:
    n, m = model.listener_bias.shape[0], model.artist_bias.shape[0]
    played = model.played_artists.shape[0]
    indptr = model.played_indptr
    ok = (model.listener_emb.shape[0] == n and model.artist_emb.shape[0] == m
          and model.listener_emb.ndim == model.artist_emb.ndim == 2
          and model.listener_emb.shape[1] == model.artist_emb.shape[1] == model.settings.dim
          and len(model.listener_names) == len(model.listener_kinds) == len(model.listener_ids) == n
          and len(model.artist_names) == len(model.artist_norms) == len(model.artist_ids) == m
          and model.artist_listeners.shape == model.artist_plays.shape == (m,)
          and indptr.shape == (n + 1,) and model.played_values.shape == (played,)
          and all(np.isfinite(a).all() for a in (model.listener_emb, model.artist_emb, model.listener_bias,
                                                 model.artist_bias, model.played_values)))
    if not ok:
        raise ModelFileError(f"{folder}: model arrays are inconsistent with each other")
    # Indexes must stay inside what they index: a crafted file would otherwise read out of bounds.
    if (indptr[0] != 0 or indptr[-1] != played or (np.diff(indptr) < 0).any()
            or (played and (model.played_artists.min() < 0 or model.played_artists.max() >= m))):
        raise ModelFileError(f"{folder}: the model's list of played artists points outside its arrays")


def _read_regular(path: Path, limit: int, missing: str) -> bytes:
    _regular_size(path, limit, missing)
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ModelFileError(f"{path}: unreadable ({exc.strerror or 'read error'})") from None
    if len(data) > limit:
        raise ModelFileError(f"{path}: larger than a model file can be")
    return data


def _regular_size(path: Path, limit: int, missing: str) -> int:
    """The size of ``path``, which must be a regular file (a link to one is fine) of at most ``limit``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ModelFileError(missing) from None
    except OSError as exc:
        raise ModelFileError(f"{path}: unreadable ({exc.strerror or 'error'})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(f"{path}: not a regular file")
    if info.st_size > limit:
        raise ModelFileError(f"{path}: larger than a model file can be")
    return info.st_size


def _nbytes(dtype: np.dtype, shape: tuple[int, ...]) -> int:
    return int(np.prod(shape, dtype=object)) * dtype.itemsize


def _checksum(arrays: Path, meta: dict) -> str:
    """sha256 over the arrays file (read in blocks) and the description without its checksum."""
    described = {k: v for k, v in meta.items() if k != "checksum"}
    digest = hashlib.sha256()
    try:
        with open(arrays, "rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise ModelFileError(f"{arrays}: unreadable ({exc.strerror or 'read error'})") from None
    digest.update(json.dumps(described, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _encode(strings) -> tuple[np.ndarray, np.ndarray]:
    encoded = [str(s).encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets


def _decode(blob: np.ndarray, offsets: np.ndarray, folder: Path) -> np.ndarray:
    if len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != len(blob) or (np.diff(offsets) < 0).any():
        raise ModelFileError(f"{folder}: the model's names point outside their text")
    raw = blob.tobytes()
    try:
        return np.array([raw[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)],
                        dtype=object)
    except UnicodeDecodeError:
        raise ModelFileError(f"{folder}: model names are not valid UTF-8") from None


def _temp_path(folder: Path, suffix: str, temporaries: list[Path]) -> Path:
    handle, name = tempfile.mkstemp(dir=folder, prefix=PARTIAL_PREFIX, suffix=suffix)
    os.close(handle)
    temporaries.append(Path(name))
    return Path(name)
