"""Where an artist can be looked up on the web: MusicBrainz, ListenBrainz, Last.fm.

Only addresses are made here; nothing is sent.  The app opens one in the
browser when the person clicks it.  With a MusicBrainz identifier the
MusicBrainz and ListenBrainz pages are the artist's own; without one,
MusicBrainz gets a name search and ListenBrainz (whose artist pages need the
identifier) is left out.  Last.fm addresses artists by name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

MUSICBRAINZ, LISTENBRAINZ, LASTFM = "MusicBrainz", "ListenBrainz", "Last.fm"
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class ArtistLink:
    site: str      # MUSICBRAINZ, LISTENBRAINZ or LASTFM
    url: str

    @property
    def label(self) -> str:
        return f"Open on {self.site}"


def valid_mbid(mbid: str | None) -> str | None:
    """The identifier in canonical form when it is a MusicBrainz UUID, else None."""
    if not mbid:
        return None
    mbid = mbid.strip().lower()
    return mbid if _MBID.match(mbid) else None


def musicbrainz_artist_url(mbid: str) -> str:
    return f"https://musicbrainz.org/artist/{mbid}"


def artist_links(name: str, mbid: str | None = None) -> list[ArtistLink]:
    """The pages for an artist, MusicBrainz first."""
    mbid = valid_mbid(mbid)
    links = []
    if mbid:
        links.append(ArtistLink(MUSICBRAINZ, musicbrainz_artist_url(mbid)))
        links.append(ArtistLink(LISTENBRAINZ, f"https://listenbrainz.org/artist/{mbid}/"))
    else:
        links.append(ArtistLink(MUSICBRAINZ, f"https://musicbrainz.org/search?query={quote(name, safe='')}"
                                             "&type=artist&method=indexed"))
    links.append(ArtistLink(LASTFM, f"https://www.last.fm/music/{quote_plus(name, safe='')}"))
    return links
