"""Recommendation lists as playlists of artists: JSPF (JSON) and XSPF (XML).

A list of artists is not a list of recordings, so each entry is a track with
only a ``creator`` (the artist's name), the MusicBrainz artist page as its
``identifier`` and ``info`` when the identifier is known, and the reason as
its ``annotation``.  Players and ListenBrainz's playlist import resolve such
entries by artist.  Formats: XSPF version 1 (namespace ``http://xspf.org/ns/0/``)
and its JSON form JSPF (``{"playlist": {…, "track": [{…}]}}``, where a
track's ``identifier`` is a list of URIs).

Files are written safely: to a temporary file beside the target, then moved
over it in one step, so a failure never leaves half a playlist behind; text
that XML cannot carry (control characters) is dropped.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.links import musicbrainz_artist_url, valid_mbid

XSPF_NAMESPACE = "http://xspf.org/ns/0/"
CREATOR = "MusicRec"
JSPF_SUFFIXES = (".jspf", ".json")
XSPF_SUFFIXES = (".xspf",)
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/return, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class PlaylistError(MusicRecError):
    """A playlist that cannot be written (unknown kind of file, a folder that refuses it)."""


@dataclass(frozen=True)
class PlaylistEntry:
    artist: str
    mbid: str | None = None
    annotation: str = ""


@dataclass(frozen=True)
class Playlist:
    title: str
    entries: tuple[PlaylistEntry, ...]
    annotation: str = ""
    date: str = ""          # ISO 8601; now when empty

    def stamped(self) -> str:
        return self.date or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _identifier(entry: PlaylistEntry) -> str | None:
    mbid = valid_mbid(entry.mbid)
    return musicbrainz_artist_url(mbid) if mbid else None


def to_jspf(playlist: Playlist) -> dict:
    tracks = []
    for entry in playlist.entries:
        track: dict = {"creator": _clean(entry.artist)}
        identifier = _identifier(entry)
        if identifier:
            track["identifier"] = [identifier]
            track["info"] = identifier
        if entry.annotation:
            track["annotation"] = _clean(entry.annotation)
        tracks.append(track)
    body = {"title": _clean(playlist.title), "creator": CREATOR, "date": playlist.stamped(), "track": tracks}
    if playlist.annotation:
        body["annotation"] = _clean(playlist.annotation)
    return {"playlist": body}


def to_xspf(playlist: Playlist) -> bytes:
    def child(parent, tag: str, text: str):
        element = ET.SubElement(parent, f"{{{XSPF_NAMESPACE}}}{tag}")
        element.text = _clean(text)
        return element

    root = ET.Element(f"{{{XSPF_NAMESPACE}}}playlist", {"version": "1"})
    child(root, "title", playlist.title)
    child(root, "creator", CREATOR)
    if playlist.annotation:
        child(root, "annotation", playlist.annotation)
    child(root, "date", playlist.stamped())
    track_list = ET.SubElement(root, f"{{{XSPF_NAMESPACE}}}trackList")
    for entry in playlist.entries:
        track = ET.SubElement(track_list, f"{{{XSPF_NAMESPACE}}}track")
        identifier = _identifier(entry)
        if identifier:    # XSPF orders a track's children: identifier before creator, info after
            child(track, "identifier", identifier)
        child(track, "creator", entry.artist)
        if entry.annotation:
            child(track, "annotation", entry.annotation)
        if identifier:
            child(track, "info", identifier)
    ET.register_namespace("", XSPF_NAMESPACE)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_playlist(path: str | Path, playlist: Playlist) -> Path:
    """Write ``playlist`` to ``path``: JSPF for ``.jspf``/``.json``, XSPF for ``.xspf``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSPF_SUFFIXES:
        data = json.dumps(to_jspf(playlist), ensure_ascii=False, indent=1).encode("utf-8")
    elif suffix in XSPF_SUFFIXES:
        data = to_xspf(playlist)
    else:
        raise PlaylistError(f"{path}: a playlist file name ends in .jspf or .xspf")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise PlaylistError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise PlaylistError(f"{path}: cannot write the playlist ({exc.strerror or exc})") from None
    return path
