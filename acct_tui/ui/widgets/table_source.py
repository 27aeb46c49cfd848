"""What a `VirtualTable` shows: its columns, the source of its rows (read a page
at a time, `Pages`), and how a row or the header becomes one line of text."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.strip import Strip

from acct_tui.core.text import terminal_safe
from acct_tui.ui.safe import safe_text


@dataclass
class RowMessage(Message):
    """A message about one row of a `VirtualTable`."""

    table: "VirtualTable"
    index: int
    row: Any

    @property
    def control(self) -> "VirtualTable":
        return self.table


class TableSource(Protocol):
    """What a `VirtualTable` reads: a row count and a window of rows."""

    def count(self) -> int: ...

    def fetch(self, offset: int, limit: int) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Column:
    """One column: which field, its header, width and how a cell is drawn.

    `width=0` makes the column flexible: it takes a share of the spare width,
    at least `min_width` and at most `max_width` (None: no limit). When the
    columns do not fit, those with the highest `priority` are hidden first
    (0: never hidden); the header says how many are hidden.
    """

    key: str
    label: str
    width: int = 10
    justify: str = "left"
    render: Callable[[Any], str | Text] | None = None
    style: str = ""
    priority: int = 0
    min_width: int = 8
    max_width: int | None = None

    def cell(self, row: Any) -> Text:
        """The cell as text: never markup, control characters shown as stand-ins (`ui/safe.py`)."""
        value = self.render(row) if self.render else getattr(row, self.key, "")
        if isinstance(value, Text):
            return safe_text(value)
        return Text(terminal_safe("" if value is None else str(value)), style=self.style)


#: Rows fetched from the source in one call, and cached together.
PAGE_SIZE = 200
#: Pages kept in the cache; older ones are dropped (they are cheap to fetch again).
MAX_PAGES = 32


class Pages:
    """The rows of a source read a page (`PAGE_SIZE` rows) at a time, the last `MAX_PAGES` kept."""

    def __init__(self) -> None:
        self._pages: dict[int, Sequence[Any]] = {}

    def clear(self) -> None:
        """Forget every page (the data changed)."""
        self._pages.clear()

    def row(self, source: TableSource, index: int) -> Any:
        """The row at `index` of `source` (in range), fetching its page if needed; None past a short page."""
        page_no, slot = divmod(index, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = source.fetch(page_no * PAGE_SIZE, PAGE_SIZE)
            if len(self._pages) >= MAX_PAGES:
                self._pages.pop(next(iter(self._pages)))
            self._pages[page_no] = page
        return page[slot] if slot < len(page) else None


class RowCache:
    """Rows already drawn, by the row object: a repaint of an unchanged row is a lookup.

    An entry holds the row object it was drawn from and the `look` (widths, styles,
    cursor, theme) it was drawn with; it answers only while both are the same, at
    whatever index the row is now (a filter that shows it again, one line higher).
    The oldest entries go past `bound` (set to the rows on screen plus a margin).
    """

    def __init__(self, bound: int = 64) -> None:
        self.bound = bound
        self._drawn: OrderedDict[int, tuple[Any, tuple, Strip]] = OrderedDict()

    def clear(self) -> None:
        """Forget every drawn row (the data, or something a column draws from, changed)."""
        self._drawn.clear()

    def draw(self, row: Any, look: tuple, draw: Callable[[], Strip]) -> Strip:
        """`row` as drawn before with this `look`, else `draw()` (kept)."""
        key = id(row)  # the entry holds the row: no other object has its id meanwhile
        entry = self._drawn.get(key)
        if entry is not None and entry[0] is row and entry[1] == look:
            self._drawn.move_to_end(key)
            return entry[2]
        drawn = draw()
        self._drawn[key] = (row, look, drawn)
        self._drawn.move_to_end(key)
        while len(self._drawn) > self.bound:
            self._drawn.popitem(last=False)
        return drawn


class ListSource:
    """A source over an in-memory sequence (small lists, tests)."""

    def __init__(self, rows: Sequence[Any]):
        self.rows = rows

    def count(self) -> int:
        return len(self.rows)

    def fetch(self, offset: int, limit: int) -> Sequence[Any]:
        return self.rows[offset : offset + limit]


def layout(columns: Sequence[Column], available: int, sort_key: str | None = None) -> tuple[list[int | None], list[Column]]:
    """Each column's width for `available` cells (None: hidden), and the hidden columns.

    Columns are hidden by priority (highest first, then the rightmost) until the
    rest fit with their minimum widths and room for the hint that some are
    hidden; then flexible columns share what is left, each up to its `max_width`
    (an unlimited one takes the rest). The sorted column is wide enough for its
    label and the sort arrow.
    """

    def base(column: Column) -> int:
        width = column.min_width if column.width == 0 else column.width
        if column.key == sort_key:
            width = max(width, len(column.label) + 1)
        return width

    shown = list(range(len(columns)))
    hint = 0

    def needed() -> int:
        return sum(base(columns[i]) + 1 for i in shown) + hint

    droppable = sorted((i for i, c in enumerate(columns) if c.priority), key=lambda i: (-columns[i].priority, -i))
    for index in droppable:
        if needed() <= available:
            break
        shown.remove(index)
        hint = HINT_ROOM
    widths: list[int | None] = [None] * len(columns)
    for i in shown:
        widths[i] = base(columns[i])
    flexible = [i for i in shown if columns[i].width == 0]
    spare = max(available - needed(), 0)
    # Bounded flexible columns grow first, each to its cap or its share; the unbounded take the rest.
    bounded = sorted((i for i in flexible if columns[i].max_width is not None), key=lambda i: columns[i].max_width)
    unbounded = [i for i in flexible if columns[i].max_width is None]
    for n, i in enumerate(bounded):
        share = spare // (len(bounded) - n + len(unbounded))
        grow = min(share, columns[i].max_width - widths[i])
        widths[i] += max(grow, 0)
        spare -= max(grow, 0)
    for n, i in enumerate(unbounded):
        grow = spare // (len(unbounded) - n)
        widths[i] += grow
        spare -= grow
    hidden = [c for c, w in zip(columns, widths) if w is None]
    return widths, hidden


#: Cells kept at the end of the header for "+2 hidden" when columns are hidden.
HINT_ROOM = 9


def hidden_hint(hidden: Sequence[Column], room: int) -> str:
    """`+2 hidden: Own, Share` cut to `room` cells; empty when nothing is hidden."""
    if not hidden:
        return ""
    full = f"+{len(hidden)} hidden: " + ", ".join(c.label or c.key for c in hidden)
    short = f"+{len(hidden)} hidden"
    if len(full) <= room:
        return full
    return short if len(short) <= room else f"+{len(hidden)}"[:room]


def header_line(columns: Sequence[Column], widths: Sequence[int | None], sort_indicator: tuple[str, bool] | None) -> Text:
    """The shown columns' labels, each fitted to its width; the sorted one with ▼ (descending) or ▲."""
    line = Text(no_wrap=True, end="")
    for column, width in zip(columns, widths):
        if width is None:
            continue
        label = column.label
        if sort_indicator and sort_indicator[0] == column.key:
            label = f"{label}{'▼' if sort_indicator[1] else '▲'}"
        line.append(fit(Text(label), width, column.justify))
        line.append(" ")
    return line


