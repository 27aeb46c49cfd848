"""What a start on a SQLite file does not import: PostgreSQL's driver (a tenth of a second of
every start; `db.py` hands it to peewee when a PostgreSQL database is opened, tests/test_db.py)."""

from __future__ import annotations

import subprocess
import sys


def test_a_session_on_a_sqlite_file_never_imports_psycopg(tmp_path):
    code = (
        "import sys\n"
        "import acct_tui.cli\n"
        "from acct_tui import db\n"
        f"db.open_database('sqlite:///{tmp_path / 'x.db'}')\n"
        "from acct_tui.models import User\n"
        "with db.database.connection_context():\n"
        "    User.select().count()\n"
        "print('psycopg' in sys.modules)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_the_first_screens_leave_the_rest_to_whatever_needs_it():
    """What the app and its first screen (Today, or the Portfolio) import is on every start's way
    to the first paint. The entry forms (and Textual's TextArea under them) load when `p` or `s`
    opens one; the scan's machinery with the first scan; the health engine and the record view
    when an account's card or a record is opened."""
    later = ("acct_tui.ui.screens.form", "acct_tui.services.entry_forms", "textual.widgets._text_area",
             "acct_tui.services.scan", "acct_tui.services.scan_child", "acct_tui.services.health",
             "acct_tui.core.assess", "acct_tui.services.account_card")
    for screen in ("today", "portfolio"):
        code = (
            "import sys\n"
            "import acct_tui.cli.app_cmd\n"
            "import acct_tui.ui.app\n"
            f"import acct_tui.ui.screens.{screen}\n"
            "import acct_tui.services.today_page\n"
            f"print(sorted(m for m in {later!r} if m in sys.modules))\n"
        )
        found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert found.stdout.strip() == "[]", screen


def test_the_scans_outcome_is_still_the_bridges_to_name():
    from acct_tui.services.scan_child import ScanOutcome
    from acct_tui.ui import risk_bridge

    assert risk_bridge.ScanOutcome is ScanOutcome
