"""The reassign flow from the Team pane: pick accounts, pick the new owner, preview, confirm.

Nothing is written until the lead confirms a preview of exactly the
accounts and owner chosen; changing either throws the preview away. The
handover itself is `services.handover.apply`: one transaction, audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Markdown, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from acct_tui.core.currency import value_text
from acct_tui.core.text import plural
from acct_tui.services import briefs, handover, team
from acct_tui.services.money import rate_book
from acct_tui.ui.background import attempt, call
from acct_tui.ui.keys import bindings, keys_by_id, with_keys
from acct_tui.ui.safe import plain


class ReassignScreen(ModalScreen["handover.HandoverResult | None"]):
    """Hand some or all of one person's (or the unowned) accounts to someone else."""

    CSS_PATH = "reassign.tcss"
    BINDINGS = bindings("reassign")

    @dataclass
    class Loaded(Message):
        accounts: list
        owners: list[tuple[str, str]]

    @dataclass
    class Previewed(Message):
        plan: object | None
        error: str | None = None

    @dataclass
    class Applied(Message):
        result: object | None
        error: str | None = None

    def __init__(self, from_login: str | None, from_label: str) -> None:
        super().__init__()
        self.from_login = from_login
        self.from_label = from_label
        self.plan: handover.HandoverPlan | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble((f"Hand over accounts from {self.from_label}", "bold"), with_keys(
                "  (space toggles an account; {reassign.preview} previews, {reassign.confirm} confirms, "
                "{reassign.cancel} cancels)", keys_by_id(self))), id="reassign-title")
            with Horizontal(id="reassign-pick"):
                yield SelectionList[int](id="reassign-accounts")
                with Vertical(id="reassign-right"):
                    yield Label("New owner")
                    yield Select[str]([], prompt="choose…", id="reassign-owner")
                    yield Static("", id="reassign-error")
            with VerticalScroll(id="reassign-preview"):
                yield Markdown("Choose the accounts and the new owner, then preview.", id="reassign-briefs")
            with Horizontal(id="reassign-buttons"):
                yield Button("Cancel", id="reassign-cancel")
                yield Button("Preview", id="reassign-do-preview")
                yield Button("Confirm handover", id="reassign-do-confirm", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#reassign-accounts").focus()
        self._load()

    @work(thread=True, exclusive=True, group="reassign-load", exit_on_error=False)
    def _load(self) -> None:
        book = call(rate_book, self.app.config.base_currency)
        accounts = call(team.member_accounts, self.app.viewer, self.from_login, book, churned=True)
        owners = call(handover.owner_choices, self.app.viewer)
        self.post_message(self.Loaded(accounts, [(login, name) for login, name in owners if login != self.from_login]))

    def on_reassign_screen_loaded(self, message: Loaded) -> None:
        accounts = self.query_one("#reassign-accounts", SelectionList)
        base = self.app.config.base_currency
        accounts.add_options([
            Selection(plain(f"{a.name}  ({a.tier}, {value_text(a.base_value, a.annual_value, a.currency, base)}"
                            f"{', churned' if a.status == 'churned' else ''})"), a.id, True)
            for a in message.accounts
        ])
        self.query_one("#reassign-owner", Select).set_options([(f"{name} ({login})", login) for login, name in message.owners])
        if not message.accounts:
            self._error("There are no accounts to hand over.")

    # -- choosing invalidates the preview ---------------------------------------

    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    def _choice_changed(self, event) -> None:
        if self.plan is not None:
            self.plan = None
            self.query_one("#reassign-briefs", Markdown).update("The choice changed: preview again.")
        self.query_one("#reassign-do-confirm", Button).disabled = True
        self._error("")

    def _error(self, text: str) -> None:
        self.query_one("#reassign-error", Static).update(plain(text))

    def _choice(self) -> tuple[list[int], str | None]:
        ids = list(self.query_one("#reassign-accounts", SelectionList).selected)
        owner = self.query_one("#reassign-owner", Select).value
        return ids, (None if owner == Select.NULL else owner)

    # -- preview and confirm ------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"reassign-cancel": self.action_cancel, "reassign-do-preview": self.action_preview,
         "reassign-do-confirm": self.action_confirm}[event.button.id]()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _missing(self) -> list[str]:
        """What the choice still lacks before a preview."""
        ids, owner = self._choice()
        return [text for text, lacking in (("pick at least one account", not ids), ("choose the new owner", not owner)) if lacking]

    def action_preview(self) -> None:
        problems = self._missing()
        if problems:
            self._error("; ".join(problems).capitalize() + ".")
            return
        self._error("")
        self._preview(*self._choice())

    @work(thread=True, exclusive=True, group="reassign-preview", exit_on_error=False)
    def _preview(self, ids: list[int], owner: str) -> None:
        book = call(rate_book, self.app.config.base_currency)
        self.post_message(self.Previewed(*attempt(handover.preview, self.app.viewer, self.from_login, owner, ids, book=book)))

    def on_reassign_screen_previewed(self, message: Previewed) -> None:
        self._error(message.error or "")
        plan = message.plan
        if plan is None:
            return
        self.plan = plan
        counts = plan.figures_text()
        title = f"Handover from {plan.from_label} to {plan.to_login}"
        body = briefs.markdown(plan.briefs, title)
        self.query_one("#reassign-briefs", Markdown).update(f"**Moves:** {counts}. History keeps its authors.\n\n{body}")
        self.query_one("#reassign-do-confirm", Button).disabled = False

    def action_confirm(self) -> None:
        if self.plan is None:
            missing = self._missing()  # no new owner chosen yet, no account picked: say so
            if missing:
                self._error(f"{'; '.join(missing).capitalize()}, then preview (ctrl+r): nothing is handed over unseen.")
            else:
                self._error("Preview first (ctrl+r): nothing is handed over unseen.")
            return
        self._apply(self.plan)

    @work(thread=True, exclusive=True, group="reassign-apply", exit_on_error=False)
    def _apply(self, plan) -> None:
        book = call(rate_book, self.app.config.base_currency)
        self.post_message(self.Applied(*attempt(handover.apply, self.app.viewer, plan, book=book)))

    def on_reassign_screen_applied(self, message: Applied) -> None:
        if message.result is not None:
            self.dismiss(message.result)
        else:
            self._error(message.error or "")


def open_reassign(screen, from_login: str | None, label: str) -> None:
    """Push the reassign flow; on success say what moved and refresh every screen."""
    def done(result) -> None:
        if result is None:
            return
        screen.notify(
            f"Handed {plural(result.accounts, 'account')}, {plural(result.commitments, 'commitment')} and "
            f"{plural(result.planned_visits, 'planned visit')} to {result.plan.to_login}.",
            title="Handover done",
            markup=False,
        )
        screen.app.data_changed()

    screen.app.push_screen(ReassignScreen(from_login, label), done)
