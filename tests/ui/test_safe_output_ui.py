"""The app, run headless, writes no control sequence from data to the terminal, and no name stops it.

Textual's headless mode skips drawing; here the app draws every frame as on
a terminal and the test keeps the bytes the driver would have written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.drivers.headless_driver import HeadlessDriver

from acct_tui.config import Config
from acct_tui.models import Account, Contact, User
from acct_tui.services import access
from acct_tui.ui import app as app_module
from acct_tui.ui.app import AcctApp
from tests import factories as f
from tests.test_safe_output import CLIP, CSI, EVIL
from tests.ui.conftest import settle

#: The planted sequences, as they would reach the terminal (Textual's own output uses ESC and BEL freely).
INJECTED = ("\x1b]0;pwned", "pwned\x07", "\x1b]52;c;", "\x1b[2J", "ZWNobyBw\x1b\\", "\x9b31m", "Co\x7f")
MARKUP = "Broken [/] markup [link=file:///etc/passwd]x[/link] Ltd"


class DrawingApp(AcctApp):
    """The dashboard drawing every frame, as on a real terminal (headless apps skip it)."""

    CSS_PATH = str(Path(app_module.__file__).parent / AcctApp.CSS_PATH)

    @property
    def is_headless(self) -> bool:
        return False


async def test_names_with_escape_sequences_are_drawn_inert(sqlite_db, tmp_path, monkeypatch):
    org = f.org()
    # Written straight into the database: what an import would have stripped.
    Account.update(name=EVIL).where(Account.id == org["a1"].id).execute()
    Account.update(name=CLIP).where(Account.id == org["b1"].id).execute()
    Account.update(name=MARKUP).where(Account.id == org["a2"].id).execute()
    User.update(name=CSI).where(User.id == org["am1"].id).execute()
    Contact.update(title=CSI).where(Contact.id == f.contact(org["a1"], name=CLIP, role="champion").id).execute()
    f.activity(org["a1"], kind="visit", subject=EVIL, summary=CLIP, at=dt.datetime(2026, 11, 19, 9))
    f.action_item(org["a1"], title=MARKUP, due_on=dt.date(2026, 12, 1))
    f.alert(org["a1"], rule="complaint_open", severity="red", reason=f"{EVIL} {MARKUP}", evidence={"case": CLIP})
    f.alert(org["b1"], rule="overdue_update", reason=CSI)

    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    app = DrawingApp(access.viewer_for("lena.lead"), config=Config(path=tmp_path / "c.toml"), db_label="file test.db", scan=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.notify(f"{EVIL} {MARKUP}", markup=False)  # as a new red alert's toast would say it
        app.selected_account_id = org["a1"].id
        # Today came first; then the portfolio, the timeline (card, events), the alerts (list, detail).
        for key in ("2", "3", "5"):
            await pilot.press(key)
            await settle(app, pilot)
    frames = "".join(written)
    assert "Evil" in frames and "Clip" in frames and "Broken" in frames  # the names were drawn
    assert "␛" in frames  # as stand-ins
    for sequence in INJECTED:
        assert sequence not in frames, f"{sequence!r} reached the terminal"
    assert app.return_code in (None, 0)
