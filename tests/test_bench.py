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
