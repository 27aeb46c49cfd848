"""A summary line that repaints in place, laying the screen out again only when its height changes."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


class SummaryLine(Static):
    """A `Static` for text that changes on every key (totals, counts) but rarely changes height.

    `Static.update` asks for a layout each time, and a layout is a whole extra frame after
    the key that changed the text. `show` asks for one only when the new text wraps to
    another number of lines at the current width (or the line has not been laid out yet).
    """

    def show(self, content: VisualType) -> None:
        width = self.content_size.width
        before = self.visual.get_height(self.styles, width) if width else None
        self.update(content, layout=False)
        if before is None or self.visual.get_height(self.styles, width) != before:
            self.refresh(layout=True)
