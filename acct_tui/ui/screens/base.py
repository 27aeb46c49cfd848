"""`AcctScreen`: what every main screen shares.

Subclass it, set `MODE` (the mode name), `TITLE` and `HELP` (a paragraph
for the `?` screen), and yield the screen's body from `compose_body()`; the
header, the `/` filter line and the footer come with it. Give the body's
main widget `height: 1fr` so the filter line sits at the bottom, just above
the footer. Override as needed:

- `refresh_data()`: reload from the services. Called when `app.data_version`
  changes (a save, a finished scan): at once if the screen is showing,
  otherwise when it is next shown.
- `filter_changed(text)`: the `/` filter text changed ("" = cleared).
- `MAIN`: the id of the body's main widget (usually its table). It takes
  the focus when the screen mounts and when the filter line closes, and the
  screen loads its data once mounted.
- `focus_main()`: where focus goes instead, when `MAIN` is not enough
  (default: the `MAIN` widget, else the first focusable widget of the body).

Shared actions that touch the database run in workers and report back by
message: `open_record(source, id)` shows a record's full view (`RecordOpened`),
`write(service, *args, done=...)` saves and then tells, refreshes and rescans
(`Wrote`).

Common bindings (ids in brackets, remappable in the config's `[keys]`):
escape back [screen.back], `/` filter [screen.filter], `?` help
[screen.help]. The app adds 1-6 modes, ctrl+p palette, ctrl+q quit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from acct_tui.services.access import Viewer, may_reassign
from acct_tui.ui.background import attempt
from acct_tui.ui.keys import bindings
from acct_tui.ui.widgets.filter_bar import FilterBar
from acct_tui.ui.widgets.footer import AppFooter
from acct_tui.ui.widgets.header import AppHeader

if TYPE_CHECKING:  # the record view loads when a record is first opened, not on the way to the first paint
    from acct_tui.services.account_card import RecordDetail

#: Seconds a screen's whole load waits for its first screenful to be painted (never forever): loading
#: beside the paint competes with it for the GIL (the Portfolio's book, Today's queue at 100k).
FIRST_PAINT_WAIT = 2.0


#: Actions only some viewers may use, on whichever screen binds them: action -> who may
#: (the decisions themselves are `services.access`'s).
RESTRICTED_ACTIONS: dict[str, Callable[[Viewer], bool]] = {
    "pick_owner": lambda viewer: viewer.leads_people,  # an AM sees only their own: no one else to pick
    "reassign": may_reassign,
}


class AcctScreen(Screen):
    """Header, body, `/` filter and footer; reloads when the app's data changes."""

    MODE: str = ""
    HELP: str = ""
    MAIN: str = ""
    #: The attribute of a row of this screen's tables that holds its account's id: the account
    #: under the cursor becomes the one the Timeline (`3`) shows. "" when rows are not accounts'.
    ROW_ACCOUNT: str = ""
    BINDINGS = bindings("screen")

    @dataclass
    class RecordOpened(Message):
        """`open_record`'s worker is back: the record's full view, or why not."""

        detail: RecordDetail | None
        error: str | None

    @dataclass
    class Wrote(Message):
        """`write`'s worker is back: what to say once saved, or why nothing was."""

        done: str
        error: str | None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stale = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.compose_body()
        yield FilterBar(id="filter-bar")
        yield AppFooter()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        return iter(())

    #: Below this width the screen has the `-narrow` class (side panes move below their
    #: tables) and the footer packs its keys tighter, so more of them show.
    NARROW = 110

    def on_resize(self, event) -> None:
        narrow = event.size.width < self.NARROW
        self.set_class(narrow, "-narrow")
        for footer in self.query(Footer):
            footer.compact = narrow

    #: The screen shows a first screenful before its whole load and calls `first_screenful_painted`
    #: once that is painted; otherwise its first frame counts as its first screenful.
    FIRST_SCREENFUL = False

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_changed, init=False)
        if not self.FIRST_SCREENFUL:
            self.call_after_refresh(self.first_screenful_painted)
        if self.MAIN:
            self.focus_main()
            self.refresh_data()

    def first_screenful_painted(self) -> None:
        """This screen's first screenful is on the terminal: what waited for the app's first paint may go."""
        first_painted = getattr(self.app, "first_painted", None)
        if first_painted is not None:
            first_painted.set()

    # -- data refresh -----------------------------------------------------

    def refresh_data(self) -> None:
        """Reload what the screen shows from the services."""

    def _data_changed(self, _version: int) -> None:
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh_data()

    # -- which actions are offered -----------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = RESTRICTED_ACTIONS.get(action)
        if allowed is not None and not allowed(self.app.viewer):
            return False
        return self.action_available(action)

    def action_available(self, action: str) -> bool:
        """Whether `action` makes sense on this screen now (beyond who may use it)."""
        return True

    # -- shared database work (in workers, back by message) ----------------

    @work(thread=True, exclusive=True, group="open-record", exit_on_error=False)
    def open_record(self, source: str, source_id: int) -> None:
        """Show the full record behind a line (`services.account_card.record_detail`)."""
        from acct_tui.services.account_card import record_detail

        self.post_message(self.RecordOpened(*attempt(record_detail, self.app.viewer, source, source_id)))

    def on_acct_screen_record_opened(self, message: RecordOpened) -> None:
        from acct_tui.ui.screens.dialogs import RecordScreen

        if message.detail is None:
            self.notify(message.error or "", severity="error", markup=False)
        else:
            self.app.push_screen(RecordScreen(message.detail))

    @work(thread=True, exclusive=True, group="screen-write", exit_on_error=False)
    def write(self, service: Callable[..., Any], *args: Any, done: str) -> None:
        """Run a write (`service(viewer, *args)`), then say `done`, refresh and rescan."""
        _result, error = attempt(service, self.app.viewer, *args)
        self.post_message(self.Wrote(done, error))

    def on_acct_screen_wrote(self, message: Wrote) -> None:
        from acct_tui.ui.writes import after_write

        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
        else:
            after_write(self.app, message.done)

    def log_visit(self, account_id: int | None = None, account_name: str = "", *, done: str | None = None) -> None:
        """Open the visit record form, on an account (or picking one in the form); once saved,
        say `done` (default: "Logged for <account>."), refresh and rescan."""
        from acct_tui.ui.screens.visit_form import VisitFormScreen
        from acct_tui.ui.writes import after_write

        def saved(activity_id: int | None) -> None:
            if activity_id is not None:
                after_write(self.app, done or f"Logged for {account_name}.")

        self.app.push_screen(VisitFormScreen(account_id, account_name), saved)

    # -- filter -----------------------------------------------------------

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter-bar", FilterBar)

    @property
    def filter_text(self) -> str:
        return self.filter_bar.value.strip()

    def filter_changed(self, text: str) -> None:
        """The `/` filter text is now `text`; narrow the list (called by the bar as it changes)."""

    def action_filter(self) -> None:
        self.filter_bar.open()

    def on_virtual_table_highlighted(self, event) -> None:
        """The highlighted row's account is the Timeline's: `3` then opens what the cursor is on.

        Cheap: the Timeline only notes it is stale and loads when it is next shown."""
        if self.ROW_ACCOUNT and event.row is not None and event.table.has_focus:
            account_id = getattr(event.row, self.ROW_ACCOUNT, None)
            if account_id is not None:
                self.app.selected_account_id = account_id

    def focus_main(self) -> None:
        """Give the focus back to the screen's list, at once.

        `Widget.focus()` defers the move to a later message, so keys already typed (enter then
        `s` in one burst) would still reach the filter line; `set_focus` moves it now."""
        if self.MAIN:
            self.set_focus(self.query_one(f"#{self.MAIN}"))
            return
        for widget in self.query("*"):
            if widget.focusable and not isinstance(widget, FilterBar):
                self.set_focus(widget)
                return

    # -- navigation -------------------------------------------------------

    def action_back(self) -> None:
        """Clear the filter first; then leave a pushed screen; then go to the previous mode."""
        bar = self.filter_bar
        if bar.value or bar.has_class("-active"):
            bar.action_clear()
            return
        self.app.go_back()

    def action_help(self) -> None:
        from acct_tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))
