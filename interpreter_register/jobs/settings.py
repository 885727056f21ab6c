"""When the jobs act: reminder and escalation lead times, retention, revision follow-up."""

from flask_babel import lazy_gettext as _l

from ..core import settings

settings.group("jobs", _l("Reminders and retention"), lambda user: user.is_admin, _l(
    "These settings decide when reminders and escalations go out, how long client data is "
    "kept before it is erased, and when staff are reminded of revisions waiting."))

REMINDER_HOURS = settings.define("jobs.reminder_hours", 24,
                                 _l("Hours before a booking that its reminder goes out"),
                                 minimum=1, maximum=168)
ESCALATION_HOURS = settings.define(
    "jobs.escalation_hours", 48,
    _l("Hours before its start that an unbooked request is flagged to its dispatchers"),
    minimum=1, maximum=336)
URGENT_ESCALATION_HOURS = settings.define(
    "jobs.urgent_escalation_hours", 4,
    _l("The same, for an urgent request (hours)"), minimum=1, maximum=336)
RETENTION_MONTHS = settings.define(
    "jobs.retention_months", 24,
    _l("Months after which what is said about clients (case references, notes, addresses, "
       "numbers, links, reasons), messages, complaint texts and the mails are erased"),
    minimum=1, maximum=120)
EXPORT_RETENTION_DAYS = settings.define(
    "jobs.export_retention_days", 14,
    _l("Days after it was made that a month's export (a zip of statements or invoices) is "
       "erased"), minimum=1, maximum=365)
REVISION_FOLLOWUP_DAYS = settings.define(
    "jobs.revision_followup_days", 14,
    _l("Days a delivered translation may wait for its revision before staff are reminded"),
    minimum=1, maximum=365)

CERTIFICATE_WARNING_DAYS = (90, 30)
