"""A windowed table for big lists: renders only the rows on screen.

`VirtualTable` asks a data source for the number of rows and for the rows in
view, a page at a time, and paints them with the Line API (a `ScrollView`
with `render_line`, as Textualize/toolong's `log_lines.py` does). The
built-in `DataTable` builds every row up front (about 10 s at 100k rows);
this one costs the same at 100 rows and at 1,000,000.

Using it (everything a screen needs; no need to read the code below):

    from acct_tui.ui.widgets.virtual_table import Column, VirtualTable

    class MySource:                      # any object with these two methods
        def count(self) -> int: ...
        def fetch(self, offset: int, limit: int) -> Sequence[Row]: ...
        # Rows are frozen dataclasses (or anything); never ORM rows.
        # fetch may hit SQL (ORDER BY ... LIMIT/OFFSET): it is called for
        # one page (PAGE_SIZE rows) at a time and the page is cached.

    COLUMNS = [
        Column("name", "Account", width=30),
        Column("value", "Value", width=12, justify="right",
               render=lambda row: Text(f"{row.value:,.0f}", style="bold")),
    ]
    table = VirtualTable(COLUMNS, MySource(), id="accounts")

    # after the data changed (new filter, new sort, a save):
    table.set_source(MySource(...))      # or table.reload() for the same source
    table.sort_indicator = ("value", True)   # column key, descending; header shows ▼/▲

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted): ...
    def on_virtual_table_selected(self, event: VirtualTable.Selected): ...
        # event.row is the row object, event.index its position, event.table the widget

- `Column(key, label, width=10, justify="left", render=None, style="",
  priority=0, min_width=8, max_width=None)`: `render(row)` returns `str` or
  `rich.text.Text` (a `Text` keeps its own styles per cell); without it the
  cell shows `getattr(row, key)`. A column with `width=0` is flexible: it
  shares the spare width, from `min_width` up to `max_width`. When the
  columns do not fit, the highest `priority` ones are hidden first (0:
  never) and the header ends with "+2 hidden: Own, Share" (`table_source.layout`).
- Keys: j/k and arrows move, g/G (home/end) jump, pageup/pagedown (and
  ctrl+d/ctrl+u) move by a screen, enter selects. Mouse: click highlights,
  click the highlighted row (or double click) selects, the wheel scrolls.
- `table.cursor` (int), `table.current_row` (the row under the cursor or
  None), `table.move_cursor(index)`, `table.row_count`, `table.row_at(i)`,
  `table.visible_text()` (header + rows on screen as plain strings; tests).
- Messages (nested dataclasses): `VirtualTable.Highlighted(table, index, row)`
  whenever the cursor lands on another row (also after a reload),
  `VirtualTable.Selected(table, index, row)` on enter or click.
- `empty_text` is shown when the source has no rows; `table.call_after_paint(callback)`
  runs `callback` once the rows are next drawn (work that would slow that frame waits).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Callable, Sequence

from rich.segment import Segment
from textual import events
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from acct_tui.ui.keys import bindings
from acct_tui.ui.widgets.table_source import (
    PAGE_SIZE, Column, ListSource, Pages, RowCache, RowMessage, TableSource,
    header_line, hidden_hint, layout, row_strip, to_strip,
)

__all__ = ["Column", "ListSource", "PAGE_SIZE", "RowMessage", "TableSource", "VirtualTable"]


class VirtualTable(ScrollView, can_focus=True):
    """A table that paints only the visible window of a `TableSource`."""

    BINDINGS = bindings("table")

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        /* Black or white, whichever reads on the cursor: some themes' own cursor text
           does not (gruvbox's cream on sage). */
        color: auto 90%;
        text-style: bold;
    }
    VirtualTable > .virtual-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    """
    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
    }

    @dataclass
    class Highlighted(RowMessage):
        """The cursor moved onto `row` (at `index` in the source)."""

    @dataclass
    class Selected(RowMessage):
        """`row` was opened (enter, or a click on the highlighted row)."""

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    #: (column key, descending) to mark in the header, or None.
    sort_indicator: reactive[tuple[str, bool] | None] = reactive(None)

    def __init__(
        self,
        columns: Sequence[Column],
        source: TableSource | None = None,
        *,
        empty_text: str = "Nothing to show.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.empty_text = empty_text
        self._source: TableSource = source or ListSource(())
        self._count = 0
        self._pages = Pages()
        self._last_highlight: tuple[int, Any] | None = None
        self._column_layout: tuple[tuple, tuple[list[int | None], list[Column]]] | None = None
        self._rendered = RowCache()
        self._frame: tuple | None = None
        self._after_paint: list[Callable[[], Any]] = []
        self._recount()

    # -- data -------------------------------------------------------------

    @property
    def source(self) -> TableSource:
        return self._source

    @property
    def row_count(self) -> int:
        return self._count

    def set_source(self, source: TableSource, *, keep_cursor: bool = False, key: Callable[[Any], Any] | None = None,
                   keep_drawn: bool = False) -> None:
        """Show another source (a new filter or sort); the cursor goes to the top unless kept.

        With `key` (a row's identity, such as its id) the cursor follows the row it was on,
        and when that row is gone (resolved, handed over) stays at the same place, so an
        action on a row never sends the cursor back to the first one. Scans the rows: for
        lists, not for a 100k-row source. `keep_drawn` says the new source's rows never change
        in place (immutable, or new objects when changed): a row it shares with the old one
        is not drawn again, wherever it now is.
        """
        before, index = self.current_row, self.cursor
        self._source = source
        self.reload(keep_cursor=keep_cursor or key is not None, redraw=not keep_drawn)
        if key is None or before is None or not self._count:
            return
        wanted = key(before)
        for i in range(self._count):
            if key(self.row_at(i)) == wanted:
                self.move_cursor(i)
                return
        self.move_cursor(min(index, self._count - 1))

    def reload(self, *, keep_cursor: bool = True, redraw: bool = True) -> None:
        """Forget cached rows and ask the source again (after the data changed); `redraw=False`
        keeps the drawn rows for those still the same objects (`set_source(keep_drawn=True)`)."""
        self._pages.clear()
        if redraw:
            self._rendered.clear()
        self._recount()
        target = min(self.cursor, self._count - 1) if keep_cursor else 0
        self._last_highlight = None
        self.set_reactive(VirtualTable.cursor, max(target, 0))
        if not keep_cursor:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._post_highlight()
        self.refresh()

    def _recount(self) -> None:
        self._count = max(0, int(self._source.count()))
        size = Size(max(self._total_width(), 1), self._count + 1)
        if size != self.virtual_size and self.is_mounted and not self.styles.auto_dimensions:
            # The box does not follow the rows: no layout (an extra frame a filter keystroke);
            # the scrollbars follow, asking for a layout only when one appears or goes.
            self.set_reactive(VirtualTable.virtual_size, size)
            self._scroll_update(size)
            self.refresh()
        else:
            self.virtual_size = size

    def row_at(self, index: int) -> Any:
        """The row at `index` (fetching its page if needed), or None when out of range."""
        if not 0 <= index < self._count:
            return None
        return self._pages.row(self._source, index)

    @property
    def current_row(self) -> Any:
        return self.row_at(self.cursor)

    def visible_text(self) -> list[str]:
        """The header and the rows on screen as plain text (for tests and screen readers)."""
        return [self.render_line(y).text.rstrip() for y in range(min(self._count, self._body_height) + 1 if self._count else 2)]

    def call_after_paint(self, callback: Callable[[], Any]) -> None:
        """Run `callback` (on the event loop) once the rows are next drawn, after that frame."""
        self._after_paint.append(callback)
        self.refresh()

    def refresh_rows(self) -> None:
        """Draw every row again (after something a column's `render` reads, besides the row, changed)."""
        self._rendered.clear()
        self.refresh()

    # -- layout -----------------------------------------------------------

    def _total_width(self) -> int:
        return sum(w for w in self._widths() if w is not None) + len(self.shown_columns)

    def _layout(self) -> tuple[list[int | None], list[Column]]:
        """(each column's width or None when hidden, the hidden columns) for the current width."""
        available = self.scrollable_content_region.width
        if available <= 0:  # not laid out yet: every column at its own width
            return [c.width or c.min_width for c in self.columns], []
        sort_key = self.sort_indicator[0] if self.sort_indicator else None
        key = (available, sort_key, id(self.columns), len(self.columns))
        if self._column_layout is None or self._column_layout[0] != key:
            self._column_layout = (key, layout(self.columns, available, sort_key))
        return self._column_layout[1]

    def _widths(self) -> list[int | None]:
        return self._layout()[0]

    @property
    def shown_columns(self) -> list[Column]:
        """The columns that fit the current width (the rest are hidden by priority)."""
        return [c for c, w in zip(self.columns, self._widths()) if w is not None]

    @property
    def hidden_columns(self) -> list[Column]:
        """The columns hidden for want of width (named at the end of the header)."""
        return self._layout()[1]

    @property
    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def on_resize(self, event: events.Resize) -> None:
        self._recount()
        self._scroll_cursor_into_view()

    # -- painting ---------------------------------------------------------

    def _look(self) -> tuple:
        """What drawing a row depends on besides the row and the cursor (a key of `RowCache`)."""
        return (self.scrollable_content_region.width, tuple(self._widths()), self._total_width(), self.rich_style,
                self.get_component_rich_style("virtual-table--cursor"), self.app.theme)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._look()  # once a paint, not once a line
        self._rendered.bound = 2 * self._body_height + 16
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None
            for callback in self._after_paint:
                self.call_later(callback)
            self._after_paint.clear()

    def render_line(self, y: int) -> Strip:
        look = self._frame or self._look()
        width, base = look[0], look[3]
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            strip = self._render_header()
        else:
            index = scroll_y + y - 1
            if self._count == 0:
                if y == 1:
                    style = self.get_component_rich_style("virtual-table--empty")
                    return Strip([Segment(f" {self.empty_text}".ljust(width)[:width], style)], width)
                return Strip.blank(width, base)
            row = self.row_at(index)
            if row is None:
                return Strip.blank(width, base)
            strip = self._render_row(index, row, look)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_header(self) -> Strip:
        style = self.get_component_rich_style("virtual-table--header")
        line = header_line(self.columns, self._widths(), self.sort_indicator)
        line.style = style
        hidden = self.hidden_columns
        if hidden:
            room = self.scrollable_content_region.width - line.cell_len
            line.append(hidden_hint(hidden, room), style="italic")
        return to_strip(line, style, max(self._total_width(), self.scrollable_content_region.width), self.app.console)

    def _render_row(self, index: int, row: Any, look: tuple) -> Strip:
        """The row drawn, or as drawn before when neither it nor how it is drawn changed."""
        is_cursor = index == self.cursor
        return self._rendered.draw(row, (is_cursor, look), lambda: row_strip(self.columns, row, look, is_cursor, self.app.console))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """`ScrollView`'s, except that the scrollbar is repainted only when its thumb moves on screen.

        At 97,000 rows a page down moves the thumb a fifth of an eighth of a cell, and repainting
        the bar's 46 lines anyway was nearly half the strips Textual made for the page down's frame."""
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            if _bar_drawn(bar, bar.position) == _bar_drawn(bar, new_value):
                bar.set_reactive(ScrollBar.position, bar.validate_position(new_value))
            else:
                bar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def watch_sort_indicator(self) -> None:
        self._recount()
        self.refresh()

    # -- cursor -----------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self._count == 0:
            return
        clamped = max(0, min(new, self._count - 1))
        if clamped != new:
            self.set_reactive(VirtualTable.cursor, clamped)
        self._scroll_cursor_into_view()
        self._refresh_row(old)
        self._refresh_row(clamped)
        self._post_highlight()

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and scroll it into view."""
        self.cursor = index

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y <= self._body_height:
            self.refresh_line(y)

    def _scroll_cursor_into_view(self) -> None:
        top = self.scroll_offset.y
        height = self._body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _post_highlight(self) -> None:
        row = self.current_row
        key = (self.cursor, row)
        if row is not None and key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.Highlighted(self, self.cursor, row))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor = max(self.cursor - 1, 0)

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = max(self._count - 1, 0)

    def action_page_down(self) -> None:
        self.cursor += self._body_height

    def action_page_up(self) -> None:
        self.cursor = max(self.cursor - self._body_height, 0)

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, self.cursor, row))

    def on_click(self, event: events.Click) -> None:
        y = event.y
        if y < 1:
            return
        index = self.scroll_offset.y + y - 1
        if not 0 <= index < self._count:
            return
        if index == self.cursor or event.chain >= 2:
            self.cursor = index
            self.action_select()
        else:
            self.cursor = index



def _bar_drawn(bar: ScrollBar, position: float) -> list[Segment]:
    """What the vertical `bar` draws at `position`, colours aside (`ScrollBar._render_bar`'s geometry)."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    return bar.renderer.render_bar(
        size=bar.size.height, virtual_size=ceil(bar.window_virtual_size), window_size=ceil(window),
        position=bar.validate_position(position), thickness=max(bar.size.width, 1), vertical=True,
    ).segments
