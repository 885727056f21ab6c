"""The scheduled jobs: plain functions of the time now, calling the same services as the
pages, and safe to run twice or late (each leaves a marker of what it did)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from ..auth.models import Role, User, recipient_of_user
from ..billing.exports import services as exports
from ..billing.invoicing import run as invoicing
from ..bookings import retention, workload
from ..bookings.links import booking_link
from ..bookings.models import Booking, BookingStatus, InterpretingRequest, RequestStatus
from ..bookings.services import booking as booking_service
from ..bookings.services import deadlines
from ..bookings.services.revisions import awaiting_revision
from ..bookings.wording import request_summary
from ..collaboration import documents
from ..collaboration import settings as document_settings
from ..collaboration.models import Message
from ..core import audit, settings, uploads
from ..core.i18n import current_language, format_day, format_moment
from ..core.mail import send_mail
from ..core.outbox import OutboxMessage
from ..core.time import to_brussels, today_in_brussels
from ..extensions import db
from ..quality.models import Complaint, Rating
from ..register.models import Certificate, CertificateStatus
from ..register.services.credentials import mark_expired
from ..sheets.services import followup as sheet_followup
from ..sheets.services import retention as sheet_retention
from . import settings as job_settings
from .models import CertificateWarning
from .report import Report


def _staff() -> list[User]:
    return db.session.scalars(select(User).where(User.role == Role.REGISTER_STAFF,
                                                 User.active.is_(True))).all()


# --- 1. booking reminders -----------------------------------------------------------------

def send_reminders(now, report: Report) -> None:
    """A reminder to the interpreter and the requester a setting's time before the start,
    once per start time: a moved booking gets a new one, a cancelled one none."""
    hours = settings.value(job_settings.REMINDER_HOURS.key)
    due = db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.CONFIRMED, Booking.starts_at > now,
        Booking.starts_at <= now + timedelta(hours=hours),
        or_(Booking.reminded_for.is_(None), Booking.reminded_for != Booking.starts_at)))

    def remind(booking: Booking):
        request = booking.request
        account = booking.person.active_account
        if account is None or account.mail_reminders:
            _remind(booking.person.mail_recipient, booking, for_person=True)
        user = request.requester
        if user.active and user.mail_reminders:
            _remind(recipient_of_user(user), booking, for_person=False)
        booking.reminded_for = booking.starts_at
    report.each("booking", due.all(), remind, "reminded")


def _remind(recipient, booking: Booking, for_person: bool) -> None:
    request = booking.request
    has_account = booking.person.active_account is not None
    send_mail(recipient, "reminder", lambda: str(_l("Reminder: %(what)s")) % {
        "what": f"{request_summary(request, current_language())}, "
                f"{format_moment(request.starts_at)}"},
        "emails/reminder.txt", language=request.working_language, request=request,
        booking=booking, for_person=for_person, has_account=has_account,
        link=None if has_account or not for_person else booking_link(booking))


# --- 2. offers: expiry and waves ----------------------------------------------------------

def advance_offers(now, report: Report) -> None:
    """Expire the offers past their time; send the next wave where one is due; flag the
    requests whose waves are exhausted."""
    report.count("expired", booking_service.expire_offers(now))
    waiting = db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.uses_waves.is_(True),
        InterpretingRequest.status == RequestStatus.OFFERED)).all()
    report.each("request", waiting,
                lambda request: bool(booking_service.next_wave(request, now)), "next_wave")


# --- 3. escalation of unfilled requests ---------------------------------------------------

def escalate(now, report: Report) -> None:
    """Flag unbooked requests that start soon and mail their dispatchers, once; at the
    start, record them unfilled with the reason (the shortage evidence)."""
    hours = settings.value(job_settings.ESCALATION_HOURS.key)
    urgent_hours = settings.value(job_settings.URGENT_ESCALATION_HOURS.key)
    soon = [r for r in deadlines.awaiting_requests_due(
                now + timedelta(hours=max(hours, urgent_hours)), escalated=False)
            if now < r.due_at <= now + timedelta(hours=urgent_hours if r.urgent else hours)]
    report.each("request", soon, lambda r: deadlines.escalate(r, now), "flagged")
    report.each("request", deadlines.awaiting_requests_due(now),
                lambda r: deadlines.close_unfilled(r, now), "unfilled")


# --- 4. certificate expiry ----------------------------------------------------------------

def watch_certificates(now, report: Report) -> None:
    """Warn the person and register staff 90 and 30 days before a certificate ends; the day
    after, mark it expired in the audit trail. Suspended or revoked ones are left alone."""
    today = today_in_brussels()
    horizon = today + timedelta(days=max(job_settings.CERTIFICATE_WARNING_DAYS))
    ending = db.session.scalars(select(Certificate).where(
        Certificate.valid_until >= today, Certificate.valid_until <= horizon)).all()
    sent = {(w.certificate_id, w.days_before) for w in db.session.scalars(
        select(CertificateWarning).where(
            CertificateWarning.certificate_id.in_([c.id for c in ending])))}
    warned: list[tuple[Certificate, int]] = []

    def warn(certificate: Certificate):
        if certificate.status_on(today) != CertificateStatus.VALID:
            return False
        lead = min((d for d in job_settings.CERTIFICATE_WARNING_DAYS
                    if certificate.valid_until - timedelta(days=d) <= today), default=None)
        if lead is None or (certificate.id, lead) in sent:
            return False
        for days in job_settings.CERTIFICATE_WARNING_DAYS:
            if days >= lead and (certificate.id, days) not in sent:
                db.session.add(CertificateWarning(certificate_id=certificate.id,
                                                  days_before=days))
        send_mail(certificate.qualification.person.mail_recipient, "certificate_warning",
                  lambda: str(_l("Your certificate %(number)s ends on %(day)s")) % {
                      "number": certificate.number,
                      "day": format_day(certificate.valid_until)},
                  "emails/certificate_warning.txt", certificate=certificate, for_staff=False)
        warned.append((certificate, lead))
    report.each("certificate", ending, warn, "warned")
    if warned:
        for member in _staff():
            send_mail(recipient_of_user(member), "certificate_digest",
                      _l("Certificates ending soon"), "emails/certificate_digest.txt",
                      warned=warned)
    expired = db.session.scalars(select(Certificate).where(
        Certificate.valid_until < today, Certificate.valid_until >= today - timedelta(days=400)))
    report.each("certificate", expired.all(),
                lambda c: mark_expired(c, today) is not None, "marked_expired")


# --- 5. completion sheets -----------------------------------------------------------------

def follow_sheets(now, report: Report) -> None:
    """At the end of the work nothing changes status: the interpreter is asked for the
    completion sheet. Sheets not filed or not answered are reminded of; past the deadline,
    a sheet nobody answered counts as confirmed (unless the policy wants an answer), and
    only a settled sheet completes its booking."""
    report.each("booking", sheet_followup.ended_without_sheet(now),
                lambda booking: sheet_followup.ask(booking, now), "asked")
    report.each("sheet", sheet_followup.due_reminders(now),
                lambda sheet: sheet_followup.remind(sheet, now), "reminded")
    report.each("sheet", sheet_followup.past_deadline(now),
                lambda sheet: sheet_followup.deem_confirmed(sheet, now), "deemed_confirmed")


# --- 6. data retention --------------------------------------------------------------------

def erase_old_client_data(now, report: Report) -> None:
    """Erase the free text about clients (``bookings.retention.CLIENT_FIELDS``: case
    references, notes, addresses, numbers to call, video links, reasons) of requests older
    than the setting, the mails of that age, the words of completion sheets (remarks,
    reasons) and their receipts, messages, rating comments and decided complaints' texts;
    documents after their own setting's days, month exports after theirs. The figures
    (language, dates, durations, kilometres, amounts, outcome) stay for the reports and
    billing. Upload files whose
    transaction never committed are swept. The audit trail gets the counts, never the
    content."""
    months = settings.value(job_settings.RETENTION_MONTHS.key)
    before = now - relativedelta(months=months)
    report.each("request", retention.requests_to_erase(before), retention.erase_client_data,
                "erased")
    # Mails repeat the details they were about; once delivered (or given up) and old, gone.
    mails = db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.created_at < before,
        or_(OutboxMessage.sent_at.is_not(None), OutboxMessage.failed_at.is_not(None))))
    if mails.rowcount:
        report.count("mails_erased", mails.rowcount)
    # What people wrote about a request or an assignment may speak of the client too: the
    # messages, the comments of ratings, the texts of decided complaints, the remarks and
    # reasons of completion sheets and their receipts.
    messages = db.session.scalars(select(Message).where(
        Message.created_at < before, Message.body.is_not(None))).all()
    report.each("message", messages, lambda m: m.erase(now), "messages_erased")
    comments = db.session.scalars(select(Rating).where(
        Rating.created_at < before, Rating.comment.is_not(None))).all()
    report.each("rating", comments, lambda r: setattr(r, "comment", None), "comments_erased")
    complaints = db.session.scalars(select(Complaint).where(
        Complaint.decided_at < before, Complaint.text.is_not(None))).all()
    report.each("complaint", complaints, lambda c: setattr(c, "text", None),
                "complaints_erased")
    report.each("sheet", sheet_retention.sheets_with_words(before),
                sheet_retention.erase_words, "sheets_erased")
    # Documents (sources, translations, briefings) go sooner: their own setting, in days.
    days = settings.value(document_settings.DOCUMENT_RETENTION_DAYS.key)
    report.each("document", documents.added_before(now - timedelta(days=days)),
                lambda d: documents.erase(d, now), "documents_erased")
    # A month's export repeats the statements and invoices: gone after a few days (the
    # row stays listed on the month's page, saying when its file was erased).
    days = settings.value(job_settings.EXPORT_RETENTION_DAYS.key)
    report.each("export", exports.ready_before(now - timedelta(days=days)),
                lambda e: exports.erase(e, now), "exports_erased")
    for what, n in (("receipts_erased", sheet_retention.erase_receipts(before)),
                    ("orphan_files", uploads.sweep_orphans(now))):
        if n:
            report.count(what, n)
    erased = {name: report.counts[key] for name, key in (
        ("requests", "erased"), ("messages", "messages_erased"),
        ("rating_comments", "comments_erased"), ("complaint_texts", "complaints_erased"),
        ("sheets", "sheets_erased"), ("receipts", "receipts_erased"),
        ("documents", "documents_erased"), ("exports", "exports_erased"),
        ("mails", "mails_erased"))}
    if any(erased.values()):
        audit.record_event(None, "retention", to_brussels(now).date().isoformat(), "erased",
                           {**{key: [0, n] for key, n in erased.items() if n},
                            "older_than_months": [None, months]})


# --- 7. revision follow-up ----------------------------------------------------------------

def chase_revisions(now, report: Report) -> None:
    """Delivered translations that have waited too long for a revision are listed to
    register staff, again every as many days as long as they wait."""
    days = settings.value(job_settings.REVISION_FOLLOWUP_DAYS.key)
    today = today_in_brussels()
    waiting = [b for b in awaiting_revision()
               if b.delivered_on <= today - timedelta(days=days)
               and (b.revision_chased_at is None
                    or b.revision_chased_at <= now - timedelta(days=days))]

    def chase(booking: Booking):
        booking.revision_chased_at = now
    report.each("booking", waiting, chase, "listed")
    if report.counts["listed"]:
        for member in _staff():
            send_mail(recipient_of_user(member), "revision_followup",
                      _l("Translations waiting for a revision"), "emails/revision_followup.txt",
                      waiting=waiting)


# --- 8. recent workload --------------------------------------------------------------------

def recount_workload(now, report: Report) -> None:
    """Count again the recent workload of the people whose kept count time has made stale
    (bookings/workload.py); matching counts afresh for them until then, so this only keeps
    matching on its fast path."""
    recounted = workload.recount_stale(now)
    if recounted:
        report.count("recounted", recounted)


# --- 9. the monthly invoices ---------------------------------------------------------------

def bill_previous_month(now, report: Report) -> None:
    """On the first of the month, each service's invoices of the month before, through the
    dispatchers' own run (billing.invoicing.run): a second run bills nothing twice, and a
    service without its billing data or tariff is counted, not stopped at."""
    period = invoicing.previous_month(to_brussels(now).date())
    today = to_brussels(now).date()

    def bill(service):
        if invoicing.seller_problem(service):
            report.count("services_not_ready")
            return False
        plan = invoicing.bill_month(None, service, period, today=today)
        counts = invoicing.monthly_counts(plan)
        for key, n in counts.items():
            if n:
                report.count(key, n)
        return bool(counts.get("invoices_issued"))  # counted as billed when it issued one
    report.each("service", invoicing.services_to_bill(), bill, "services_billed")
