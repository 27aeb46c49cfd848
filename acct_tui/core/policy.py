"""The care policy: how often each tier expects a touch and a visit.

Pure data and arithmetic, no I/O. Defaults below; the config file's
`[cadence.TIER]` tables override them, for example:

    [cadence.strategic]
    contact_target = 10
    contact_max = 15

An account's own cadence override (`Account.contact_days` / `visit_days`)
wins over its tier: the override becomes the target and the max keeps the
tier's slack (max - target) on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from acct_tui.enums import TIERS
from acct_tui.errors import UsageError


@dataclass(frozen=True)
class Cadence:
    """Days allowed between two events: `target` is the aim, past `max` is red."""

    target: int
    max: int

    def status(self, days_since: int | None) -> str:
        """`green` within target, `yellow` past target, `red` past max (or never)."""
        if days_since is None or days_since > self.max:
            return "red"
        if days_since > self.target:
            return "yellow"
        return "green"


@dataclass(frozen=True)
class TierPolicy:
    contact: Cadence
    visit: Cadence


DEFAULT_TIERS: dict[str, TierPolicy] = {
    "strategic": TierPolicy(contact=Cadence(14, 21), visit=Cadence(30, 45)),
    "key": TierPolicy(contact=Cadence(21, 30), visit=Cadence(60, 90)),
    "standard": TierPolicy(contact=Cadence(45, 60), visit=Cadence(180, 210)),
}


@dataclass(frozen=True)
class Policy:
    tiers: dict[str, TierPolicy] = field(default_factory=lambda: dict(DEFAULT_TIERS))

    def contact(self, tier: str, override_days: int | None = None) -> Cadence:
        return _with_override(self.tiers[tier].contact, override_days)

    def visit(self, tier: str, override_days: int | None = None) -> Cadence:
        return _with_override(self.tiers[tier].visit, override_days)


def _with_override(base: Cadence, override_days: int | None) -> Cadence:
    if not override_days:
        return base
    return Cadence(override_days, override_days + (base.max - base.target))


_CADENCE_KEYS = ("contact_target", "contact_max", "visit_target", "visit_max")


def policy_from_config(cadence_section: Mapping[str, Any] | None) -> Policy:
    """Build a `Policy` from the config's `[cadence]` table; `UsageError` on bad values."""
    tiers = dict(DEFAULT_TIERS)
    for tier, values in (cadence_section or {}).items():
        if tier not in TIERS:
            raise UsageError(f"config: [cadence.{tier}] is not a tier (use {', '.join(TIERS)})")
        if not isinstance(values, Mapping):
            raise UsageError(f"config: [cadence.{tier}] must be a table")
        unknown = set(values) - set(_CADENCE_KEYS)
        if unknown:
            raise UsageError(f"config: [cadence.{tier}] has unknown key {sorted(unknown)[0]!r}")
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UsageError(f"config: cadence.{tier}.{key} must be a whole number of days, at least 1")
        current = tiers[tier]
        contact = Cadence(values.get("contact_target", current.contact.target), values.get("contact_max", current.contact.max))
        visit = Cadence(values.get("visit_target", current.visit.target), values.get("visit_max", current.visit.max))
        for name, cadence in (("contact", contact), ("visit", visit)):
            if cadence.max < cadence.target:
                raise UsageError(f"config: cadence.{tier}.{name}_max must not be less than {name}_target")
        tiers[tier] = replace(current, contact=contact, visit=visit)
    return Policy(tiers=tiers)
