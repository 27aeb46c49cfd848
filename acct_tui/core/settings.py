"""Risk settings: the numbers the rules and the health score use.

Pure data, no I/O. Defaults follow the product brief; the config file's
`[thresholds]` and `[weights]` tables override them, for example:

    [thresholds]
    drop_yellow_pct = 15
    payment_red_days = 45

    [weights]
    usage_trend = 30
    payments = 0        # leave payments out of the health score

Cadences (days between touches and visits) come from `core/policy.py` and
the config's `[cadence]` table; the Today queue's coefficients and courtesy
switches from `core/urgency.py` and the `[urgency]` and `[courtesy]` tables.

The settings in force are one loaded object, like the one clock: the CLI
and the app install them from the config with `use()`, and every service
that scores or judges (scan, explain, briefs, backtest) falls back to
`loaded()`, so no caller can show a health computed with other weights.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from acct_tui.core.config_values import check_known, non_negative
from acct_tui.core.policy import Policy, policy_from_config
from acct_tui.core.urgency import Courtesy, Urgency, courtesy_from_config, urgency_from_config
from acct_tui.errors import UsageError


@dataclass(frozen=True)
class Thresholds:
    """Every number a rule compares against; the field names are the config keys."""

    #: overdue_commitment: red when one is more than this many days late ...
    commitment_red_days_late: int = 14
    #: ... or when at least this many are late.
    commitment_red_count: int = 3
    #: renewal_risk: a renewal within this many days ...
    renewal_window_days: int = 90
    #: ... with health below this is red ...
    renewal_health_below: int = 60
    #: ... or with no touch in this many days is yellow.
    renewal_no_touch_days: int = 30
    #: usage_drop / revenue_drop: percent down, 3 complete months against the 3 before.
    drop_yellow_pct: float = 20.0
    drop_red_pct: float = 30.0
    #: ... or a steady slide: this many monthly declines in a row adding up to slide_pct (0: off) ...
    slide_months: int = 3
    slide_pct: float = 15.0
    #: ... or the trend line over the last trend_months months down this much (yellow; red; 0: off) ...
    trend_months: int = 6
    trend_yellow_pct: float = 15.0
    trend_red_pct: float = 25.0
    #: ... or the last complete month this far under the mean of the 6 before (0: off).
    last_month_pct: float = 25.0
    #: With 13+ months on record, a drop counts only when also this far under the same months a year earlier.
    seasonal_yoy_pct: float = 10.0
    #: rhythm_break: quiet for more than this many times the account's usual gap (0: off) ...
    rhythm_break_factor: float = 2.5
    #: ... over a year with at least this many touches spanning this many days ...
    rhythm_min_touches: int = 8
    rhythm_min_span_days: int = 180
    #: ... and never for a quiet spell of this many days or fewer.
    rhythm_min_quiet_days: int = 7
    #: complaint_open: a case open more than this many days.
    complaint_open_days: int = 14
    #: complaint_open red: a high or critical case open more than this many days.
    complaint_severe_days: int = 7
    #: complaint_spike: this many cases opened within the window.
    complaint_spike_count: int = 3
    complaint_spike_days: int = 30
    #: sentiment_decline: the mean of the last N touches with a sentiment (-2..2).
    sentiment_touches: int = 3
    sentiment_yellow: float = -0.5
    sentiment_red: float = -1.0
    #: champion_left: a champion or sponsor left within this many days.
    champion_left_days: int = 60
    #: no_champion: a key or strategic account without an active champion or sponsor this long.
    no_champion_days: int = 60
    #: payment_overdue: days past due.
    payment_yellow_days: int = 30
    payment_red_days: int = 60
    #: A red alert left open this many days is escalated to the owner's manager.
    escalate_after_days: int = 3
    #: The longest snooze, in days: a longer one is refused, naming this limit.
    snooze_max_days: int = 90


#: Health components and their default weights (relative; they need not sum to 100).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"engagement": 30, "sentiment": 20, "cases": 25, "usage_trend": 20, "revenue_trend": 20, "relationship": 25,
     "commitments": 0, "payments": 0}
)

#: Pairs (lower, higher) that must stay ordered, as config keys.
_ORDERED = (
    ("drop_yellow_pct", "drop_red_pct"),
    ("payment_yellow_days", "payment_red_days"),
    ("sentiment_red", "sentiment_yellow"),
    ("trend_yellow_pct", "trend_red_pct"),
)
#: Thresholds where 0 means "off" or "at once".
_MAY_BE_ZERO = {"escalate_after_days", "slide_pct", "trend_yellow_pct", "last_month_pct", "seasonal_yoy_pct", "rhythm_break_factor"}
#: Thresholds that may be negative (sentiment is -2..2).
_SIGNED = {"sentiment_yellow", "sentiment_red"}


@dataclass(frozen=True)
class RiskSettings:
    """Cadences, thresholds and weights: everything the engine is tuned by."""

    policy: Policy = field(default_factory=Policy)
    thresholds: Thresholds = field(default_factory=Thresholds)
    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    #: The Today queue's coefficients (`[urgency]`) and courtesy dates (`[courtesy]`).
    urgency: Urgency = field(default_factory=Urgency)
    courtesy: Courtesy = field(default_factory=Courtesy)

    def __reduce__(self):
        # The app's scan runs in a child process that gets these settings by pickle, which
        # refuses the read-only weights view: send a plain copy, rebuilt read-only there.
        return _rebuild_settings, (self.policy, self.thresholds, dict(self.weights), self.urgency, self.courtesy)


def _rebuild_settings(policy, thresholds, weights, urgency, courtesy) -> RiskSettings:
    return RiskSettings(policy, thresholds, MappingProxyType(weights), urgency, courtesy)


def thresholds_from_config(section: Mapping[str, Any] | None) -> Thresholds:
    """`Thresholds` from the config's `[thresholds]` table; `UsageError` on a bad key or value."""
    fields = {f.name: f for f in dataclasses.fields(Thresholds)}
    values: dict[str, Any] = {}
    for key, value in (section or {}).items():
        check_known("thresholds", key, sorted(fields))
        spec = fields[key]
        wants_int = spec.type in ("int", int)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (wants_int and not isinstance(value, int)):
            kind = "a whole number" if wants_int else "a number"
            raise UsageError(f"config: thresholds.{key} must be {kind}, not {value!r}")
        if key in _SIGNED:
            if not -2 <= value <= 2:
                raise UsageError(f"config: thresholds.{key} must be between -2 and 2 (the sentiment scale)")
        elif value < (minimum := 0 if key in _MAY_BE_ZERO else 1):
            raise UsageError(f"config: thresholds.{key} must be at least {minimum}")
        values[key] = value
    result = Thresholds(**values)
    for low, high in _ORDERED:
        if getattr(result, low) > getattr(result, high):
            raise UsageError(f"config: thresholds.{low} must not be more than thresholds.{high}")
    if result.drop_red_pct > 100:
        raise UsageError("config: thresholds.drop_red_pct must be at most 100")
    return result


