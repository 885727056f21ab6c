"""The completion sheets' policy: how long a requester has to answer, whether silence
counts as confirmation, when a longer sheet needs a reason, reminders, receipts' size."""

from flask_babel import lazy_gettext as _l

from ..core import settings

settings.group("sheets", _l("Completion sheets"), lambda user: user.is_admin)

CONFIRM_DAYS = settings.define(
    "sheets.confirm_working_days", 5,
    _l("Working days the requester has to confirm or dispute a sheet"),
    help=_l("Weekends and Belgian public holidays are not counted."), minimum=1, maximum=30)
EXPLICIT_ANSWER = settings.define(
    "sheets.explicit_answer_required", False,
    _l("A sheet needs the requester's explicit answer"),
    help=_l("Off: no answer by the deadline counts as confirmed. On: the sheet waits for "
            "an answer, or for the service to settle it."))
MARGIN_MINUTES = settings.define(
    "sheets.margin_minutes", 30,
    _l("Minutes a sheet may run over the booked time before it needs a reason"),
    minimum=0, maximum=240)
REMINDER_DAYS = settings.define(
    "sheets.reminder_working_days", 2,
    _l("Working days between reminders of a sheet not filed or not answered"),
    minimum=1, maximum=20)
UPLOAD_LIMIT_MB = settings.define(
    "sheets.receipt_limit_mb", 5, _l("Largest receipt (photo or PDF), in MB"),
    minimum=1, maximum=15)

# Reminders stop after this many: the sheet stays on the service's list all the same.
MAX_REMINDERS = 3
# What one assignment can plausibly cost in travel: anything above is a typing error.
MAX_KM = 1000
MAX_WAITING_MINUTES = 8 * 60
MAX_MINUTES = 12 * 60
MAX_EXPENSE = 500

