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
