"""The account card at the top of the Timeline: who, worth, renewal, health and why, alerts, people."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from acct_tui.core.currency import value_text
from acct_tui.services.account_card import AccountCard

BAND_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "bold green"}
TIER_STYLE = {"strategic": "bold magenta", "key": "bold cyan", "standard": "dim"}


def card_view(card: AccountCard | None):
    """The card as rich text: four lines, each cut to the width rather than wrapped."""
    if card is None:
        return Text("No account selected: pick one in Today (1), the Portfolio (2), the Visit log (4) or with ctrl+p.", style="italic")
    head = Text.assemble(
        (card.name, "bold"), "  ", (card.tier.upper(), TIER_STYLE.get(card.tier, "")),
        f"  owner {card.owner or 'nobody'}  ·  {value_text(card.base_value, card.annual_value, card.currency, card.base)}/yr  ·  ",
    )
    if card.renewal_date:
        days = card.days_to_renewal
        head.append(f"renews {card.renewal_date:%d %b %Y} ({days}d)", style="bold red" if days is not None and days <= 90 else "")
    else:
        head.append("no renewal date", style="dim")
    if card.status != "active":
        head.append(f"  · {card.status}", style="bold red")
    health = Text("health ", style="dim")
    if card.score is None:
        health.append("not scored", style="dim")
    else:
        health.append(f"{card.score} {card.band}", style=BAND_STYLE.get(card.band or "", ""))
        if card.trend:
            health.append(f" {'↑' if card.trend > 0 else '↓'}{abs(card.trend)}", style="green" if card.trend > 0 else "red")
        if card.cap_line:
            health.append(f"  {card.cap_line}", style=BAND_STYLE.get(card.band or "", ""))
        parts = "  ".join(f"{c.name} {c.value:.0f}×{c.weight:.2f}" for c in card.components)
        health.append(f"   {parts}", style="dim")
    alerts = alerts_line(card)
    contacts = Text("contacts ", style="dim")
    if not card.contacts:
        contacts.append("no champion or sponsor on record", style="yellow")
    for i, person in enumerate(card.contacts):
        contacts.append("  ·  " if i else "")
        if person.left_on:
            contacts.append(f"{person.name} ({person.role}) left {person.left_on:%d %b %Y}", style="red")
        else:
            contacts.append(f"{person.name}", style="bold")
            contacts.append(f" {person.role}")
    for line in (head, health, alerts, contacts):
        line.no_wrap, line.overflow = True, "ellipsis"
    return Group(head, health, alerts, contacts)


def alerts_line(card: AccountCard) -> Text:
    """Every open alert's rule, red first, then the first one's reason.

    The rules come before any reason so that a narrow terminal cuts a
    reason, never a red alert's name (each alert's reason is in the
    Risk alerts screen and in the timeline's alert entries).
    """
    line = Text("alerts ", style="dim")
    if not card.alerts:
        line.append("none open", style="green")
        return line
    ordered = sorted(card.alerts, key=lambda alert: alert.severity != "red")  # stable: the service's order within
    for i, alert in enumerate(ordered):
        line.append("  " if i else "")
        line.append(alert.rule, style="bold red" if alert.severity == "red" else "bold yellow")
        if alert.status != "open":
            line.append(f" ({alert.status})", style="dim")
    line.append(f"  ·  {ordered[0].reason}")
    return line
