"""Making sure a parser fails only with ``ImportFormatError``.

Parsers handle the failures they expect (a malformed row is counted, not
raised).  Anything else that escapes — a decoding error deep in a library, a
damaged zip stream — still means "this file cannot be imported", so it is
reported as such, with the original exception chained for debugging.
"""
from __future__ import annotations

import functools
from typing import Callable, Iterator

from ..errors import ImportFormatError
from .base import Chunk, Source

Parser = Callable[[Source], Iterator[Chunk]]


def guarded(parse: Parser) -> Parser:
    """Wrap ``parse`` so every unexpected exception becomes ``ImportFormatError``."""
    @functools.wraps(parse)
    def run(source: Source, *args, **kwargs) -> Iterator[Chunk]:
        try:
            yield from parse(source, *args, **kwargs)
        except ImportFormatError:
            raise
        except Exception as err:  # noqa: BLE001 - the whole point: nothing else may escape
            raise ImportFormatError(source.name, f"could not be read ({type(err).__name__}: {err})") from err
    return run
