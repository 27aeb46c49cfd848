"""Every key binding in one table (`keys.toml`): a class's BINDINGS are `bindings(its table)`.

One place to see which key does what on each screen (and what clashes), the
ids the config file's `[keys]` remaps (`ui/keymap.py` checks them), and the
descriptions the footer and the `?` screen show.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from textual.binding import Binding


@cache
def _table() -> dict[str, dict[str, list]]:
    return tomllib.loads(resources.files(__package__).joinpath("keys.toml").read_text(encoding="utf-8"))


def bindings(table: str) -> list[Binding]:
    """The bindings of one table of `keys.toml`, in its order."""
    found = []
    for binding_id, (keys, action, description, *options) in _table()[table].items():
        found.append(Binding(keys, action, description, id=binding_id, **(options[0] if options else {})))
    return found
