"""Every route, with a user of every role (and of another organisation): answer or refuse.

The table below is the access policy. A route that is not in it fails the test, so a
new view cannot be added without deciding who may open it.
"""

import pytest

OK, LOGIN, FORBIDDEN, MISSING, BAD = "ok", "login", "403", "404", "400"
UNAUTHORISED = "401"
ROLES = ("anonymous", "admin", "register_staff", "dispatcher", "requester", "contact_person",
         "other_contact_person", "interpreter", "other_interpreter")


def everyone(outcome=OK):
    return dict.fromkeys(ROLES, outcome)


def logged_in():
    return {**everyone(), "anonymous": LOGIN}


def only(*roles):
    return {role: OK if role in roles else FORBIDDEN for role in ROLES} | {"anonymous": LOGIN}


ADMIN = only("admin")
REGISTER = only("admin", "register_staff")
REQUESTERS = only("requester", "contact_person", "other_contact_person")
INTERPRETERS = only("interpreter", "other_interpreter")
CALENDAR_USERS = only("interpreter", "other_interpreter", "requester", "contact_person",
                      "other_contact_person", "dispatcher")
SHEET_PARTIES = only("dispatcher", "requester", "contact_person", "interpreter") | {
    "other_contact_person": MISSING, "other_interpreter": MISSING}
REPORT_READERS = only("admin", "register_staff", "dispatcher", "requester", "contact_person",
                      "other_contact_person")
PRICE_KEEPERS = only("admin", "dispatcher")
STATEMENT_READERS = only("dispatcher", "interpreter") | {"other_interpreter": MISSING}