def row_line(columns: Sequence[Column], widths: Sequence[int | None], row: Any) -> Text:
    """A row's shown cells, each fitted to its column's width: the layout `row_strip` draws (its test's reference)."""
    line = Text(no_wrap=True, end="")
    for column, width in zip(columns, widths):
        if width is None:
            continue
        line.append(fit(column.cell(row), width, column.justify))
        line.append(" ")
    return line


def row_strip(columns: Sequence[Column], row: Any, look: tuple, is_cursor: bool, console: Console) -> Strip:
    """A row drawn for `VirtualTable`; `look` is (width, column widths, total width, style, cursor style, theme).

    What Rich draws of `row_line` (with the cursor's colours over it), built a segment per cell:
    a cell of one style needs no `Text` of its own, nor the row one Rich lays out span by span
    (three times as fast: a page down draws every row on screen).
    """
    width, widths, total, base, cursor_style, _theme = look
    over = NULL_STYLE
    if is_cursor:
        # The cursor's own text colour over every cell's: a green or red cell on the
        # theme's cursor background can vanish (solarized-light: green on blue).
        over = Style(color=cursor_style.color, bgcolor=cursor_style.bgcolor, bold=cursor_style.bold)
        base = base + cursor_style
    gap = Segment(" ", _drawn_style(console, NULL_STYLE, base, over))
    # One strip, not three (`extend_cell_length`, `apply_style`): the row's style under each cell's.
    drawn: list[Segment] = []
    for column, cells in zip(columns, widths):
        if cells is None:
            continue
        value = column.render(row) if column.render else getattr(row, column.key, "")
        if isinstance(value, Text):
            if value.spans:  # styled in parts: Rich lays them out, as in the row's `Text`
                for text, style, _ in Text(end="").append(fit(safe_text(value), cells, column.justify)).render(console):
                    drawn.append(Segment(text, _drawn_style(console, style or NULL_STYLE, base, over)))
                drawn.append(gap)
                continue
            plain, style = terminal_safe(value.plain), value.style
        else:
            plain, style = terminal_safe("" if value is None else str(value)), column.style
        drawn.append(Segment(fit_plain(plain, cells, column.justify), _drawn_style(console, style, base, over)))
        drawn.append(gap)
    if total < width:
        drawn.append(Segment(" " * (width - total), base + base))
    return Strip(drawn, max(total, width))


@lru_cache(maxsize=4096)
def _drawn_style(console: Console, style: str | Style, base: Style, over: Style) -> Style:
    """A cell's style as drawn: the row's under it, the cell's own (a name or a `Style`), the cursor's over it."""
    return base + console.get_style(style, default=NULL_STYLE) + over


NULL_STYLE = Style.null()


def to_strip(line: Text, style: Style, total: int, console: Console) -> Strip:
    """`line` as a strip of `total` cells, `style` under it."""
    return Strip(list(line.render(console))).extend_cell_length(total, style).apply_style(style)


def fit_plain(plain: str, width: int, justify: str) -> str:
    """`fit` for a string (already without control characters)."""
    length = cell_len(plain)
    if length > width:
        return set_cell_size(plain, width - 1) + "…" if width > 0 else ""
    pad = width - length
    if justify == "right":
        return " " * pad + plain
    if justify == "center":
        return " " * (pad // 2) + plain + " " * (pad - pad // 2)
    return plain + " " * pad


def fit(text: Text, width: int, justify: str) -> Text:
    """`text` cut or padded to exactly `width` cells (an ellipsis marks a cut)."""
    text = text.copy()
    text.no_wrap = True
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    else:
        pad = width - text.cell_len
        if justify == "right":
            text.pad_left(pad)
        elif justify == "center":
            text.pad_left(pad // 2)
            text.pad_right(pad - pad // 2)
        else:
            text.pad_right(pad)
    return text
