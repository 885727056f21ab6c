"""Reasons in words: why a person ranks where they do, or why they were left out."""

from flask_babel import format_time, ngettext
from flask_babel import gettext as _

from ...core.i18n import current_language, format_day
from ...register.models import Tier
from .rules import Exclusion
from .scoring import Reason

_CERTIFICATE_NOTES = {
    "expired": lambda day: _("certificate expired on %(date)s", date=format_day(day)),
    "suspended": lambda day: _("certificate suspended since %(date)s", date=format_day(day)),
    "revoked": lambda day: _("certificate revoked on %(date)s", date=format_day(day)),
}


def _slot_times(params) -> str:
    return f"{format_time(params['starts_at'], 'short')}–{format_time(params['ends_at'], 'short')}"


def exclusion_text(exclusion: Exclusion) -> str:
    code, params = exclusion.code, exclusion.params
    if code == "inactive":
        return _("Not active in the register")
    if code == "other_pair":
        pairs = ", ".join(f"{q.kind.label} {q.pair_label(current_language())}"
                          for q in params["pairs"])
        return _("Does not hold this pair; holds: %(pairs)s", pairs=pairs or "—")
    if code == "modality":
        return _("Does not work this way: %(modality)s", modality=params["modality"].label)
    if code == "region":
        return _("Does not serve %(province)s", province=params["province"].label
                 if params["province"] else "—")
    if code == "certificate_suspended":
        return _("Certificate for this pair suspended since %(date)s",
                 date=format_day(params["since"]))
    if code == "certificate_revoked":
        return _("Certificate for this pair revoked on %(date)s",
                 date=format_day(params["since"]))
    if code == "barred":
        return _("Barred by this organisation")
    if code == "declined":
        return _("Declined this request")
    if code == "leave":
        if params.get("from") or params.get("until"):
            return _("On leave from %(first)s %(start)s to %(last)s %(end)s",
                     first=format_day(params["first"]), last=format_day(params["last"]),
                     start=format_time(params["from"], "short") if params["from"] else "",
                     end=format_time(params["until"], "short") if params["until"] else "")
        return _("On leave from %(first)s to %(last)s", first=format_day(params["first"]),
                 last=format_day(params["last"]))
    if code == "unavailable":
        if not params["recorded"]:
            return _("No availability recorded for that day")
        return _("Not available at that time (weekly availability)")
    if code == "booked":
        where = params.get("municipality") or ""
        if params["travel"]:
            return ngettext("Already booked %(times)s at another place (%(where)s); needs "
                            "%(num)d minute to travel",
                            "Already booked %(times)s at another place (%(where)s); needs "
                            "%(num)d minutes to travel", params["minutes"],
                            times=_slot_times(params), where=where)
        return _("Already booked %(times)s", times=_slot_times(params))
    if code == "lower_tier":
        text = _("%(tier)s: offered only when no certified or reliable person is available",
                 tier=Tier(params["tier"]).label)
        note = params.get("note")
        return f"{text} ({_CERTIFICATE_NOTES[note[0]](note[1])})" if note else text
    return code


def reason_text(reason: Reason) -> str:
    code, params = reason.code, reason.params
    texts = {
        "tier": lambda: str(params["tier"].label),
        "continuity": lambda: _("Interpreted in this case before"),
        "same_postcode": lambda: _("Lives in the same municipality"),
        "same_province": lambda: _("Lives in the same province"),
        "serves_region": lambda: _("Serves the region"),
        "specialised": lambda: _("Specialised in %(domain)s", domain=params["domain"].label),
        "gender_met": lambda: _("Gender as asked"),
        "gender_not_met": lambda: _("Not the gender asked"),
        "workload": lambda: ngettext("%(num)d booking recently", "%(num)d bookings recently",
                                     params["count"]),
        "certificate_expired": lambda: _("certificate ended on %(date)s",
                                         date=format_day(params["since"])),
    }
    return texts[code]() if code in texts else code
