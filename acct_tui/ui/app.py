"""The Textual app: modes, shared state and the background scan. Screens live in `screens/`.

Hooks the screens use (see also `screens/base.py`):

- `app.viewer` (access.Viewer), `app.config` (config.Config), `app.policy`
  (core.policy.Policy), `app.db_label` (for the header).
- `app.selected_account_id` (reactive int | None): the account the Timeline
  shows. `app.open_account(account_id)` selects it (if visible) and switches
  to the timeline.
- `app.data_version` (reactive int): bumped by `app.data_changed()` after any
  save and after each scan; `AcctScreen` reloads on it.
- `app.open_record(account_id, source, record_id)`: the same, with the
  timeline's cursor on that record (`pending_record`, taken by the timeline).
- `app.run_scan()`: start a background risk scan now (the visit form calls it
  after a save; `ui/scanning.py`). `app.alert_counts` (reactive, None = unknown) feeds the header.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial

from textual import work
from textual.app import App, SystemCommand
from textual.worker import get_current_worker
from textual.message import Message
from textual.reactive import reactive, var

from acct_tui import db_sqlite
from acct_tui.config import Config, save_setting
from acct_tui.core.policy import Policy, policy_from_config
from acct_tui.core.settings import settings_from_config, use as use_settings
from acct_tui.errors import UsageError
from acct_tui.services.access import Viewer, account_visible
from acct_tui.ui import risk_bridge
from acct_tui.ui.background import attempt, call
from acct_tui.ui.commands import AccountsProvider
from acct_tui.ui import memory
from acct_tui.ui.keymap import check_keymap
from acct_tui.ui.keys import bindings
from acct_tui.ui.safe import safe_update
from acct_tui.ui.scanning import BackgroundScan


def _today():
    from acct_tui.ui.screens.today import TodayScreen

    return TodayScreen()


def _portfolio():
    from acct_tui.ui.screens.portfolio import PortfolioScreen

    return PortfolioScreen()


def _timeline():
    from acct_tui.ui.screens.timeline import TimelineScreen

    return TimelineScreen()


def _visits():
    from acct_tui.ui.screens.visits import VisitLogScreen

    return VisitLogScreen()


def _alerts():
    from acct_tui.ui.screens.alerts import AlertsScreen

    return AlertsScreen()


def _team():
    from acct_tui.ui.screens.team import TeamScreen

    return TeamScreen()


class AcctApp(BackgroundScan, App):
    """The dashboard: six modes over one database, as one viewer."""

    TITLE = "acct-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {AccountsProvider}
    MODES = {
        "today": _today, "portfolio": _portfolio, "timeline": _timeline, "visits": _visits, "alerts": _alerts, "team": _team,
    }
    #: The first screen of the day: who to contact next, and why.
    DEFAULT_MODE = "today"
    BINDINGS = bindings("app")

    #: A `var`: nothing draws it (the Timeline watches it); a repainting reactive on the app
    #: redrew the whole screen on every cursor move.
    selected_account_id: var[int | None] = var(None, init=False)
    data_version: reactive[int] = reactive(0, init=False)
    alert_counts: reactive[dict[str, int] | None] = reactive(None, init=False)

    @dataclass
    class AccountChecked(Message):
        """`open_account`'s visibility check is back."""

        account_id: int
        visible: bool

    class WaitingForWriter(Message):
        """A save is waiting for another writer's lock (a long import, a scan)."""

    @dataclass
    class Undone(Message):
        """`undo`'s answer: what was taken back, or why nothing was."""

        said: str | None
        error: str | None = None

    @dataclass
    class SessionMarked(Message):
        """The newest audit entry when the session started: changes after it are undoable."""

        audit_id: int

    @dataclass
    class AlertsCounted(Message):
        """Fresh open red/yellow counts for the header."""

        counts: dict[str, int] | None

    def __init__(
        self,
        viewer: Viewer,
        *,
        config: Config,
        db_label: str = "",
        policy: Policy | None = None,
        scan: bool = True,
        mode: str | None = None,
    ) -> None:
        """`scan=False` starts no background scan or timer (tests pin the clock and call `run_scan`);
        `mode` opens on another area than Today (and `escape` ends there)."""
        if mode is not None:
            if mode not in self.MODES:
                raise UsageError(f"no such area {mode!r} (use {', '.join(self.MODES)})")
            self.DEFAULT_MODE = mode  # read by App.__init__
        super().__init__()
        self.viewer = viewer
        self.config = config
        self.db_label = db_label
        self.policy = policy or policy_from_config(config.section("cadence"))
        # The one loaded object every service scores with (the card, briefs, the scan).
        self.risk_settings = settings_from_config(config)
        use_settings(self.risk_settings)
        self.scan_enabled = scan
        self.init_scanning()
        #: (account id, source, record id) the timeline puts its cursor on when it next shows that account.
        self.pending_record: tuple[int, str, int] | None = None
        self._mode_history: list[str] = []
        #: Set once the first screen's first screenful is on the terminal (`AcctScreen.first_screenful_painted`):
        #: the header's first count waits for it, never longer than `FIRST_PAINT_WAIT`, instead of
        #: competing with that paint (18,000 open alerts at 100k accounts, each checked against its account).
        self.first_painted = threading.Event()
        #: The audit entry this session started after (None until the worker says).
        self.session_audit_id: int | None = None
        self.set_keymap(check_keymap(config.keys, type(self), config.path))
        if config.theme:
            if config.theme not in self.available_themes:
                raise UsageError(f"config file {config.path}: theme {config.theme!r} is not a known theme")
            self.theme = config.theme

    def on_unmount(self) -> None:
        db_sqlite.set_lock_wait_hook(None)
        self.first_painted.set()  # a count still waiting for it goes now (or sees it was cancelled)

    def _waiting_for_writer(self) -> None:
        """A save waits for another writer's lock (a long import, a scan): say so instead of looking frozen."""
        self.post_message(self.WaitingForWriter())  # from the saving worker's thread: post_message is thread-safe

    def on_acct_app_waiting_for_writer(self, message: WaitingForWriter) -> None:
        self.notify("Waiting for another writer…", timeout=5)

    def _display(self, screen, renderable) -> None:
        # The last step before the terminal: no escape sequence from data gets through (ui/safe.py).
        super()._display(screen, safe_update(renderable))

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._save_theme)
        db_sqlite.set_lock_wait_hook(self._waiting_for_writer)
        self._mark_session()
        self._count_alerts(after_first_paint=True)
        if self.scan_enabled:
            self.start_scanning()
        self.call_after_refresh(memory.freeze_startup_objects)

    def settle_load(self, size: int) -> None:
        """A screen's whole load of about `size` tracked objects has landed: once it is painted,
        collect once and leave what is alive out of the collector's later full passes.

        Today's whole queue at 100k accounts is about 130,000 named tuples, which the collector
        never stops tracking: each full pass walked them again, 90-120 ms of CPU on about every
        tenth key of the Portfolio (a page down's strips fill the young generations fast); after
        this, 15-35 ms. The old queue is still freed by reference counting when a new one lands.
        """
        self.call_after_refresh(memory.settle, size)

    # -- modes and navigation ---------------------------------------------

    def action_mode(self, mode: str) -> None:
        """Switch to a main area (mode 6 is the Team pane for leads, an account manager's own KPIs otherwise)."""
        if mode != self.current_mode:
            self._mode_history.append(self.current_mode)
            self.switch_mode(mode)

    def go_back(self) -> None:
        """Leave a pushed screen, else return to the previous mode."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self._mode_history:
            self.switch_mode(self._mode_history.pop())
        elif self.current_mode != self.DEFAULT_MODE:
            self.switch_mode(self.DEFAULT_MODE)

    def action_quick_capture(self) -> None:
        """Log a touch in one line (`n` or `:` on any main screen)."""
        from textual.screen import ModalScreen

        from acct_tui.ui.screens.quick_capture import QuickCaptureScreen, account_prefix
        from acct_tui.ui.writes import after_write

        if isinstance(self.screen, ModalScreen):
            return  # not over a form or another dialog

        def saved(activity_id: int | None) -> None:
            if activity_id is not None:
                after_write(self, "Logged.")

        # On a screen about one account (the Timeline) the line starts with that account.
        account = getattr(self.screen, "capture_account", None)
        self.push_screen(QuickCaptureScreen(account_prefix(account) if account else ""), saved)

    @work(thread=True, exclusive=True, group="session-mark", exit_on_error=False)
    def _mark_session(self) -> None:
        from acct_tui.services import undo

        self.post_message(self.SessionMarked(call(undo.session_start)))

    def on_acct_app_session_marked(self, message: SessionMarked) -> None:
        self.session_audit_id = message.audit_id

    def action_undo(self) -> None:
        """Take back my last change of this session (a save, a done, an acknowledge, a snooze, a resolve ...)."""
        if self.session_audit_id is None:
            self.notify("Nothing to undo yet.", severity="warning")
            return
        self._undo(self.session_audit_id)

    @work(thread=True, exclusive=True, group="undo", exit_on_error=False)
    def _undo(self, since: int) -> None:
        from acct_tui.services import undo

        said, error = attempt(undo.undo_last, self.viewer, since)
        self.post_message(self.Undone(said, error))

    def on_acct_app_undone(self, message: Undone) -> None:
        from acct_tui.ui.writes import after_write

        if message.error:
            self.notify(message.error, severity="warning", markup=False)
        else:
            after_write(self, message.said or "Undone.")

    def action_search(self) -> None:
        """Search what was written (`ctrl+f` on any screen); the record chosen opens in its timeline."""
        from acct_tui.ui.screens.search import SearchScreen

        def chosen(hit) -> None:
            if hit is not None:
                self.open_record(hit.account_id, hit.source, hit.record_id)

        self.push_screen(SearchScreen(), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Not over a form or another dialog: the key then goes on to the focused widget.
        if action == "search":
            from textual.screen import ModalScreen

            return not isinstance(self.screen, ModalScreen)
        return super().check_action(action, parameters)

    def open_record(self, account_id: int, source: str, record_id: int) -> None:
        """Open an account's timeline with the cursor on one of its records (a search result)."""
        self.pending_record = (account_id, source, record_id)
        self.open_account(account_id)

    def open_account(self, account_id: int) -> None:
        """Select an account and show its timeline; an account the viewer may not see is refused.

        The check runs in a worker; `AccountChecked` brings the answer back.
        """
        self._check_account(account_id)

    @work(thread=True, exclusive=True, group="open-account", exit_on_error=False)
    def _check_account(self, account_id: int) -> None:
        self.post_message(self.AccountChecked(account_id, call(account_visible, self.viewer, account_id)))

    def on_acct_app_account_checked(self, message: AccountChecked) -> None:
        if not message.visible:
            self.notify("No such account.", severity="error")
            return
        self.selected_account_id = message.account_id
        self.action_mode("timeline")

    def get_system_commands(self, screen):
        """The palette's commands: every action bound on the current screen, then Textual's."""
        seen: set[tuple[str, str]] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.system or not active.enabled or binding.action == "command_palette":
                continue
            title = binding.description or binding.action
            if (title, binding.action) in seen:
                continue
            seen.add((title, binding.action))
            yield SystemCommand(title, f"key {self.get_key_display(binding)}", partial(self.run_action, binding.action, active.node))
        yield from super().get_system_commands(screen)

    # -- data changes -----------------------------------------------------

    def data_changed(self) -> None:
        """Tell every screen the data changed (they reload when shown)."""
        self.data_version += 1
        self.refresh_alert_counts()

    def refresh_alert_counts(self) -> None:
        """Recount the header's open red/yellow alerts (in a worker; `AlertsCounted` brings them)."""
        self._count_alerts()

    @work(thread=True, exclusive=True, group="alert-counts", exit_on_error=False)
    def _count_alerts(self, after_first_paint: bool = False) -> None:
        if after_first_paint:
            from acct_tui.ui.screens.base import FIRST_PAINT_WAIT

            self.first_painted.wait(FIRST_PAINT_WAIT)
            if get_current_worker().is_cancelled:
                return
        self.post_message(self.AlertsCounted(call(risk_bridge.alert_counts, self.viewer)))

    def on_acct_app_alerts_counted(self, message: AlertsCounted) -> None:
        self.alert_counts = message.counts

    # -- settings ---------------------------------------------------------

    def _save_theme(self, theme) -> None:
        if theme.name != self.config.theme:
            try:
                save_setting(self.config, "theme", theme.name)
            except OSError as exc:
                self.notify(f"Could not save the theme: {exc}", severity="warning", markup=False)


def run(ctx, viewer) -> int:
    """Open the dashboard (the CLI has resolved the database and the viewer)."""
    from acct_tui import db

    app = AcctApp(viewer, config=ctx.config, db_label=db.describe(ctx.url), mode=getattr(ctx.args, "area", None))
    app.run()
    return 0
