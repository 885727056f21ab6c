"""The sheets' mails, each in its recipient's language through ``core.mail.send_mail``:
the interpreter asked to file (and reminded), the requester asked to confirm (and
reminded), the dispatchers told of a dispute, and the parties told it is settled.

Subjects say what and when in general terms, never client data; bodies carry no remarks
and no dispute reasons (those stay on the sheet's page, for those who may see it)."""

from flask_babel import lazy_gettext as _l

from ..auth.models import recipient_of_user
from ..bookings.links import booking_token
from ..bookings.wording import request_summary
from ..core import settings
from ..core.i18n import current_language, format_day
from ..core.mail import send_mail
from ..core.urls import external_url
from . import settings as sheet_settings

SUBJECTS = {
    "sheet_requested": _l("Completion sheet to file: %(what)s on %(day)s"),
    "sheet_requested_again": _l("Reminder: completion sheet to file: %(what)s on %(day)s"),
    "sheet_to_confirm": _l("Completion sheet to confirm: %(what)s on %(day)s"),
    "sheet_to_confirm_again": _l("Reminder: completion sheet to confirm: %(what)s on %(day)s"),
    "sheet_disputed": _l("Completion sheet disputed: %(what)s on %(day)s"),
    "sheet_settled": _l("Completion sheet settled: %(what)s on %(day)s"),
}


def _subject(key: str, request):
    return lambda: str(SUBJECTS[key]) % {"what": request_summary(request, current_language()),
                                         "day": format_day(request.day)}


def _wants(account) -> bool:
    return account is None or account.mail_bookings


def interpreter_link(sheet) -> str:
    """Where the interpreter files or reads the sheet: the portal, or (without an account)
    their booking's signed link."""
    booking = sheet.booking
    if booking.person.active_account is None:
        return external_url("sheets.by_link", token=booking_token(booking))
    if sheet.is_awaited:
        return external_url("sheets.file", booking_id=booking.id)
    return external_url("sheets.show", sheet_id=sheet.id)


def requested(sheet, reminder: bool = False) -> None:
    """The work is over: the interpreter is asked for the sheet (again, as a reminder)."""
    person = sheet.booking.person
    if not _wants(person.active_account):
        return
    key = "sheet_requested_again" if reminder else "sheet_requested"
    send_mail(person.mail_recipient, key, _subject(key, sheet.request),
              "emails/sheet_requested.txt", language=sheet.request.working_language,
              sheet=sheet, request=sheet.request, booking=sheet.booking, reminder=reminder,
              link=interpreter_link(sheet))


def to_confirm(sheet, reminder: bool = False) -> None:
    """The requester is asked to confirm or dispute the filed sheet before its deadline."""
    requester = sheet.request.requester
    if not requester.active or not _wants(requester):
        return
    key = "sheet_to_confirm_again" if reminder else "sheet_to_confirm"
    send_mail(recipient_of_user(requester), key, _subject(key, sheet.request),
              "emails/sheet_to_confirm.txt", sheet=sheet, request=sheet.request,
              reminder=reminder, link=external_url("sheets.show", sheet_id=sheet.id),
              explicit=settings.value(sheet_settings.EXPLICIT_ANSWER.key))


def disputed(sheet) -> None:
    """The service's dispatchers are asked to settle a dispute."""
    service = sheet.service
    if service is None:
        return
    for dispatcher in service.dispatchers:
        if dispatcher.active:
            send_mail(recipient_of_user(dispatcher), "sheet_disputed",
                      _subject("sheet_disputed", sheet.request), "emails/sheet_disputed.txt",
                      sheet=sheet, request=sheet.request,
                      link=external_url("sheets.show", sheet_id=sheet.id))


def settled(sheet, told_requester: bool) -> None:
    """The interpreter learns the sheet is settled (or corrected); the requester too, unless
    it was their own confirmation."""
    request, person = sheet.request, sheet.booking.person
    context = {"sheet": sheet, "request": request, "version": sheet.current}
    if _wants(person.active_account):
        send_mail(person.mail_recipient, "sheet_settled", _subject("sheet_settled", request),
                  "emails/sheet_settled.txt", language=request.working_language,
                  link=interpreter_link(sheet), **context)
    requester = request.requester
    if told_requester and requester.active and _wants(requester):
        send_mail(recipient_of_user(requester), "sheet_settled",
                  _subject("sheet_settled", request), "emails/sheet_settled.txt",
                  link=external_url("sheets.show", sheet_id=sheet.id), **context)
