"""Policy settings: declared in code with a default, changed by staff, kept in the database.

Each area declares its settings with ``define``; ``value(key)`` reads the current value
(the stored one, else the default); ``change`` stores a new one, audited.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from blinker import Namespace
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import audit
from .database import UTCDateTime
from .rules import RuleError
from .time import utcnow


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: object
    label: object
    help: object = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple = field(default=())

    def check(self, value):
        """The value made of the right type, or a RuleError saying what is wrong."""
        from flask_babel import lazy_gettext as _l
        if isinstance(self.default, bool):
            return bool(value)
        if isinstance(self.default, int):
            try:
                number = int(value)
            except (TypeError, ValueError) as error:
                raise RuleError(_l("Enter a whole number."), self.key) from error
            if (self.minimum is not None and number < self.minimum) or (
                    self.maximum is not None and number > self.maximum):
                raise RuleError(_l("Enter a number from %(low)d to %(high)d.",
                                   low=self.minimum, high=self.maximum), self.key)
            return number
        if self.choices and value not in dict(self.choices):
            raise RuleError(_l("Choose one of the options."), self.key)
        return value


SPECS: dict[str, SettingSpec] = {}

# Sent in the transaction of a change, after the flush (sender: the key), for what an area
# keeps that follows a setting (the register's tiers follow its revision policy).
setting_changed = Namespace().signal("setting-changed")


@dataclass(frozen=True)
class SettingGroup:
    """The settings of one area (keys starting with ``name.``), its page's title, and who
    may change them (a function of the user, so that core names no role)."""

    name: str
    title: object
    may_change: object
    intro: object = None    # what these settings decide, above the form


GROUPS: dict[str, SettingGroup] = {}


def define(key: str, default, label, **options) -> SettingSpec:
    spec = SettingSpec(key, default, label, **options)
    SPECS[key] = spec
    return spec


def group(name: str, title, may_change, intro=None) -> SettingGroup:
    """Declare an area's settings page: ``may_change(user)`` says who keeps them, ``intro``
    what they decide."""
    declared = SettingGroup(name, title, may_change, intro)
    GROUPS[name] = declared
    return declared


def specs_of(name: str) -> list[SettingSpec]:
    return [spec for key, spec in SPECS.items() if key.startswith(f"{name}.")]


class Setting(audit.Audited, db.Model):
    __tablename__ = "settings"
    __audit_entity__ = "setting"
    __audit_fields__ = ("value",)

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value_json: Mapped[str] = mapped_column("value", Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def audit_key(self):
        return "setting", self.key

    @property
    def value(self):
        return json.loads(self.value_json)


def value(key: str):
    stored = db.session.get(Setting, key)
    return stored.value if stored is not None else SPECS[key].default


def values(prefix: str, executor=None) -> dict:
    """Every setting whose key starts with ``prefix``, in one query (on ``executor``, a
    session or a connection: the application's session unless given)."""
    stored = {key: json.loads(text) for key, text in (executor or db.session).execute(
        _values_statement(prefix))}
    return {k: stored.get(k, spec.default) for k, spec in SPECS.items() if k.startswith(prefix)}


@lru_cache(maxsize=32)
def _values_statement(prefix: str):
    # Built once per prefix: matching reads its policy on every ranking.
    return select(Setting.key, Setting.value_json).where(Setting.key.startswith(prefix))


def change(acting, key: str, new_value) -> None:
    """Store a setting's new value (checked against its declaration), audited."""
    checked = SPECS[key].check(new_value)
    if checked == value(key):
        return
    stored = db.session.get(Setting, key)
    if stored is None:
        stored = Setting(key=key, value_json=json.dumps(SPECS[key].default))
        db.session.add(stored)
    before = stored.audit_snapshot()
    stored.value_json = json.dumps(checked)
    stored.updated_by_id = getattr(acting, "id", None)
    audit.changed(acting, stored, before)
    db.session.flush()
    setting_changed.send(key)


def change_many(acting, new_values: dict) -> None:
    """Store several settings at once (a settings page); refuses all if one is wrong."""
    for key, new_value in new_values.items():
        change(acting, key, new_value)
