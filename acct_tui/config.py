"""The TOML config file: database, who I am, theme, key bindings, care policy.

Location: `--config PATH`, else `ACCT_TUI_CONFIG`, else `config.toml` in the
user config directory. A missing default file is fine (defaults apply); a
missing explicit file, bad TOML or a value of the wrong type is a
`UsageError` naming the file and the key.

Sections read elsewhere (`[cadence]`, `[thresholds]`, `[weights]`, `[urgency]`,
`[courtesy]`) are kept
raw here and validated by `acct_tui.core.settings` (which reads `[cadence]`
through `acct_tui.core.policy`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acct_tui.core.currency import DEFAULT_BASE, currency_code
from acct_tui.core.text import clean_text
from acct_tui.errors import UsageError

#: Top-level keys this file understands; anything else is reported as a typo.
KNOWN_KEYS = {
    "database": str,
    "user": str,
    "theme": str,
    "scan_interval_minutes": (int, float),
    "base_currency": str,
    "keys": dict,
    "cadence": dict,
    "thresholds": dict,
    "weights": dict,
    "urgency": dict,
    "courtesy": dict,
}


def default_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("acct-tui")) / "config.toml"


@dataclass
class Config:
    path: Path
    database: str | None = None
    user: str | None = None
    theme: str | None = None
    scan_interval_minutes: float = 5.0
    #: Every total, share and KPI is in this currency (ISO 4217).
    base_currency: str = DEFAULT_BASE
    #: Binding id -> key(s), as `App.set_keymap` takes them.
    keys: dict[str, str] = field(default_factory=dict)
    #: The whole parsed file, for the sections other modules validate.
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.raw.get(name, {}))


def load(path: str | os.PathLike | None = None) -> Config:
    """Read the config file; `UsageError` on anything wrong with it."""
    explicit = path or os.environ.get("ACCT_TUI_CONFIG")
    target = Path(explicit) if explicit else default_path()
    if not target.exists():
        if explicit:
            raise UsageError(f"config file {target} does not exist")
        return Config(path=target)
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {target}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read config file {target}: {exc.strerror}") from None
    raw = _cleaned(raw)
    for key, value in raw.items():
        expected = KNOWN_KEYS.get(key)
        if expected is None:
            raise UsageError(f"config file {target}: unknown setting {key!r}")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise UsageError(f"config file {target}: {key!r} has the wrong type ({type(value).__name__})")
    keys = raw.get("keys", {})
    for binding_id, keyspec in keys.items():
        if not isinstance(keyspec, str) or not keyspec.strip():
            raise UsageError(f"config file {target}: keys.{binding_id} must be a key name like \"ctrl+s\"")
    interval = float(raw.get("scan_interval_minutes", 5))
    if interval <= 0:
        raise UsageError(f"config file {target}: scan_interval_minutes must be more than 0")
    try:
        base = currency_code(raw.get("base_currency", DEFAULT_BASE))
    except ValueError as exc:
        raise UsageError(f"config file {target}: base_currency: {exc}") from None
    return Config(
        path=target,
        base_currency=base,
        database=raw.get("database"),
        user=raw.get("user"),
        theme=raw.get("theme"),
        scan_interval_minutes=interval,
        keys=dict(keys),
        raw=raw,
    )


def _cleaned(value: Any) -> Any:
    """Every string in the file (keys and values, nested too) without control characters."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def save_setting(config: Config, key: str, value: Any) -> None:
    """Write one top-level setting back, keeping the rest of the file as it was parsed."""
    import tomli_w

    config.raw[key] = value
    setattr(config, key, value)
    config.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = config.path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(config.raw), encoding="utf-8")
    tmp.replace(config.path)
