"""The config file's `[keys]` table: binding id -> key, checked before the app starts."""

from __future__ import annotations

import difflib
import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

from acct_tui.errors import UsageError


def _import_ui_modules() -> None:
    # Screens and widgets are imported lazily by the app; their binding ids
    # must be known before a keymap can be checked.
    from acct_tui.ui import screens, widgets

    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
            importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def known_binding_ids(app_class: type) -> set[str]:
    """Every binding id declared by the app, its screens and widgets (Textual's own included)."""
    _import_ui_modules()
    ids: set[str] = set()
    for cls in [app_class, *_subclasses(DOMNode)]:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def check_keymap(keys: dict[str, str], app_class: type, config_path=None) -> dict[str, str]:
    """The keymap to apply; `UsageError` naming the first unknown binding id."""
    if not keys:  # nothing to check: importing every screen to learn the ids would delay the first paint
        return {}
    known = known_binding_ids(app_class)
    for binding_id in keys:
        if binding_id not in known:
            where = f"config file {config_path}: " if config_path else "config: "
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (press ? in the app to see binding ids)"
            raise UsageError(f"{where}keys.{binding_id}: no binding has this id{hint}")
    return dict(keys)
