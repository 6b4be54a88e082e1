"""Going from one exploring page to another (an artist anywhere → the Similar page)."""
from __future__ import annotations


def open_similar(main, artist: str) -> None:
    """Show the Similar page for ``artist``; ``main`` is the MainWindow.

    The model pages live inside ``ModelGate``s that build them with the first
    model, so by the time someone can click an artist, the Similar page exists.
    """
    page = getattr(main.pages.get("similar"), "page", None)
    if page is None:
        return
    main.show_page("similar")
    page.show_artist(artist)