def weights_from_config(section: Mapping[str, Any] | None) -> Mapping[str, float]:
    """Health weights from the config's `[weights]` table; 0 leaves a component out."""
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (section or {}).items():
        check_known("weights", key, list(DEFAULT_WEIGHTS))
        weights[key] = non_negative("weights", key, value)
    if not any(weights.values()):
        raise UsageError("config: [weights] are all 0; at least one health component must count")
    return MappingProxyType(weights)


def settings_from_config(config: Any | None) -> RiskSettings:
    """`RiskSettings` from a loaded `acct_tui.config.Config` (None: the defaults)."""
    if config is None:
        return RiskSettings()
    return RiskSettings(
        policy=policy_from_config(config.section("cadence")),
        thresholds=thresholds_from_config(config.section("thresholds")),
        weights=weights_from_config(config.section("weights")),
        urgency=urgency_from_config(config.section("urgency")),
        courtesy=courtesy_from_config(config.section("courtesy")),
    )


_loaded: RiskSettings | None = None


def loaded() -> RiskSettings:
    """The settings in force: those `use()` installed from the config, else the defaults."""
    return _loaded if _loaded is not None else RiskSettings()


def use(settings: RiskSettings | None) -> None:
    """Install the settings every service uses by default (None: back to the defaults)."""
    global _loaded
    _loaded = settings
