"""A small modal list to pick one value (an owner, a rule...); dismisses with the value or None."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from acct_tui.ui.keys import bindings
from acct_tui.ui.safe import plain


class PickScreen(ModalScreen[str | None]):
    """Pick one of `choices` ((value, label) pairs): enter picks, escape cancels (None)."""

    CSS_PATH = "pick.tcss"
    BINDINGS = bindings("pick")

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        options = OptionList(*(Option(plain(label)) for _value, label in self.choices))
        options.border_title = self.title_text
        yield options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _label in self.choices]
        if self.current in values:
            options.highlighted = values.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


def pick_owner_filter(screen, owners: Iterable[str]) -> None:
    """Ask whose rows `screen` shows (its `filters.owner`; "everyone" clears it), then `screen._set_filters`."""
    current = screen.filters.owner
    choices = [("", "everyone")] + [(login, login) for login in sorted(set(owners) | ({current} if current else set()))]

    def chosen(login: str | None) -> None:
        if login is not None:
            screen._set_filters(replace(screen.filters, owner=login or None))

    screen.app.push_screen(PickScreen("Filter by owner", choices, current=current or ""), chosen)
