"""What the jobs page calls each job and each of its counts, in the reader's language.

Job ids and count keys stay English in the database and the logs; a test holds every id
of ``runner.JOBS`` and every key a task counts to a label here.
"""

from flask_babel import lazy_gettext as _l

JOB_LABELS = {
    "reminders": _l("Reminders before bookings"),
    "offers": _l("Offers: expiry and next waves"),
    "escalation": _l("Unbooked requests: flags and closing"),
    "completion": _l("Bookings that took place"),
    "certificates": _l("Certificates ending and expired"),
    "retention": _l("Erasing old client data"),
    "revisions": _l("Revisions waiting"),
    "workload": _l("Workload counts for matching"),
    "invoices": _l("Monthly invoices"),
}

COUNT_LABELS = {
    "reminded": _l("reminders sent"),
    "expired": _l("offers expired"),
    "next_wave": _l("next waves sent"),
    "flagged": _l("requests flagged"),
    "unfilled": _l("requests closed unfilled"),
    "completed": _l("bookings completed"),
    "warned": _l("warnings sent"),
    "marked_expired": _l("certificates marked expired"),
    "erased": _l("requests' client data erased"),
    "messages_erased": _l("messages erased"),
    "comments_erased": _l("rating comments erased"),
    "complaints_erased": _l("complaint texts erased"),
    "documents_erased": _l("documents erased"),
    "exports_erased": _l("month exports erased"),
    "mails_erased": _l("old mails erased"),
    "recounted": _l("workload counts brought up to date"),
    "sheets_erased": _l("completion sheets' remarks and reasons erased"),
    "receipts_erased": _l("receipts erased"),
    "orphan_files": _l("stray files removed"),
    "asked": _l("interpreters asked for their completion sheet"),
    "deemed_confirmed": _l("sheets confirmed by silence"),
    "listed": _l("translations listed for staff"),
    "services_billed": _l("services that issued invoices"),
    "invoices_issued": _l("invoices issued"),
    "sheets_not_billed": _l("settled sheets not billed (see the invoices page)"),
    "services_not_ready": _l("services without their billing data"),
    "failed": _l("failed"),
}


def job_label(job_id: str) -> str:
    return str(JOB_LABELS.get(job_id, job_id))


def count_label(key: str) -> str:
    return str(COUNT_LABELS.get(key, key))
