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


def test_todays_screen_leaves_the_forms_to_the_keys_that_open_them():
    """Today is the first screen: what it imports is on every start's way to the first paint.
    The entry forms (and Textual's TextArea under them) load when `p` or `s` opens one."""
    code = (
        "import sys\n"
        "import acct_tui.ui.app\n"
        "import acct_tui.ui.screens.today\n"
        "print(sorted(m for m in ('acct_tui.ui.screens.form', 'acct_tui.services.entry_forms',\n"
        "                          'textual.widgets._text_area') if m in sys.modules))\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
