"""First paint as a person sees it: a whole process spawned on a pseudo-terminal, until a name shows.

    python scripts/bench_paint.py [--accounts 100000] [--db URL] [--runs 3]

Spawns `acct-tui app` (as an admin, on the benchmark database, clock
pinned) on a pty of 160x50 and reads what it writes until the name of an
account the screen must show appears (escape sequences stripped): on the
Portfolio (`--open portfolio`) one of the most valuable accounts, on Today
one of the first accounts of the queue. The baseline is an empty Textual
app with a 200-row DataTable of the same accounts' names, spawned and read
the same way (`--baseline-app FILE`). Both sides' modules are compiled to
bytecode first, as an installed package's are (`compile_modules`). Each is the
median of `--runs`, alternated. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_db  # noqa: E402

SIZE = (160, 50)
#: Seconds past which a first paint is not run again.
SLOW = 20.0
#: CSI and OSC sequences, and the other two-byte escapes Textual writes.
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def spawn_until(argv: list[str], needles: list[str], timeout: float = 600.0) -> float:
    """Seconds from spawning `argv` on a pty until one of `needles` is on its output; the process is then ended."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    wanted = [n.encode() for n in needles]
    seen = b""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    try:
        while True:
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"no account name on screen after {timeout:.0f} s: {ESCAPES.sub(b'', seen)[-400:]!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    raise RuntimeError(f"{argv[:3]} ended ({proc.returncode}): {ESCAPES.sub(b'', seen)[-400:]!r}")
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the process closed the terminal
                chunk = b""
            if not chunk and proc.poll() is not None:
                raise RuntimeError(f"{argv[:3]} ended ({proc.returncode}): {ESCAPES.sub(b'', seen)[-400:]!r}")
            seen += chunk
            text = ESCAPES.sub(b"", seen)
            if any(n in text for n in wanted):
                return time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)


def _needle(name: str) -> str:
    # A narrow column cuts long names; the first 10 characters are enough to know one.
    return name[:10]


def targets(url: str) -> dict:
    """The admin's login, the names the Portfolio's first page must show, Today's first accounts.

    Today's queue for an admin is the whole book's: slow at 100k, so it is worked out once per
    database and kept beside the build's record (the clock is pinned: it cannot change)."""
    from acct_tui import clock, db
    from acct_tui.core.policy import Policy
    from acct_tui.models import User
    from acct_tui.services import access, money, portfolio, today

    kept = bench_db.record_path(url).with_suffix(".targets.json")
    if kept.exists():
        return json.loads(kept.read_text())
    clock.pin(bench_db.NOW)
    db.connect(url)
    with db.database.connection_context():
        admin = User.select().where(User.role == "admin", User.active == True).order_by(User.id).first()  # noqa: E712
        viewer = access.from_user(admin)
        top = portfolio.load(viewer, Policy(), bench_db.TODAY, money.rate_book("USD"), first=200).names
        started = time.perf_counter()
        queue = today.build_today(viewer)
        print(f"Today's queue for {admin.login}: {time.perf_counter() - started:.1f} s in-process", file=sys.stderr)
    db.database.close()
    found = dict(admin=admin.login, top=list(top), today=[row.account_name for row in queue.rows[:5]])
    kept.write_text(json.dumps(found))
    return found


def app_argv(url: str, admin: str, config: Path, area: str | None) -> list[str]:
    opened = ["--open", area] if area else []
    return [sys.executable, "-m", "acct_tui", "--db", url, "--user", admin, "--config", str(config),
            "--now", bench_db.NOW.isoformat(), "app", *opened]


def compile_modules() -> None:
    """Both sides' own modules as an installed package has them: compiled to bytecode first.

    `pip install` writes every module's bytecode, Textual's too; a checkout installed editable
    and run with PYTHONDONTWRITEBYTECODE set (the benchmark machine is) compiled the app's
    sixty modules from source at every spawn, which no installed copy does and the baseline
    (Textual, compiled when installed) never did: 35-45 ms of a 0.4 s first paint, measured.
    The scripts the baseline runs are compiled the same way."""
    import compileall

    import acct_tui

    for folder in (Path(acct_tui.__file__).parent, Path(__file__).parent):
        compileall.compile_dir(folder, quiet=1)


def first_paints(url: str, runs: int = 3) -> dict:
    """Median seconds to the first account name: Portfolio, Today, and the 200-row DataTable app."""
    found = targets(url)
    compile_modules()
    times: dict[str, list[float]] = {"portfolio": [], "today": [], "datatable": []}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.toml"
        config.write_text("")  # every setting at its default
        rows = Path(tmp) / "rows.json"
        rows.write_text(json.dumps(found["top"]))
        spawns = {
            "datatable": ([sys.executable, __file__, "--baseline-app", str(rows)], found["top"][:20]),
            "portfolio": (app_argv(url, found["admin"], config, "portfolio"), found["top"][:20]),
            "today": (app_argv(url, found["admin"], config, None), found["today"]),
        }
        for _ in range(runs):
            for key, (argv, names) in spawns.items():
                if times[key] and times[key][-1] > SLOW:
                    continue  # one run of many seconds says enough; the machine is shared
                times[key].append(spawn_until(argv, [_needle(n) for n in names]))
    return {key: statistics.median(values) for key, values in times.items()} | {"runs": times}


def baseline_app(rows_file: str) -> None:
    """The baseline: an empty Textual app holding one DataTable of 200 rows (`bench_ui.table_app`)."""
    import bench_ui

    bench_ui.table_app(json.loads(Path(rows_file).read_text())).run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-app", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_app:
        baseline_app(args.baseline_app)
        return 0
    url = args.db or bench_db.default_url(args.accounts)
    bench_db.ensure(url, args.accounts)
    found = first_paints(url, args.runs)
    for key in ("portfolio", "today", "datatable"):
        print(f"{key:10} {found[key] * 1000:7.0f} ms  runs {[round(t * 1000) for t in found['runs'][key]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
