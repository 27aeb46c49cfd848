"""Health and signals judged together, so that they agree.

The components give a score; the rules give signals; red signals then cap
the score (`core.health.cap_for`): one red signal and the account is at most
yellow, a departure intent or two red signals and it is red. `renewal_risk`
reads the health, so it is judged last, on the score the other signals
capped, and the cap is taken again with it.

`assess` is the full answer (`explain`, briefs); `assess_fast` the scan's and
the backtest's path over 100,000 accounts (no `Component` objects).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from acct_tui.core import health, rules
from acct_tui.core.facts import AccountFacts
from acct_tui.core.health import Cap, Health
from acct_tui.core.rules import Signal
from acct_tui.core.settings import RiskSettings

_OTHERS = [(rule_id, rule) for rule_id, rule in rules.RULES.items() if rule_id != "renewal_risk"]


@dataclass(frozen=True)
class Assessment:
    health: Health
    signals: tuple[Signal, ...]


def _signals(f: AccountFacts, s: RiskSettings, raw_score: int | None) -> tuple[dict[str, Signal], int | None]:
    """Every rule's signal (in rule order) and the capped score."""
    found = {}
    for rule_id, rule in _OTHERS:
        signal = rule(f, s)
        if signal is not None:
            found[rule_id] = signal
    score, _ = health.capped(raw_score, _red(found))
    if f.renewal_date is not None and (signal := rules.renewal_risk(f, s, score)) is not None:
        found["renewal_risk"] = signal
        # `_OTHERS` is in rule order: only renewal_risk can be out of place
        return {rule_id: found[rule_id] for rule_id in rules.RULES if rule_id in found}, score
    return found, score


def _red(found: dict[str, Signal]) -> list[str]:
    return [rule_id for rule_id, signal in found.items() if signal.severity == "red"]


def assess_fast(f: AccountFacts, s: RiskSettings, components: tuple | None = None
                ) -> tuple[dict[str, Signal], tuple[int | None, str | None, dict[str, float]]]:
    """Signals by rule, and (score, band, component values) with the cap applied; `components`:
    `health.weighted(s)`, when the caller assesses many accounts with the same settings.

    `_signals`' work, with each cap taken once: the red rules before renewal_risk cap the score
    it reads, and only a red renewal_risk can lower it again."""
    if not f.watched:
        return {}, (None, None, {})
    raw, _, values = health.score(f, s, components)
    found = {}
    for rule_id, rule in _OTHERS:
        signal = rule(f, s)
        if signal is not None:
            found[rule_id] = signal
    red = [rule_id for rule_id, signal in found.items() if signal.severity == "red"]
    score, _ = health.capped(raw, red)
    if f.renewal_date is not None and (signal := rules.renewal_risk(f, s, score)) is not None:
        found["renewal_risk"] = signal
        # `_OTHERS` is in rule order: only renewal_risk can be out of place
        found = {rule_id: found[rule_id] for rule_id in rules.RULES if rule_id in found}
        if signal.severity == "red":
            score, _ = health.capped(raw, red + ["renewal_risk"])
    return found, (score, health.band(score), values)


def assess(f: AccountFacts, s: RiskSettings) -> Assessment:
    """The account's health (components, and the cap when red signals set one) and its signals."""
    if not f.watched:
        return Assessment(Health(None, None, ()), ())
    result = health.compute(f, s)
    found, _ = _signals(f, s, result.score)
    score, cap = health.capped(result.score, _red(found))
    if cap is not None:
        result = replace(result, score=score, band=health.band(score), cap=Cap(cap[0], cap[1], result.score))
    return Assessment(result, tuple(found.values()))
