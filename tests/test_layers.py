"""The layers are held by import-linter (`[tool.importlinter]` in pyproject.toml).

Run here so that the README's test command (`pytest`, which CI runs) fails
when a contract breaks: core stays pure, models know nothing above them,
services and io know nothing of the UI or CLI, the UI reaches data only
through services, and screens do not import each other in a circle.
"""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 broken" in out and "6 kept" in out, out
