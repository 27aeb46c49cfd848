"""The validating column types the models are made of: a value a column does not accept
raises `InvalidValue` (naming the column) before anything reaches SQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from peewee import CharField, DecimalField, SmallIntegerField, TextField

from acct_tui import enums
from acct_tui.core.currency import ISO_4217


class InvalidValue(ValueError):
    """A value that a column does not accept; the message names the column."""


def _refused(field, value, wanted: str) -> InvalidValue:
    """The error for a value a validating field will not store: `Model.field: value is not <wanted>`."""
    return InvalidValue(f"{field.model.__name__}.{field.name}: {value!r} is not {wanted}")


class EnumField(CharField):
    """A short text column restricted to a fixed vocabulary."""

    def __init__(self, choices: tuple[str, ...], **kwargs):
        self.allowed = tuple(choices)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def db_value(self, value):
        if value is not None and value not in self.allowed:
            raise _refused(self, value, f"one of {', '.join(self.allowed)}")
        return super().db_value(value)


class SentimentField(SmallIntegerField):
    """A customer's mood in a touch, -2 (hostile) to 2 (delighted), or unknown."""

    def db_value(self, value):
        low, high = enums.SENTIMENT_RANGE
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            raise _refused(self, value, f"a whole number from {low} to {high}")
        return super().db_value(value)


class JSONText(TextField):
    """JSON kept as text: the same on SQLite and PostgreSQL, read back as Python."""

    def db_value(self, value):
        return None if value is None else stored_json(value)

    def python_value(self, value):
        return None if value is None else json.loads(value)


def json_default(value):
    """How `JSONText` writes what JSON has no type for: dates as ISO text, decimals as numbers."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


#: What `json.dumps(value, default=json_default, sort_keys=True)` builds on every call, built once:
#: a scan stores 100,000 snapshots' components.
_ENCODER = json.JSONEncoder(default=json_default, sort_keys=True)


def stored_json(value) -> str:
    """`value` as `JSONText` stores it (bulk writes use it too, so stored text compares as text)."""
    return _ENCODER.encode(value)


class ProbabilityField(SmallIntegerField):
    """A chance in percent, 0 to 100."""

    def db_value(self, value):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100):
            raise InvalidValue(f"{self.model.__name__}.{self.name}: {value!r} is not a whole percentage from 0 to 100")
        return super().db_value(value)


class CurrencyField(CharField):
    """An ISO 4217 code; anything else raises `InvalidValue` before it reaches SQL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def db_value(self, value):
        if value is not None and value not in ISO_4217:
            raise InvalidValue(f"{self.model.__name__}.{self.name}: {value!r} is not an ISO 4217 currency code")
        return super().db_value(value)


def Money(**kwargs) -> DecimalField:
    return DecimalField(max_digits=16, decimal_places=2, auto_round=True, **kwargs)


def ExternalId() -> CharField:
    """An id from the system a record was imported from; unique when set."""
    return CharField(max_length=80, null=True, unique=True)