ACCESS = {
    ("home.index", "GET"): everyone(),
    ("auth.switch_language", "POST"): everyone(),
    ("core.health", "GET"): everyone(),
    ("core.favicon", "GET"): everyone(),
    ("core.manifest", "GET"): everyone(),
    # The URL names the register's policy (see the test below for the matching policy).
    ("core.policy_settings", "GET"): REGISTER,
    ("core.policy_settings", "POST"): REGISTER,
    ("auth.login", "GET"): everyone(),
    ("auth.login", "POST"): everyone(),
    # Logging out ends on the login page, for everyone.
    ("auth.logout", "POST"): everyone(LOGIN),
    ("auth.forgot_password", "GET"): everyone(),
    ("auth.forgot_password", "POST"): everyone(),
    # An unusable token answers with an explanation, whoever asks.
    ("auth.reset_password", "GET"): everyone(BAD),
    ("auth.reset_password", "POST"): everyone(BAD),
    ("auth.accept_invitation", "GET"): everyone(BAD),
    ("auth.accept_invitation", "POST"): everyone(BAD),
    ("auth.account", "GET"): logged_in(),
    ("auth.account", "POST"): logged_in(),
    ("auth.change_password", "GET"): logged_in(),
    ("auth.change_password", "POST"): logged_in(),
    # The code step answers only in the browser whose password was right a moment ago;
    # anyone else is sent to the password first.
    ("auth.login_code", "GET"): everyone(LOGIN),
    ("auth.login_code", "POST"): everyone(LOGIN),
    # Everyone's own two-step sign-in (a wrong or missing code changes nothing).
    ("auth.two_factor_status", "GET"): logged_in(),
    ("auth.two_factor_setup", "GET"): logged_in(),
    ("auth.two_factor_setup", "POST"): logged_in(),
    ("auth.two_factor_new_codes", "POST"): logged_in(),
    ("auth.two_factor_off", "POST"): logged_in(),
    ("users.index", "GET"): ADMIN,
    ("users.create", "GET"): ADMIN,
    ("users.create", "POST"): ADMIN,
    ("users.edit", "GET"): ADMIN,
    ("users.edit", "POST"): ADMIN,
    ("users.deactivate", "POST"): ADMIN,
    ("users.reactivate", "POST"): ADMIN,
    ("users.invite", "POST"): ADMIN,
    ("users.reset_two_factor", "POST"): ADMIN,
    # Only the contact person of the colleague's own organisation.
    ("users.colleagues", "GET"): only("contact_person", "other_contact_person")
    | {"requester": FORBIDDEN},
    ("users.invite_colleague", "GET"): only("contact_person", "other_contact_person"),
    ("users.invite_colleague", "POST"): only("contact_person", "other_contact_person"),
    ("users.deactivate_colleague", "POST"): only("contact_person"),
    ("users.reactivate_colleague", "POST"): only("contact_person"),
    ("organisations.organisations", "GET"): ADMIN,
    ("organisations.create_organisation", "GET"): ADMIN,
    ("organisations.create_organisation", "POST"): ADMIN,
    ("organisations.edit_organisation", "GET"): ADMIN,
    ("organisations.edit_organisation", "POST"): ADMIN,
    ("organisations.deactivate_organisation", "POST"): ADMIN,
    ("organisations.reactivate_organisation", "POST"): ADMIN,
    ("organisations.services_index", "GET"): ADMIN,
    ("organisations.create_service", "GET"): ADMIN,
    ("organisations.create_service", "POST"): ADMIN,
    ("organisations.edit_service", "GET"): ADMIN,
    ("organisations.edit_service", "POST"): ADMIN,
    ("organisations.deactivate_service", "POST"): ADMIN,
    ("organisations.reactivate_service", "POST"): ADMIN,
    # The register: staff change it, dispatchers read it, an interpreter reads their own
    # record (the person in the URL is the interpreter's, not the other interpreter's).
    ("register.index", "GET"): only("admin", "register_staff", "dispatcher"),
    ("register.person", "GET"): only("admin", "register_staff", "dispatcher", "interpreter"),
    ("register.me", "GET"): only("interpreter", "other_interpreter"),
    ("register.me", "POST"): only("interpreter", "other_interpreter"),
    ("register.create", "GET"): REGISTER,
    ("register.create", "POST"): REGISTER,
    ("register.edit", "GET"): REGISTER,
    ("register.edit", "POST"): REGISTER,
    ("register.deactivate", "POST"): REGISTER,
    ("register.reactivate", "POST"): REGISTER,
    ("register.add_qualification", "GET"): REGISTER,
    ("register.add_qualification", "POST"): REGISTER,
    ("register.toggle_revisor", "POST"): REGISTER,
    ("register.issue_certificate", "GET"): REGISTER,
    ("register.issue_certificate", "POST"): REGISTER,
    ("register.edit_certificate", "GET"): REGISTER,
    ("register.edit_certificate", "POST"): REGISTER,
    ("register.change_status", "GET"): REGISTER,
    ("register.change_status", "POST"): REGISTER,
    ("register.record_step", "GET"): REGISTER,
    ("register.record_step", "POST"): REGISTER,
    ("register.open_revision", "GET"): REGISTER,
    ("register.open_revision", "POST"): REGISTER,
    ("revisions.record", "GET"): REGISTER,
    ("revisions.record", "POST"): REGISTER,
    ("register.languages", "GET"): REGISTER,
    ("register.add_language", "GET"): REGISTER,
    ("register.add_language", "POST"): REGISTER,
    ("register.edit_language", "GET"): REGISTER,
    ("register.edit_language", "POST"): REGISTER,
    ("register.import_file", "GET"): REGISTER,
    ("register.import_file", "POST"): REGISTER,
    ("register.import_result", "GET"): REGISTER,
    ("register.import_progress", "GET"): REGISTER,
    ("register.export_csv", "GET"): REGISTER,
    ("register.export_xlsx", "GET"): REGISTER,
    # Anyone, without logging in.
    ("public.search", "GET"): everyone(),
    # Requests: requesters of the organisation; another organisation's answers 404.
    ("requests.index", "GET"): REQUESTERS,
    ("requests.create", "GET"): REQUESTERS,
    ("requests.create", "POST"): REQUESTERS,
    ("requests.show", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.cancel", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.cancel", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.edit", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.edit", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.again", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.again", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.series", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.series_cancel", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.series_cancel", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("requests.barred", "GET"): only("contact_person", "other_contact_person"),
    ("requests.barred", "POST"): only("contact_person", "other_contact_person"),
    ("requests.lift_bar", "POST"): only("contact_person", "other_contact_person")
    | {"other_contact_person": MISSING},
    # Dispatch: the dispatchers of the service the request went to.
    ("dispatch.queue", "GET"): only("dispatcher"),
    ("dispatch.search", "GET"): only("dispatcher"),
    ("dispatch.series_panel", "GET"): only("dispatcher"),
    ("dispatch.series_book", "POST"): only("dispatcher"),
    ("dispatch.series_offer", "POST"): only("dispatcher"),
    ("dispatch.show", "GET"): only("dispatcher"),
    ("dispatch.book", "POST"): only("dispatcher"),
    ("dispatch.offers", "POST"): only("dispatcher"),
    ("dispatch.next_wave", "POST"): only("dispatcher"),
    ("dispatch.reassign", "POST"): only("dispatcher"),
    ("dispatch.reschedule", "GET"): only("dispatcher"),
    ("dispatch.reschedule", "POST"): only("dispatcher"),
    ("dispatch.cancel", "GET"): only("dispatcher"),
    ("dispatch.cancel", "POST"): only("dispatcher"),
    # The interpreters' portal: their own offers, bookings and leave only.
    ("portal.index", "GET"): INTERPRETERS,
    ("portal.accept", "POST"): INTERPRETERS | {"other_interpreter": MISSING},
    ("portal.decline", "POST"): INTERPRETERS | {"other_interpreter": MISSING},
    ("portal.booking", "GET"): INTERPRETERS | {"other_interpreter": MISSING},
    ("portal.delivered", "POST"): INTERPRETERS | {"other_interpreter": MISSING},
    ("portal.withdraw", "POST"): INTERPRETERS | {"other_interpreter": MISSING},
    # The dates of a series offered to the interpreter, answered at once.
    ("portal.answer_series_dates", "POST"): INTERPRETERS | {"other_interpreter": MISSING},
    ("portal.availability", "GET"): INTERPRETERS,
    ("portal.availability", "POST"): INTERPRETERS,
    ("portal.add_leave", "POST"): INTERPRETERS,
    ("portal.delete_leave", "POST"): INTERPRETERS | {"other_interpreter": MISSING},
    # Calendars: a booking's .ics for whoever may see it (the person, the requesting
    # organisation, the service); a feed by its secret token, whoever holds it.
    ("calendar.download", "GET"): only("interpreter", "requester", "contact_person",
                                       "dispatcher")
    | {"admin": MISSING, "register_staff": MISSING, "other_contact_person": MISSING,
       "other_interpreter": MISSING},
    ("calendar.feed", "GET"): everyone(),
    ("calendar.page", "GET"): CALENDAR_USERS,
    ("calendar.create", "POST"): CALENDAR_USERS,
    ("calendar.revoke", "POST"): CALENDAR_USERS,
    # The jobs page: who keeps an eye on the scheduled jobs.
    ("jobs.index", "GET"): REGISTER,
    ("jobs.retry_mail", "POST"): REGISTER,
    # Reports: staff see all, dispatchers their service, requesters their organisation.
    ("reports.index", "GET"): REPORT_READERS,
    ("reports.shortage", "GET"): REGISTER,
    ("reports.register", "GET"): REGISTER,
    ("reports.service", "GET"): only("admin", "register_staff", "dispatcher"),
    ("reports.organisations", "GET"): REPORT_READERS,
    # Filled in below as the per-organisation CSV; the other exports are tested in
    # tests/reports.
    ("reports.export", "GET"): REPORT_READERS,
    # A request's thread: its organisation, its service, the interpreter while booked (the
    # world's request is offered, not booked); another organisation's answers 404.
    ("collaboration.post", "POST"): {**everyone(MISSING), "anonymous": LOGIN,
                                     "dispatcher": OK, "requester": OK, "contact_person": OK},
    ("collaboration.post_by_link", "POST"): everyone(),
    # Documents: sent by the same parties (the form answers with what is missing); the
    # world's document is a briefing the contact person added to the booked request, so
    # the booked interpreter downloads it too; its author and the service remove it.
    ("collaboration.add_document", "POST"): {
        **everyone(MISSING), "anonymous": LOGIN, "dispatcher": OK, "requester": OK,
        "contact_person": OK},
    ("collaboration.download", "GET"): {
        **everyone(MISSING), "anonymous": LOGIN, "dispatcher": OK, "requester": OK,
        "contact_person": OK, "interpreter": OK},
    ("collaboration.remove_document", "POST"): {
        **everyone(MISSING), "anonymous": LOGIN, "dispatcher": OK, "contact_person": OK},
    ("collaboration.add_document_by_link", "POST"): everyone(),
    ("collaboration.download_by_link", "GET"): everyone(),
    # Only the person who added it removes it by link: not this one.
    ("collaboration.remove_document_by_link", "POST"): everyone(MISSING),
    # Feedback: the organisation's requesters rate and complain about its assignments.
    ("quality.rating", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("quality.rating", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("quality.complain", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("quality.complain", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("quality.my_feedback", "GET"): INTERPRETERS,
    ("quality.my_feedback", "POST"): INTERPRETERS,
    ("quality.complaints", "GET"): REGISTER,
    ("quality.complaint", "GET"): REGISTER,
    ("quality.complaint", "POST"): REGISTER,
    ("quality.review", "POST"): REGISTER,
    ("quality.renewals_due", "GET"): REGISTER,
    ("quality.open_renewal", "POST"): REGISTER,
    ("quality.renewal", "GET"): REGISTER,
    ("quality.renewal", "POST"): REGISTER,
    ("quality.let_end", "POST"): REGISTER,
    ("quality.add_training", "POST"): REGISTER,
    # The signed links in offer and booking mails work without logging in.
    ("portal.answer_offer", "GET"): everyone(),
    ("portal.answer_offer", "POST"): everyone(),
    ("portal.booking_by_link", "GET"): everyone(),
    ("portal.booking_by_link", "POST"): everyone(),
    # Completion sheets: only the booked interpreter, the requesting organisation and the
    # service see a sheet and its receipts (the sheet below is Fatima's, OCMW Gent's, of
    # TVGent, settled); the requester answers, the dispatcher settles and corrects.
    ("sheets.index", "GET"): only("dispatcher", "requester", "contact_person",
                                  "other_contact_person", "interpreter", "other_interpreter"),
    ("sheets.file", "GET"): only("dispatcher", "interpreter")
    | {"other_interpreter": MISSING},
    ("sheets.file", "POST"): only("dispatcher", "interpreter")
    | {"other_interpreter": MISSING},
    ("sheets.show", "GET"): SHEET_PARTIES,
    ("sheets.sheet_pdf", "GET"): SHEET_PARTIES,
    ("sheets.receipt", "GET"): SHEET_PARTIES,
    ("sheets.confirm", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("sheets.dispute", "GET"): REQUESTERS | {"other_contact_person": MISSING},
    ("sheets.dispute", "POST"): REQUESTERS | {"other_contact_person": MISSING},
    ("sheets.settle", "POST"): only("dispatcher"),
    ("sheets.correct", "GET"): only("dispatcher"),
    ("sheets.correct", "POST"): only("dispatcher"),
    # The same sheet by its booking's signed link, for people without an account.
    # Invoices: the service's dispatchers; a plain requester, another organisation and
    # another service get 404 for an invoice; contact persons read their organisation's.
    ("invoicing.index", "GET"): only("dispatcher"),
    ("invoicing.run_month", "POST"): only("dispatcher"),
    # The month's zip is asked for here and built by the worker (billing/exports); with
    # nothing to export for the month, the dispatcher is told so on the page.
    ("invoicing.ask_export", "POST"): only("dispatcher"),
    ("invoicing.show", "GET"): only("dispatcher", "contact_person") | {
        "requester": MISSING, "other_contact_person": MISSING},
    ("invoicing.invoice_pdf", "GET"): only("dispatcher", "contact_person") | {
        "requester": MISSING, "other_contact_person": MISSING},
    ("invoicing.invoice_xml", "GET"): only("dispatcher", "contact_person") | {
        "requester": MISSING, "other_contact_person": MISSING},
    ("invoicing.credit", "GET"): only("dispatcher"),
    ("invoicing.credit", "POST"): only("dispatcher"),
    ("invoicing.send", "POST"): only("dispatcher"),
    ("invoicing.organisation_billing", "GET"): ADMIN,
    ("invoicing.organisation_billing", "POST"): ADMIN,
    ("invoicing.service_billing", "GET"): ADMIN,
    ("invoicing.service_billing", "POST"): ADMIN,
    ("invoicing.own_billing", "GET"): only("contact_person", "other_contact_person"),
    ("invoicing.own_billing", "POST"): only("contact_person", "other_contact_person"),
    ("invoicing.costs_overview", "GET"): REQUESTERS,
    ("invoicing.give_reference", "POST"): only("contact_person", "other_contact_person"),
    ("sheets.by_link", "GET"): everyone(),
    ("sheets.by_link", "POST"): everyone(),
    ("sheets.pdf_by_link", "GET"): everyone(),
    ("sheets.receipt_by_link", "GET"): everyone(),
    ("portal.answer_series_offer", "GET"): everyone(),
    ("portal.answer_series_offer", "POST"): everyone(),
    # API keys: administrators for any organisation, a contact person for their own; a
    # plain requester is refused, another organisation's contact person gets 404.
    ("api_keys.index", "GET"): only("admin", "contact_person")
    | {"requester": FORBIDDEN, "other_contact_person": MISSING},
    ("api_keys.index", "POST"): only("admin", "contact_person")
    | {"requester": FORBIDDEN, "other_contact_person": MISSING},
    ("api_keys.revoke", "POST"): only("admin", "contact_person")
    | {"requester": FORBIDDEN, "other_contact_person": MISSING},
    # Webhooks: an organisation's for administrators and its contact persons (a plain
    # requester is refused, another organisation's contact person gets 404); a service's
    # for administrators and its dispatchers. The world's subscription is OCMW Gent's.
    ("webhooks.organisation_index", "GET"): only("admin", "contact_person")
    | {"requester": FORBIDDEN, "other_contact_person": MISSING},
    ("webhooks.organisation_index", "POST"): only("admin", "contact_person")
    | {"requester": FORBIDDEN, "other_contact_person": MISSING},
    ("webhooks.service_index", "GET"): only("admin", "dispatcher"),
    ("webhooks.service_index", "POST"): only("admin", "dispatcher"),
    **{(f"webhooks.{name}", method): only("admin", "contact_person")
       | {"requester": FORBIDDEN, "other_contact_person": MISSING, "dispatcher": MISSING}
       for name, method in (("show", "GET"), ("send_test", "POST"), ("rotate", "POST"),
                            ("disable", "POST"), ("enable", "POST"), ("delete", "POST"),
                            ("resend", "POST"), ("resend_failed", "POST"))},
    # A service's keys: administrators and the service's dispatchers (the map has no
    # dispatcher of another service: tests/api/test_service_keys.py answers them 404).
    ("api_keys.service_index", "GET"): only("admin", "dispatcher"),
    ("api_keys.service_index", "POST"): only("admin", "dispatcher"),
    ("api_keys.service_revoke", "POST"): only("admin", "dispatcher"),
    # How to call the API: a public page, like the document it renders.
    ("api_docs.page", "GET"): everyone(),
    # The API's description is public; the API itself answers only to a key, never to a
    # logged-in browser (no session, so no cross-site request can use one): 401 for all.
    # A service's tariffs and pay scales: its dispatchers and administrators keep them
    # (the price list below is a planned tariff of TVGent's); nobody else sees them.
    ("prices.index", "GET"): PRICE_KEEPERS,
    ("prices.of_service", "GET"): PRICE_KEEPERS,
    ("prices.show", "GET"): PRICE_KEEPERS,
    ("prices.create", "GET"): PRICE_KEEPERS,
    ("prices.create", "POST"): PRICE_KEEPERS,
    ("prices.edit", "GET"): PRICE_KEEPERS,
    ("prices.edit", "POST"): PRICE_KEEPERS,
    ("prices.delete", "POST"): PRICE_KEEPERS,
    # Statements: an interpreter reads their own, a service's dispatchers those of its
    # interpreters (the one below is Fatima's with TVGent for March 2026); nobody else.
    ("statements.index", "GET"): only("dispatcher", "interpreter", "other_interpreter"),
    ("statements.show", "GET"): STATEMENT_READERS,
    ("statements.pdf", "GET"): STATEMENT_READERS,
    ("statements.csv", "GET"): STATEMENT_READERS,
    ("statements.export", "GET"): only("dispatcher"),
    ("statements.ask_export", "POST"): only("dispatcher"),
    # A month's zip: the dispatchers of its service (another service's get 404, tested
    # in tests/billing/test_exports.py); the one below is TVGent's statements of March.
    ("exports.download", "GET"): only("dispatcher"),
    ("api-docs.openapi_json", "GET"): everyone(),
    ("api_v1.list_requests", "GET"): everyone(UNAUTHORISED),
    ("api_v1.create", "POST"): everyone(UNAUTHORISED),
    ("api_v1.read", "GET"): everyone(UNAUTHORISED),
    ("api_v1.cancel", "POST"): everyone(UNAUTHORISED),
    ("api_v1.languages", "GET"): everyone(UNAUTHORISED),
    # FHIR R4 (nested in /api/v1): the same keys, so the same 401 for every browser.
    ("api_v1.fhir.create_service_request", "POST"): everyone(UNAUTHORISED),
    ("api_v1.fhir.create_appointment", "POST"): everyone(UNAUTHORISED),
    ("api_v1.fhir.appointment", "GET"): everyone(UNAUTHORISED),
    ("api_v1.fhir.service_request", "GET"): everyone(UNAUTHORISED),
    ("api_v1.fhir.metadata", "GET"): everyone(UNAUTHORISED),
    ("api_v1.fhir.cancel_appointment", "PUT"): everyone(UNAUTHORISED),
    ("api_v1.fhir.search_appointments", "GET"): everyone(UNAUTHORISED),
    ("api_v1.fhir.patch_appointment", "PATCH"): everyone(UNAUTHORISED),
    ("api_v1.fhir.cancel_service_request", "PUT"): everyone(UNAUTHORISED),
    ("api_v1.fhir.patch_service_request", "PATCH"): everyone(UNAUTHORISED),
    ("api_v1.change", "PATCH"): everyone(UNAUTHORISED),
    ("api_v1.create_series", "POST"): everyone(UNAUTHORISED),
    ("api_v1.read_series", "GET"): everyone(UNAUTHORISED),
    ("api_v1.cancel_series", "POST"): everyone(UNAUTHORISED),
    ("api_v1.list_bookings", "GET"): everyone(UNAUTHORISED),
    ("api_v1.read_booking", "GET"): everyone(UNAUTHORISED),
    ("api_v1.list_sheets", "GET"): everyone(UNAUTHORISED),
    ("api_v1.read_sheet", "GET"): everyone(UNAUTHORISED),
    ("api_v1.confirm_sheet", "POST"): everyone(UNAUTHORISED),
    ("api_v1.dispute_sheet", "POST"): everyone(UNAUTHORISED),
    ("api_v1.service_queue", "GET"): everyone(UNAUTHORISED),
    ("api_v1.register_search", "GET"): everyone(UNAUTHORISED),
}

# Files, not pages: served to everyone.
UNGUARDED = {"static", "bootstrap.static"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def offer_token(offer) -> str:
    from interpreter_register.bookings.links import offer_link
    return offer_link(offer).rsplit("/", 1)[1]


def booking_token(booking) -> str:
    from interpreter_register.bookings.links import booking_token
    return booking_token(booking)


def feed_token(world) -> str:
    from interpreter_register.calendar.services import create_feed
    from interpreter_register.extensions import db
    feed = create_feed(world.interpreter)
    db.session.commit()
    return feed.token


def complaint_id(world) -> int:
    """The world's complaint, filed once per world (as the other objects made on demand)."""
    from interpreter_register.quality.feedback import file_complaint
    if not hasattr(world, "complaint"):
        world.complaint = file_complaint(world.contact_person, world.booking, "Late")
    return world.complaint.id


def renewal_id(world) -> int:
    from interpreter_register.extensions import db
    from interpreter_register.quality.models import Renewal
    if not hasattr(world, "renewal"):
        world.renewal = Renewal(certificate_id=world.certificate.id,
                                opened_on=world.booking.request.day)
        db.session.add(world.renewal)
        db.session.commit()
    return world.renewal.id


def document_id(world) -> int:
    import io

    from werkzeug.datastructures import FileStorage

    from interpreter_register.collaboration import documents
    from interpreter_register.extensions import db
    if not hasattr(world, "document"):
        world.document = documents.add(
            world.contact_person, world.booking.request,
            FileStorage(io.BytesIO(b"%PDF-1.4 briefing"), "briefing.pdf"), "briefing")
        db.session.commit()
    return world.document.id


def invoice_id(world) -> int:
    """An invoice of the world's organisation by its service, issued once per world."""
    from datetime import date

    from interpreter_register.billing.invoicing import run
    from interpreter_register.extensions import db
    from tests.billing.conftest import ready_to_bill, settled_sheet, tariff
    if not hasattr(world, "invoice"):
        ready_to_bill(world)
        tariff(world.service, date(2026, 1, 1))
        settled_sheet(world, date(2026, 3, 3))
        world.invoice = run.bill_month(world.dispatcher, world.service, date(2026, 3, 1),
                                       today=date(2026, 4, 1)).invoices[0]
        db.session.commit()
    return world.invoice.id


def export_id(world) -> int:
    """A ready export of the world's service: a small zip in the upload store."""
    import io
    import zipfile
    from datetime import date

    from interpreter_register.billing.exports.models import ExportKind, ExportStage, MonthExport
    from interpreter_register.core import uploads
    from interpreter_register.core.time import utcnow
    from interpreter_register.extensions import db
    if not hasattr(world, "export"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("statements-2026-03.csv", "")
        export = MonthExport(service_id=world.service.id, kind=ExportKind.STATEMENTS,
                             month=date(2026, 3, 1), requested_by_id=world.dispatcher.id,
                             stage=ExportStage.QUEUED)
        db.session.add(export)
        export.start("access-map", utcnow())
        export.finish(uploads.store(world.dispatcher, "exports", buffer.getvalue(), "zip",
                                    export.file_name), 0, utcnow())
        db.session.commit()
        world.export = export
    return world.export.id


def api_key_id(world) -> int:
    from interpreter_register.api.keys import create_key
    from interpreter_register.extensions import db
    if not hasattr(world, "api_key"):
        world.api_key, _key = create_key(world.contact_person, world.organisation,
                                         "Planning", "read", 365)
        db.session.commit()
    return world.api_key.id


def subscription_id(world) -> int:
    from interpreter_register.extensions import db
    from interpreter_register.webhooks.services import subscribe
    if not hasattr(world, "subscription"):
        world.subscription, _secret = subscribe(
            world.contact_person, "https://93.184.215.14/hook", ["booking.confirmed"],
            organisation=world.organisation)
        db.session.commit()
    return world.subscription.id


def delivery_id(world) -> int:
    """A failed delivery of the world's subscription (to send again)."""
    from interpreter_register.core.time import utcnow
    from interpreter_register.extensions import db
    from interpreter_register.webhooks.events import queue_test_event
    if not hasattr(world, "delivery"):
        subscription_id(world)
        world.delivery = queue_test_event(world.subscription)
        world.delivery.failed_at = utcnow()
        db.session.commit()
    return world.delivery.id
def service_api_key_id(world) -> int:
    from interpreter_register.api.keys import create_service_key
    from interpreter_register.extensions import db
    if not hasattr(world, "service_api_key"):
        world.service_api_key, _key = create_service_key(world.dispatcher, world.service,
                                                         "Planning", "read", 365)
        db.session.commit()
    return world.service_api_key.id


def settled_sheet(world):
    """Fatima's past booking for OCMW Gent, its sheet filed with a receipt and confirmed;
    made once per test, for the routes that need it."""
    if not hasattr(world, "sheet"):
        from datetime import time
        from decimal import Decimal

        from interpreter_register.bookings.models import Booking, RequestStatus
        from interpreter_register.extensions import db
        from interpreter_register.sheets.services import answers, filing
        from interpreter_register.sheets.services.content import ExpenseInput, SheetDetails
        from tests.fixtures.factories import create_past_request
        from tests.sheets.conftest import receipt

        item = create_past_request(world.contact_person, world.service,
                                   status=RequestStatus.BOOKED)
        booking = Booking(request=item, person=world.fatima, starts_at=item.starts_at,
                          ends_at=item.ends_at, tier=1)
        db.session.add(booking)
        db.session.flush()
        world.sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(
            started=time(10), ended=time(11, 30), expenses=[
                ExpenseInput("parking", Decimal(5), receipt())]))
        answers.confirm(world.contact_person, world.sheet)
        db.session.commit()
    return world.sheet


def price_list_id(world) -> int:
    """A tariff of TVGent's that starts next month (made once per world)."""
    from datetime import timedelta

    from interpreter_register.billing.models import PriceList, PriceListKind
    from interpreter_register.core.time import today_in_brussels
    from interpreter_register.extensions import db
    if not hasattr(world, "price_list"):
        world.price_list = PriceList(service_id=world.service.id, kind=PriceListKind.TARIFF,
                                     valid_from=today_in_brussels() + timedelta(days=40),
                                     vat_rate=21)
        db.session.add(world.price_list)
        db.session.commit()
    return world.price_list.id


def offered_series(world):
    """A weekly series of OCMW Gent, its dates offered to Fatima (made once per world)."""
    from interpreter_register.bookings.services.series_booking import offer_series
    from interpreter_register.extensions import db
    from tests.fixtures.factories import create_series, future_day
    if not hasattr(world, "series"):
        world.series = create_series(world.contact_person, future_day(weeks=8, weekday=1),
                                     count=2)
        offer_series(world.dispatcher, world.series, world.fatima.id)
        db.session.commit()
    return world.series


def series_token(world) -> str:
    from interpreter_register.bookings.links import series_offer_link
    return series_offer_link(world.fatima.id, offered_series(world).id).rsplit("/", 1)[1]


def _values(app, rule, world) -> dict:
    """A rule's arguments filled with objects of the first organisation and service."""
    sheet = (settled_sheet(world) if {"sheet_id", "expense_id"} & set(rule.arguments)
             or rule.endpoint.startswith("sheets.") and "token" in rule.arguments else None)
    values = {
        "user_id": world.requester.id,
        "organisation_id": world.organisation.id,
        "service_id": world.service.id,
        "filename": "app.css",
        "person_id": world.fatima.id,
        "qualification_id": world.translation.id,
        "certificate_id": world.certificate.id,
        "code": "ar",
        "run_id": world.import_run.id,
        "request_id": world.request.id,
        "offer_id": world.offer.id,
        "booking_id": world.booking.id,
        "leave_id": world.leave.id,
        "bar_id": world.bar.id,
        "group": "register",
        "name": "organisations",
        "fmt": "csv",
        "complaint_id": complaint_id(world) if "complaint_id" in rule.arguments else None,
        "renewal_id": renewal_id(world) if "renewal_id" in rule.arguments else None,
        "document_id": document_id(world) if "document_id" in rule.arguments else None,
        "sheet_id": sheet.id if sheet else None,
        "expense_id": sheet.current.expenses[0].id if sheet else None,
        "series_id": offered_series(world).id if "series_id" in rule.arguments else None,
        "key_id": (service_api_key_id(world) if rule.endpoint == "api_keys.service_revoke"
                   else api_key_id(world) if "key_id" in rule.arguments else None),
        "delivery_id": delivery_id(world) if "delivery_id" in rule.arguments else None,
        "subscription_id": subscription_id(world) if "subscription_id" in rule.arguments
        else None,
        "invoice_id": invoice_id(world) if "invoice_id" in rule.arguments else None,
        "export_id": export_id(world) if "export_id" in rule.arguments else None,
        "price_list_id": price_list_id(world) if "price_list_id" in rule.arguments else None,
        "kind": "tariff",
        "month": "2026-03",
        "token": offer_token(world.offer) if rule.endpoint == "portal.answer_offer"
        else series_token(world) if rule.endpoint == "portal.answer_series_offer"
        else booking_token(sheet.booking) if sheet is not None
        else booking_token(world.booking) if rule.endpoint in (
            "portal.booking_by_link", "collaboration.post_by_link",
            "collaboration.add_document_by_link", "collaboration.download_by_link",
            "collaboration.remove_document_by_link")
        else feed_token(world) if rule.endpoint == "calendar.feed"
        else "not-a-valid-token",
    }
    return {a: values[a] for a in rule.arguments}


def _url(app, rule, world):
    """Fill a rule's arguments with objects of the first organisation and service."""
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **_values(app, rule, world))


def _outcome(response) -> str:
    if response.status_code in (302, 303) and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code < 400:
        return OK
    return str(response.status_code)


def test_every_route_is_in_the_table(app):
    routes = {(rule.endpoint, method) for rule, method in _routes(app)}
    assert routes - ACCESS.keys() == set(), "routes without an access rule in ACCESS"
    assert ACCESS.keys() - routes == set(), "rules in ACCESS for routes that do not exist"


@pytest.mark.parametrize("endpoint,method", sorted(ACCESS))
def test_route_answers_or_refuses_per_role(app, world, client_for, client, db_connection,
                                           endpoint, method, monkeypatch):
    # Who may have a sheet's PDF is what counts here; printing it is tested in tests/sheets.
    monkeypatch.setattr("interpreter_register.sheets.pdf.render_pdf", lambda html: b"%PDF-")
    monkeypatch.setattr("interpreter_register.billing.invoicing.documents.invoice_pdf",
                        lambda invoice: b"%PDF-")
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = _url(app, rule, world)
    seen = {}
    for role in ROLES:
        browser = client if role == "anonymous" else client_for(getattr(world, role))
        # What one role's request changes (a deactivation, say) is undone before the next.
        attempt = db_connection.begin_nested()
        response = browser.open(url, method=method, data={})
        attempt.rollback()
        seen[role] = _outcome(response)
    assert seen == ACCESS[(endpoint, method)]


def test_only_administrators_keep_the_matching_policy(world, client_for, client):
    assert client_for(world.admin).get("/settings/matching").status_code == 200
    for role in ("register_staff", "dispatcher", "contact_person", "interpreter"):
        assert client_for(getattr(world, role)).get("/settings/matching").status_code == 403
    assert client.get("/settings/matching").status_code == 302
    assert client_for(world.admin).get("/settings/nothing").status_code == 404
