"""What the app shows of data never acts on the terminal.

Two layers, both with `core.text.terminal_safe`:

- where data becomes a cell or a line (`plain`, `safe_text`; `VirtualTable`
  uses them for every cell), a control character is replaced by a visible
  stand-in (`␛`) before layout, and the text is never read as markup (an
  account called `[/]` would otherwise stop the app);
- `safe_update`, which `AcctApp` runs on every frame just before it is
  written, so nothing any widget draws (notifications, inputs, the command
  palette, Textual's own widgets) can carry an escape sequence to the
  terminal. Stand-ins are one cell wide where a control character was
  none, so a line that needed it is cut to its width.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual._compositor import ChopsUpdate, InlineUpdate, LayoutUpdate
from textual.strip import Strip

from acct_tui.core.text import has_control, terminal_safe


def plain(text: object, style: str = "") -> Text:
    """Data as a line of text: controls shown as stand-ins, never read as markup."""
    return Text(terminal_safe("" if text is None else str(text), multiline=True), style=style)


def safe_text(text: Text) -> Text:
    """A styled `Text` with its control characters shown as stand-ins; styles stay in place."""
    if not has_control(text.plain):
        return text
    safe = text.copy()
    safe.plain = terminal_safe(text.plain)  # one character for one: the spans still fit
    return safe


def _safe_strip(strip: Strip) -> Strip:
    if not any(control is None and has_control(text) for text, _, control in strip):
        return strip
    width = strip.cell_length
    segments = [Segment(terminal_safe(text), style, control) if control is None else Segment(text, style, control)
                for text, style, control in strip]
    return Strip(segments).crop(0, width)


def safe_update(update):
    """The compositor's update for the terminal, with control characters in any text made visible."""
    if isinstance(update, (LayoutUpdate, InlineUpdate)):
        update.strips = [
            [_safe_strip(strip) for strip in line] if not isinstance(line, Strip) else _safe_strip(line)
            for line in update.strips
        ]
    elif isinstance(update, ChopsUpdate):
        update.chops = [
            {x: (None if strip is None else _safe_strip(strip)) for x, strip in line.items()} for line in update.chops
        ]
    return update
