"""Search what was written (`ctrl+f` anywhere): words in, ranked records out, `enter` opens one in its timeline.

The search runs in a thread worker (`services/search.py`, on its own
connection) and posts `Found` back; a newer search replaces an older one,
and an answer to an older query is dropped. Dismisses with the chosen
`SearchHit`, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from acct_tui.services.search import SearchHit, search
from acct_tui.ui.background import attempt
from acct_tui.ui.keys import bindings
from acct_tui.ui.safe import plain, safe_text

HINT = 'Words in any order · "side by side" · prefix* · accents optional (cong ty sua) · 合同'


def hit_view(hit: SearchHit) -> Text:
    """Two lines: what and where, then the words in context with the matches in bold."""
    head = Text.assemble(
        (f"{hit.kind:<10}", "dim"), " ", (hit.account, "bold"), "  ", (f"{hit.at:%Y-%m-%d}", "dim"), "  ", hit.title,
    )
    excerpt = Text(hit.excerpt, style="italic")
    for start, end in hit.marks:
        excerpt.stylize("bold reverse", start, end)
    # Each line made safe on its own: the line break between them is ours, not the data's.
    return Text.assemble(safe_text(head), "\n  ", safe_text(excerpt))


class SearchScreen(ModalScreen[SearchHit | None]):
    """Find touches, cases, commitments and milestones by their words."""

    CSS_PATH = "search.tcss"
    BINDINGS = bindings("search")

    @dataclass
    class Found(Message):
        """A search is back: its hits, or the reason it could not run."""

        words: str
        hits: list[SearchHit]
        error: str | None = None

    def __init__(self, words: str = "") -> None:
        super().__init__()
        self.initial = words
        self.hits: list[SearchHit] = []
        self.asked = ""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Search what was written"
            yield Input(value=self.initial, placeholder="words to find, then enter", id="search-input")
            yield Static(plain(HINT, "dim"), id="search-status")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial.strip():
            self.run_search(self.initial)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)

    def run_search(self, words: str) -> None:
        """Search for `words` in a worker; `Found` brings the answer."""
        self.asked = words
        self._status(Text("Searching…", style="dim"))
        self._search(words)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, words: str) -> None:
        hits, error = attempt(search, self.app.viewer, words)
        self.post_message(self.Found(words, hits or [], error))

    def on_search_screen_found(self, message: Found) -> None:
        if message.words != self.asked:
            return  # an answer to an older query
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        if message.error:
            self.hits = []
            self._status(plain(message.error, "bold red"))
            return
        self.hits = message.hits
        results.add_options([Option(hit_view(hit)) for hit in self.hits])
        if not self.hits:
            self._status(plain(f"Nothing you may read holds “{message.words}”.", "yellow"))
            return
        more = " (the best ones)" if len(self.hits) >= 50 else ""
        self._status(plain(f"{len(self.hits)} found{more} · ↓ to the results · enter opens one in its timeline", "dim"))
        results.highlighted = 0

    def _status(self, text: Text) -> None:
        self.query_one("#search-status", Static).update(text)

    def action_results(self) -> None:
        """From the words down to the results."""
        if self.hits:
            self.query_one("#search-results", OptionList).focus()

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
