"""Every key binding in one table (`keys.toml`): a class's BINDINGS are `bindings(its table)`.

One place to see which key does what on each screen (and what clashes), the
ids the config file's `[keys]` remaps (`ui/keymap.py` checks them), and the
descriptions the footer and the `?` screen show. Text that names a key (help,
hints, titles) is written with `{binding.id}` placeholders and filled by
`with_keys(text, keys_by_id(screen))`, so a remapped key shows as it now is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from textual.binding import Binding
from textual.screen import Screen


@cache
def _table() -> dict[str, dict[str, list]]:
    return tomllib.loads(resources.files(__package__).joinpath("keys.toml").read_text(encoding="utf-8"))


def bindings(table: str) -> list[Binding]:
    """The bindings of one table of `keys.toml`, in its order."""
    found = []
    for binding_id, (keys, action, description, *options) in _table()[table].items():
        found.append(Binding(keys, action, description, id=binding_id, **(options[0] if options else {})))
    return found


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
