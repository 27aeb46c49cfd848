"""The `?` screen: every binding active on the screen it was opened from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from acct_tui.ui.keys import bindings


@dataclass(frozen=True)
class BindingInfo:
    """One action as the help screen lists it: its keys, what it does, its id."""

    keys: str
    description: str
    binding_id: str
    enabled: bool


def bindings_of(screen: Screen) -> list[BindingInfo]:
    """The bindings active on `screen` (focused widget, screen and app), one per action."""
    app = screen.app
    grouped: dict[tuple, list] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system:
            continue
        group = (id(active.node), binding.action)
        grouped.setdefault(group, []).append((key, active))
    rows = []
    for entries in grouped.values():
        binding = entries[0][1].binding
        keys = ", ".join(dict.fromkeys(app.get_key_display(active.binding) for _key, active in entries))
        rows.append(
            BindingInfo(
                keys=keys,
                description=binding.description or binding.action.replace("_", " "),
                binding_id=binding.id or "",
                enabled=all(active.enabled for _key, active in entries),
            )
        )
    return rows


_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


def keys_by_id(screen: Screen) -> dict[str, str]:
    """Binding id -> the keys that run it now (remapped ones included), for every binding the
    screen, its widgets and the app declare; the active bindings' keys win."""
    app = screen.app
    keymap = getattr(app, "_keymap", None) or {}
    found: dict[str, str] = {}
    for node in (app, screen, *screen.query("*")):
        for binding in getattr(type(node), "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                if binding.id not in keymap and binding.key_display:
                    found[binding.id] = binding.key_display
                    continue
                keys = keymap.get(binding.id, binding.key)
                found[binding.id] = ", ".join(
                    app.get_key_display(Binding(key.strip(), binding.action)) for key in keys.split(",")
                )
    found.update((row.binding_id, row.keys) for row in bindings_of(screen) if row.binding_id)
    return found


def with_keys(text: str, keys: dict[str, str]) -> str:
    """`text` with each `{binding.id}` replaced by the keys that run it now (`?` when unknown)."""
    return _PLACEHOLDER.sub(lambda m: keys.get(m.group(1), "?"), text)


class HelpScreen(ModalScreen[None]):
    """A modal table of keys; escape, `?` or `q` closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = bindings("help")

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target_title = getattr(target, "TITLE", None) or type(target).__name__
        self.target_mode = getattr(target, "MODE", "") or "-"
        # Written with {binding.id} placeholders: a remapped key shows as the key it now is.
        self.intro = with_keys(getattr(target, "HELP", "") or "", keys_by_id(target))
        self.rows = bindings_of(target)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Keys: {self.target_title}"
            scroll.border_subtitle = "escape closes · remap in the config file: \\[keys] id = \"key\""
            if self.intro:
                # Plain text, not markup: keys such as "[" and words such as "[urgency]" show as written.
                yield Static(Text(self.intro), id="help-intro")
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        table.add_column("binding id", style="dim", no_wrap=True)
        for row in sorted(self.rows, key=self._order):
            style = "" if row.enabled else "dim"
            table.add_row(row.keys, Text(row.description, style=style), row.binding_id)
        return table

    def _order(self, row: BindingInfo) -> tuple:
        # This screen's own keys first, then moving about, then the app's; unnamed last.
        prefix = row.binding_id.split(".")[0] if row.binding_id else ""
        rank = {self.target_mode: 0, "table": 1, "screen": 2, "mode": 3, "app": 4}.get(prefix, 1 if prefix else 9)
        return (rank, row.binding_id)

    def action_close(self) -> None:
        self.dismiss(None)
