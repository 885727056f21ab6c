"""The scheduled jobs: plain functions of the time now, calling the same services as the
pages, and safe to run twice or late (each leaves a marker of what it did)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..auth.models import Role, User
from ..bookings.models import (
    Booking,
    BookingStatus,
    FlagReason,
    InterpretingRequest,
    OfferStatus,
    RequestStatus,
    UnfilledReason,
)
from ..bookings.notify import recipient_of
from ..bookings.services import booking as booking_service
from ..bookings.services.requests import record
from ..core import audit, settings
from ..core.i18n import locale_for
from ..core.outbox import queue_mail
from ..core.time import to_brussels, today_in_brussels
from ..extensions import db
from ..matching.engine import match
from ..register.models import Certificate, CertificateStatus
from ..register.services.credentials import mark_expired
from . import settings as job_settings
from .models import CertificateWarning
from .report import Report


def _mail(user_or_address, language, kind: str, subject, template: str, **context) -> None:
    """A job's mail, rendered in the recipient's language."""
    address = getattr(user_or_address, "email", user_or_address)
    if not address:
        return
    with force_locale(locale_for(language)):
        queue_mail(address, str(subject) % context.get("subject_values", {}),
                   render_template(template, **context), kind=kind)


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
        address, language, account = recipient_of(booking.person)
        if account is None or account.mail_reminders:
            _mail(address, language or request.working_language, "reminder",
                  _l("Reminder: %(what)s"), "emails/reminder.txt", request=request,
                  booking=booking, for_person=True,
                  subject_values={"what": _what(request, language)})
        user = request.requester
        if user.active and user.mail_reminders:
            _mail(user, user.locale, "reminder", _l("Reminder: %(what)s"),
                  "emails/reminder.txt", request=request, booking=booking, for_person=False,
                  subject_values={"what": _what(request, user.locale)})
        booking.reminded_for = booking.starts_at
    report.each("booking", due.all(), remind, "reminded")


def _what(request, language) -> str:
    from flask_babel import format_datetime
    ui = language or request.working_language
    with force_locale(locale_for(ui)):
        return (f"{request.kind.label} {request.language.name(ui)}, "
                f"{format_datetime(request.starts_at, 'short')}")


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
    open_ = InterpretingRequest.status.in_((RequestStatus.SUBMITTED, RequestStatus.OFFERED))
    soon = db.session.scalars(select(InterpretingRequest).where(
        open_, InterpretingRequest.escalated_at.is_(None), InterpretingRequest.due_at > now,
        InterpretingRequest.due_at <= now + timedelta(hours=max(hours, urgent_hours)))).all()
    soon = [r for r in soon if r.due_at <= now + timedelta(
        hours=urgent_hours if r.urgent else hours)]
    report.each("request", soon, lambda r: _escalate(r, now), "flagged")
    started = db.session.scalars(select(InterpretingRequest).where(
        open_, InterpretingRequest.due_at <= now)).all()
    report.each("request", started, lambda r: _unfilled(r, now), "unfilled")


def _escalate(request: InterpretingRequest, now) -> None:
    request.escalated_at = now
    if request.flag is None:
        request.flag = FlagReason.STARTS_SOON
    record(request, None, "escalated")
    if request.service is None:
        return
    for dispatcher in request.service.dispatchers:
        if dispatcher.active:
            _mail(dispatcher, dispatcher.locale, "escalation",
                  _l("Not booked yet, starts soon: request %(number)s"),
                  "emails/escalation.txt", request=request,
                  subject_values={"number": request.number})


def _unfilled(request: InterpretingRequest, now) -> None:
    if request.status == RequestStatus.SUBMITTED and not request.offers and match(
            request).nobody_holds:
        reason = UnfilledReason.NO_HOLDER
    elif any(o.status in (OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.OPEN)
             for o in request.offers):
        reason = UnfilledReason.NO_ONE_ACCEPTED
    else:
        reason = UnfilledReason.NO_ONE_AVAILABLE
    for offer in request.offers:
        if offer.status == OfferStatus.OPEN:
            offer.close(OfferStatus.EXPIRED, now)
    request.move_to(RequestStatus.UNFILLED)
    request.unfilled_reason, request.flag = reason, None
    record(request, None, "unfilled", reason=reason.value)


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
        address, language, _account = recipient_of(certificate.qualification.person)
        _mail(address, language, "certificate_warning",
              _l("Your certificate %(number)s ends on %(day)s"),
              "emails/certificate_warning.txt", certificate=certificate, for_staff=False,
              subject_values={"number": certificate.number, "day": _day(certificate, language)})
        warned.append((certificate, lead))
    report.each("certificate", ending, warn, "warned")
    if warned:
        for member in _staff():
            _mail(member, member.locale, "certificate_digest",
                  _l("Certificates ending soon"), "emails/certificate_digest.txt",
                  warned=warned)
    expired = db.session.scalars(select(Certificate).where(
        Certificate.valid_until < today, Certificate.valid_until >= today - timedelta(days=400)))
    report.each("certificate", expired.all(),
                lambda c: mark_expired(c, today) is not None, "marked_expired")


def _day(certificate, language) -> str:
    from flask_babel import format_date
    with force_locale(locale_for(language)):
        return format_date(certificate.valid_until)


# --- 5. completion ------------------------------------------------------------------------

def complete(now, report: Report) -> None:
    """Bookings whose end is past become completed, and so do their requests."""
    today = today_in_brussels()
    done = db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.CONFIRMED,
        or_(Booking.ends_at <= now, Booking.deadline_on < today))).all()

    def finish(booking: Booking):
        booking.status = BookingStatus.COMPLETED
        if booking.request.status == RequestStatus.BOOKED:
            booking.request.move_to(RequestStatus.COMPLETED)
            record(booking.request, None, "completed")
    report.each("booking", done, finish, "completed")


# --- 6. data retention --------------------------------------------------------------------

def erase_old_client_data(now, report: Report) -> None:
    """Erase case references and notes of requests older than the setting; the figures
    (language, dates, durations, outcome) stay for the reports. The audit trail gets the
    count, never the content."""
    months = settings.value(job_settings.RETENTION_MONTHS.key)
    before = now - relativedelta(months=months)
    old = db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.due_at < before,
        or_(InterpretingRequest.case_reference.is_not(None),
            InterpretingRequest.notes.is_not(None)))).all()

    def erase(request: InterpretingRequest):
        request.case_reference = request.notes = None
    report.each("request", old, erase, "erased")
    if report.counts["erased"]:
        audit.record_event(None, "retention", to_brussels(now).date().isoformat(), "erased",
                           {"requests": [0, report.counts["erased"]],
                            "older_than_months": [None, months]})


# --- 7. revision follow-up ----------------------------------------------------------------

def chase_revisions(now, report: Report) -> None:
    """Delivered translations that have waited too long for a revision are listed to
    register staff, again every as many days as long as they wait."""
    days = settings.value(job_settings.REVISION_FOLLOWUP_DAYS.key)
    today = today_in_brussels()
    waiting = [b for b in booking_service.awaiting_revision()
               if b.delivered_on <= today - timedelta(days=days)
               and (b.revision_chased_at is None
                    or b.revision_chased_at <= now - timedelta(days=days))]

    def chase(booking: Booking):
        booking.revision_chased_at = now
    report.each("booking", waiting, chase, "listed")
    if report.counts["listed"]:
        for member in _staff():
            _mail(member, member.locale, "revision_followup",
                  _l("Translations waiting for a revision"), "emails/revision_followup.txt",
                  waiting=waiting)
