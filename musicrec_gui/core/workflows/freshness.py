"""Does the model in use predate the library? (no Qt)

After training, people import more, undo imports or add community data.
``Listening`` already answers from the store as it is now (a person whose
plays changed is folded in); this tells the pages *that* it happened, so they
can say so and suggest training again:

* people whose plays changed since training, and people added after it
  (``Profile.in_model`` tells the two apart);
* imports made after the model was created (community data among them, which
  only a new training run brings in).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from musicrec_gui.core.text import count_text
from musicrec_gui.core.workflows.listening import PERSON, Listening, NoListener


@dataclass(frozen=True)
class Freshness:
    changed: tuple[str, ...] = ()    # people the model knows whose plays changed since
    added: tuple[str, ...] = ()      # people imported after training
    imports_since: int = 0           # files imported after the model was created

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.added or self.imports_since)

    def sentence(self) -> str:
        """One short clause for the page's model line."""
        if not self.stale:
            return ""
        return "the library changed since; train again to include it"

    def details(self) -> str:
        parts = []
        if self.imports_since:
            parts.append(f"{count_text(self.imports_since, 'file')} imported after training.")
        if self.changed:
            parts.append(f"Listening of {_names(self.changed)} changed since (imports or undos): "
                         "their results fold in the plays as they are now.")
        if self.added:
            parts.append(f"{_names(self.added)} added after training: folded in from their plays.")
        return " ".join(parts)


def check(listening: Listening) -> Freshness:
    """What changed in ``listening.store`` since ``listening.model`` was trained."""
    model = listening.model
    # Vectorised: a 360K-size model has 359 K listeners, and this runs beside the GUI thread.
    people = np.asarray(model.listener_kinds, dtype=object) == PERSON
    trained_people = set(np.asarray(model.listener_names, dtype=object)[people].tolist())
    changed: list[str] = []
    added: list[str] = []
    for person in listening.store.people():
        try:
            profile = listening.profile(person)
        except NoListener:   # none of their artists (left) is in the model
            (changed if person in trained_people else added).append(person)
            continue
        if profile.folded_in:
            (changed if profile.in_model else added).append(person)
    created = _when(listening.model.created)
    imports_since = 0 if created is None else sum(
        1 for source in listening.store.sources()
        if (when := _when(source.imported_at)) is not None and when > created)
    return Freshness(tuple(changed), tuple(added), imports_since)


def _when(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


def _names(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")
