"""Room rules: nothing outside acct_tui/ui imports textual."""

import pkgutil
import subprocess
import sys

import acct_tui


def non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(acct_tui.__path__, prefix="acct_tui."):
        if info.name.startswith("acct_tui.ui") or info.name.startswith("acct_tui.migrations.") or info.name == "acct_tui.__main__":
            continue
        names.append(info.name)
    return names


def test_there_are_modules_to_check():
    assert {"acct_tui.models", "acct_tui.db", "acct_tui.cli"} <= set(non_ui_modules())


def test_no_module_outside_ui_imports_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {non_ui_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert 'textual' not in sys.modules, name\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
