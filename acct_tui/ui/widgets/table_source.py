"""What a `VirtualTable` shows: its columns and the source of its rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from rich.text import Text

from acct_tui.core.text import terminal_safe
from acct_tui.ui.safe import safe_text


class TableSource(Protocol):
    """What a `VirtualTable` reads: a row count and a window of rows."""

    def count(self) -> int: ...

    def fetch(self, offset: int, limit: int) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Column:
    """One column: which field, its header, width and how a cell is drawn."""

    key: str
    label: str
    width: int = 10
    justify: str = "left"
    render: Callable[[Any], str | Text] | None = None
    style: str = ""

    def cell(self, row: Any) -> Text:
        """The cell as text: never markup, control characters shown as stand-ins (`ui/safe.py`)."""
        value = self.render(row) if self.render else getattr(row, self.key, "")
        if isinstance(value, Text):
            return safe_text(value)
        return Text(terminal_safe("" if value is None else str(value)), style=self.style)


class ListSource:
    """A source over an in-memory sequence (small lists, tests)."""

    def __init__(self, rows: Sequence[Any]):
        self.rows = rows

    def count(self) -> int:
        return len(self.rows)

    def fetch(self, offset: int, limit: int) -> Sequence[Any]:
        return self.rows[offset : offset + limit]
