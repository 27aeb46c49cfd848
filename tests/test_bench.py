"""`scripts/bench.py` runs and reports every row in one shape (timings are the machine's: never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"


def test_bench_runs_a_cheap_row_and_writes_the_table_and_the_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--accounts", "300", "--db", f"sqlite:///{tmp_path / 'bench.db'}",
         "--only", "scan", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(out.read_text())
    assert set(found["run"]) >= {"date", "accounts", "database", "sqlite", "machine", "load_average"}
    assert found["run"]["accounts"] == 300
    memory, scan = found["rows"]
    assert memory["key"] == "scan_memory" and memory["unit"] == "MB" and memory["value"] > 0
    assert scan["key"] == "scan" and scan["on"] == "ratio" and scan["limit"] == 1.3
    assert scan["value"] > 0 and scan["baseline"] > 0 and abs(scan["ratio"] - scan["value"] / scan["baseline"]) < 0.01 * scan["ratio"]
    assert scan["passed"] is (scan["ratio"] <= 1.3)
    assert "300 accounts" in scan["what"] and "statements replayed" in scan["baseline_what"]
    # the printed table is the same row, with its verdict
    (line,) = [text for text in result.stdout.splitlines() if text.startswith(f"| {scan['what']} |")]
    assert line.endswith("| PASS |" if scan["passed"] else "| FAIL |")
    # the build was measured in a child process and recorded beside the database
    record = json.loads((tmp_path / "bench.db.build.json").read_text())
    assert record["accounts"] == 300 and record["vm_hwm_mb"] > 0 and record["account_rows"] == 300


def test_bench_refuses_an_unknown_group(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "--accounts", "300", "--only", "scna"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "unknown group scna" in result.stderr


def test_the_ui_rows_name_the_lag_p99_and_the_max_each_once(monkeypatch):
    """Each lag row carries its own figure: the README once showed the max row twice and no p99."""
    sys.path.insert(0, str(SCRIPT.parent))
    import bench
    import bench_ui

    app = dict(rows=97_009, idle_key=0.05, sort=0.02, filter=0.025, page_down=0.006, page_down_frame=0.009, scan_seconds=20.0,
               lag_idle=dict(p99=0.001, max=0.002, samples=900), lag_scan=dict(p99=0.004, max=0.011, samples=800),
               vm_hwm_loaded=300, vm_hwm_scan=350)
    table = dict(idle_key=0.04, page_down=0.05, page_down_frame=0.03, vm_hwm_loaded=41)
    monkeypatch.setattr(bench_ui, "run_child", lambda kind, url=None: app if kind == "app" else table)
    rows = {r["key"]: r for r in bench.ui_rows("sqlite:///unused.db")}
    assert (rows["lag_p99"]["value"], rows["lag_p99"]["baseline"], rows["lag_p99"]["limit"]) == (4.0, 1.0, 8)
    assert (rows["lag_max"]["value"], rows["lag_max"]["baseline"], rows["lag_max"]["limit"]) == (11.0, 2.0, 16)
    lines = bench.render(list(rows.values())).splitlines()
    lag = [line for line in lines if "event-loop lag" in line]
    assert len(lag) == 2 and lag[0].startswith("| event-loop lag while the app's own scan runs, p99 | 4 ms | 1 ms")
    assert lag[1].startswith("| event-loop lag while the app's own scan runs, max | 11 ms | 2 ms")
    assert len({r["what"] for r in rows.values()}) == len(rows)


def test_the_page_down_row_is_timed_to_its_frame_with_the_harness_wait_in_its_note(monkeypatch):
    """The harness's wait moves in 20 ms steps: a page down is judged on the key to its frame."""
    sys.path.insert(0, str(SCRIPT.parent))
    import bench
    import bench_ui

    app = dict(rows=97_009, idle_key=0.063, sort=0.02, filter=0.02, page_down=0.021, page_down_frame=0.011,
               scan_seconds=20.0, lag_idle=dict(p99=0.001, max=0.002, samples=900),
               lag_scan=dict(p99=0.004, max=0.011, samples=800), vm_hwm_loaded=165, vm_hwm_scan=178)
    table = dict(idle_key=0.063, page_down=0.032, page_down_frame=0.024, vm_hwm_loaded=41)
    monkeypatch.setattr(bench_ui, "run_child", lambda kind, url=None: app if kind == "app" else table)
    page = {r["key"]: r for r in bench.ui_rows("sqlite:///unused.db")}["page_down"]
    assert (page["value"], page["baseline"], page["limit"], page["passed"]) == (11.0, 24.0, 16, True)
    assert page["what"] == "page down, key to its frame"
    assert "after the harness's wait (20 ms steps): 21 ms, the DataTable's 32 ms" in page["note"]


def test_frames_time_a_key_to_the_first_frame_that_shows_it():
    """`bench_ui.Frames`: the frame that shows the key's change, not the harness's wait after it."""
    import asyncio

    sys.path.insert(0, str(SCRIPT.parent))
    import bench_ui

    async def run():
        app = bench_ui.table_app([f"Account {i}" for i in range(200)])
        async with app.run_test(size=bench_ui.SIZE) as pilot:
            await pilot.pause()
            frames = bench_ui.Frames(app, lambda: app.query_one("DataTable").cursor_row)
            frame, waited = await frames.press(pilot, "pagedown")
            assert app.query_one("DataTable").cursor_row > 0
            assert 0 < frame < waited
            assert frames.seen[-1][1] == app.query_one("DataTable").cursor_row

    asyncio.run(run())
