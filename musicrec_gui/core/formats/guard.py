"""Making sure a parser fails only with ``ImportFormatError``.

Parsers handle the failures they expect (a malformed row is counted, not
raised).  Anything else that escapes — a decoding error deep in a library, a
damaged zip stream — still means "this file cannot be imported", so it is
reported as such.  The message says what a person can act on; the exception
itself (internal text, a traceback) goes to the log, never into the message.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Chunk, Source

Parser = Callable[..., Iterator[Chunk]]   # a source first; a mapped table's parser also takes its mapping

_log = logging.getLogger(__name__)


def guarded(parse: Parser) -> Parser:
    """Wrap ``parse`` so every unexpected exception becomes ``ImportFormatError``."""
    @functools.wraps(parse)
    def run(source: Source, *args, **kwargs) -> Iterator[Chunk]:
        try:
            yield from parse(source, *args, **kwargs)
        except ImportFormatError:
            raise
        except OSError as err:
            raise ImportFormatError(source.name, f"could not be read ({err.strerror or 'read error'})") from err
        except MemoryError:
            raise ImportFormatError(source.name, "is too large to read with the memory available") from None
        except Exception as err:  # noqa: BLE001 - the whole point: nothing else may escape
            _log.warning("unexpected failure reading %s", source.name, exc_info=True)
            raise ImportFormatError(source.name, "could not be read: its content is damaged or not laid "
                                                 "out as the format expects") from err
    return run
