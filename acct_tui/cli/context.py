"""What every command handler gets: parsed arguments, config, database, viewer."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from functools import cached_property

from acct_tui import clock, config as config_mod, db
from acct_tui.core import settings as risk_settings
from acct_tui.services import access


@dataclass
class Context:
    args: argparse.Namespace
    _opened: bool = field(default=False, init=False)

    @cached_property
    def config(self) -> config_mod.Config:
        """The config file; loading it installs its risk settings for every service."""
        loaded = config_mod.load(getattr(self.args, "config", None))
        risk_settings.use(risk_settings.settings_from_config(loaded))
        return loaded

    @property
    def settings(self) -> risk_settings.RiskSettings:
        """The risk settings in force (cadences, thresholds, health weights), from the config."""
        self.config  # loading the config installs them
        return risk_settings.loaded()

    @property
    def url(self) -> str:
        return db.resolve_url(getattr(self.args, "db", None), self.config.database)

    def open_db(self) -> None:
        """Connect and upgrade the schema (a fresh database is created here)."""
        if not self._opened:
            db.open_database(self.url)
            self._opened = True

    @property
    def login(self) -> str | None:
        """`--user`, else the config file's user; None means the operator."""
        return getattr(self.args, "user", None) or self.config.user

    @cached_property
    def viewer(self) -> access.Viewer:
        """Who this command acts as (`access.session_viewer`: the database role on PostgreSQL)."""
        self.open_db()
        return access.session_viewer(self.login)

    @property
    def fmt(self) -> str:
        return getattr(self.args, "format", None) or "table"

    def now(self):
        return clock.now()

    def rescan(self, account_ids=None) -> None:
        """After a write, rescan the accounts it touched (None: every one), as the app does after a save.

        So `acct-tui alerts` right after `acct-tui log "... !leave"` shows the
        departure_intent. On a team database only the operator scans: anyone
        else's write is picked up by the operator's scanner.
        """
        from acct_tui.cli.output import say
        from acct_tui.services.scan import scan_all

        if not self.viewer.may_scan:
            return
        summary = scan_all(clock.now(), self.settings, account_ids)
        done = [f"{count} alert{'s' * (count != 1)} {what}"
                for count, what in ((summary.opened, "opened"), (summary.resolved, "resolved")) if count]
        if done:
            say(f"risk scan: {', '.join(done)}")
