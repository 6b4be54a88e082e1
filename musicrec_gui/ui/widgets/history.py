"""Back/forward through visited items, as in a web browser (the Similar page's artist trail). No Qt."""
from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class NavigationHistory(Generic[T]):
    """A list of visited items and a position in it.

    ``push`` visits a new item: anything "forward" of the current one is
    dropped, as a browser does. Visiting the current item again changes
    nothing, so a refresh does not grow the trail. The oldest items go once
    there are more than ``limit``.
    """

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._items: list[T] = []
        self._position = -1   # index of the current item; -1 while empty

    def push(self, item: T) -> None:
        if self._items and self.current() == item:
            return
        del self._items[self._position + 1:]
        self._items.append(item)
        if len(self._items) > self.limit:
            del self._items[0]
        self._position = len(self._items) - 1

    def back(self) -> T | None:
        """Step back and return the item now current; None (and no step) at the start."""
        if not self.can_back():
            return None
        self._position -= 1
        return self._items[self._position]

    def forward(self) -> T | None:
        """Step forward and return the item now current; None (and no step) at the end."""
        if not self.can_forward():
            return None
        self._position += 1
        return self._items[self._position]

    def can_back(self) -> bool:
        return self._position > 0

    def can_forward(self) -> bool:
        return self._position < len(self._items) - 1

    def current(self) -> T | None:
        return self._items[self._position] if self._items else None

    def items(self) -> list[T]:
        return list(self._items)

    def clear(self) -> None:
        self._items.clear()
        self._position = -1

    def __len__(self) -> int:
        return len(self._items)
