"""ui/memory.give_back: the allocator's free pages go back to the system (glibc), or nothing happens."""

from __future__ import annotations

import ctypes
from pathlib import Path

from acct_tui.ui import memory


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_free_pages_held_between_live_blocks_go_back():
    blocks = [bytes(1024) for _ in range(64 * 1024)]  # 64 MB from malloc (past pymalloc's 512 bytes)
    kept = blocks[::16]  # one in 16 stays: the heap cannot shrink from its top by itself
    del blocks
    before = rss_mb()
    assert memory.give_back() is True
    assert rss_mb() < before - 32, "most of the 60 MB freed between the kept blocks went back"
    assert len(kept) == 4096


def test_without_glibc_it_does_nothing(monkeypatch):
    class NoTrim:
        def __init__(self, _name):
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    memory._malloc_trim.cache_clear()
    try:
        assert memory.give_back() is False
    finally:
        memory._malloc_trim.cache_clear()
