"""Documents with a request: the requester sends what to translate (or a briefing), the
booked translator sends the translation back, every party downloads them and nobody else;
files are checked by what they hold, kept outside the web root, and erased by retention."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from werkzeug.datastructures import FileStorage

from interpreter_register.auth.models import Role
from interpreter_register.bookings.links import booking_link
from interpreter_register.bookings.services import booking, changes, requests
from interpreter_register.collaboration import documents
from interpreter_register.collaboration.models import DocumentPurpose
from interpreter_register.core import settings, uploads
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from interpreter_register.jobs.runner import run
from interpreter_register.register.models import Direction, Modality, QualificationKind
from tests.fixtures.factories import (
    create_interpreter,
    create_qualification,
    create_request,
    create_user,
)
from tests.fixtures.reading import load, mails

PDF = b"%PDF-1.4\n% the letter from the school\n%%EOF\n"
CONFIRMED = {"confirmed": "yes"}


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def a_file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _translator(first: str):
    """A translator (Arabic into Dutch) with an account."""
    person = create_interpreter(first, "Written", certified=False,
                                modalities={Modality.WRITTEN}, languages=())
    create_qualification(person, QualificationKind.TRANSLATION, "ar", "nl",
                         Direction.INTO_WORKING)
    return person, create_user(Role.INTERPRETER, person=person, name=f"{first} Written")


@pytest.fixture
def translators():
    return _translator("Reza"), _translator("Sara")


@pytest.fixture
def translation(world, translators):
    """A translation request of the contact person's organisation, booked for Reza."""
    request = create_request(world.contact_person, modality=Modality.WRITTEN)
    booking.book(world.dispatcher, request, translators[0][0].id)
    db.session.commit()
    return request


def test_the_requester_sends_the_source_and_the_translator_the_translation(
        app_ctx, world, translators, translation):
    reza = translators[0][1]
    source = documents.add(world.contact_person, translation, a_file(PDF, "brief school.pdf"),
                           "source")
    assert (source.purpose, source.party, source.name) == (
        DocumentPurpose.SOURCE, "organisation", "brief school.pdf")
    stored = uploads.path_of(source.upload)
    assert stored.read_bytes() == PDF and stored.name != "brief school.pdf"
    told = {m.recipient for m in mails(kind="document")}
    assert told == {world.dispatcher.email, reza.email}

    done = documents.add(reza, translation, a_file(docx(), "vertaling.docx"),
                         "translation")
    assert (done.upload.kind, done.party) == ("docx", "interpreter")
    to_requester = mails(kind="document", recipient=translation.requester.email)
    assert len(to_requester) == 1
    assert translation.number in to_requester[0].subject
    for mail in mails(kind="document"):
        # Subjects and bodies name the request, never its content or its client.
        assert "CASE-1" not in mail.subject + mail.body
        assert "Secret note" not in mail.body
        assert "brief school" not in mail.subject
    assert [d.purpose for d in documents.documents_of(translation)] == [
        DocumentPurpose.SOURCE, DocumentPurpose.TRANSLATION]


@pytest.mark.parametrize("data, name", [
    (b"MZ\x90\x00 a program", "letter.pdf"),                # an executable renamed
    (b"PK\x03\x04 not really a zip", "letter.docx"),         # a broken archive
    (odt(b"application/vnd.oasis.opendocument.spreadsheet"), "figures.odt"),
    (b"", "empty.pdf"),
])
def test_a_file_is_judged_by_what_it_holds(app_ctx, world, translation, data, name):
    with pytest.raises(RuleError) as refused:
        documents.add(world.contact_person, translation, a_file(data, name), "source")
    assert refused.value.field == "document"
    assert documents.documents_of(translation) == []


def test_word_opendocument_pdf_and_photos_are_accepted(app_ctx, world, translation):
    for data, name, kind in ((docx(), "a.docx", "docx"), (odt(), "b.odt", "odt"),
                             (PDF, "c.pdf", "pdf"), (b"\x89PNG\r\n\x1a\nrest", "d.png", "png")):
        assert documents.add(world.contact_person, translation, a_file(data, name),
                             "source").upload.kind == kind


def test_a_file_over_the_setting_is_refused_without_keeping_anything(
        app_ctx, world, translation):
    settings.change(world.admin, "documents.max_mb", 1)
    big = PDF + b"x" * (1024 * 1024)
    with pytest.raises(RuleError, match="1 MB"):
        documents.add(world.contact_person, translation, a_file(big, "big.pdf"), "source")
    assert not any(uploads.folder().glob("*.pdf")) if uploads.folder().exists() else True


def test_who_may_add_what(app_ctx, world, translation):
    interpreting = create_request(world.contact_person)
    assert documents.purposes_for(interpreting, "organisation") == [DocumentPurpose.BRIEFING]
    assert documents.purposes_for(translation, "organisation") == [DocumentPurpose.SOURCE]
    assert documents.purposes_for(translation, "interpreter") == [DocumentPurpose.TRANSLATION]
    # The requester cannot pretend to deliver the translation.
    with pytest.raises(RuleError):
        documents.add(world.contact_person, translation, a_file(PDF, "x.pdf"), "translation")
    for outsider in (world.other_contact_person, world.other_dispatcher,
                     world.other_interpreter, world.register_staff):
        with pytest.raises(Forbidden):
            documents.add(outsider, translation, a_file(PDF, "x.pdf"), "source")
    requests.cancel_request(world.contact_person, translation, "no longer needed")
    with pytest.raises(RuleError, match="no longer"):
        documents.add(world.contact_person, translation, a_file(PDF, "x.pdf"), "source")


def test_downloads_only_for_the_parties_and_the_interpreter_only_while_booked(
        world, client_for, translators, translation):
    (_reza, reza), (sara_person, sara) = translators
    source = documents.add(world.contact_person, translation, a_file(PDF, "brief.pdf"),
                           "source")
    db.session.commit()
    url = f"/documents/{source.id}"
    for user in (world.contact_person, world.requester, world.dispatcher, reza):
        answer = client_for(user).get(url)
        assert answer.status_code == 200 and answer.data == PDF
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert answer.headers["Content-Disposition"] == "attachment; filename=brief.pdf"
    for user in (world.other_contact_person, world.other_dispatcher,
                 world.interpreter, sara, world.register_staff, world.admin):
        assert client_for(user).get(url).status_code == 404
    changes.reassign(world.dispatcher, translation, sara_person.id)
    db.session.commit()
    assert client_for(reza).get(url).status_code == 404
    assert client_for(sara).get(url).status_code == 200


def test_the_booked_person_without_account_downloads_and_delivers_by_link(
        world, client, translation):
    source = documents.add(world.contact_person, translation, a_file(PDF, "brief.pdf"),
                           "source")
    link = booking_link(translation.live_booking).split("/b/", 1)[1]
    db.session.commit()
    assert client.get(f"/b/{link}/documents/{source.id}").data == PDF
    page = client.get(f"/b/{link}").get_data(as_text=True)
    assert "brief.pdf" in page and 'name="document"' in page
    answer = client.post(f"/b/{link}/documents", data={
        "purpose": "translation", "document": (io.BytesIO(docx()), "vertaling.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Het document is verstuurd" in answer.get_data(as_text=True)
    kinds = [(d.purpose, d.party) for d in documents.documents_of(load(translation))]
    assert kinds[-1] == (DocumentPurpose.TRANSLATION, "interpreter")
    # A link for another booking's document gives nothing.
    other = create_request(world.contact_person, modality=Modality.WRITTEN)
    theirs = documents.add(world.contact_person, other, a_file(PDF, "other.pdf"), "source")
    db.session.commit()
    assert client.get(f"/b/{link}/documents/{theirs.id}").status_code == 404


def test_a_wrong_file_is_refused_on_the_form_in_the_users_language(
        world, client_for, translation):
    requester = client_for(world.contact_person)
    requester.post("/language", data={"language": "fr"})
    answer = requester.post(f"/requests/{translation.id}/documents", data={
        "purpose": "source", "document": (io.BytesIO(b"MZ\x90 program"), "lettre.pdf")},
        content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Envoyez un PDF" in page and 'id="document-error"' in page
    answer = requester.post(f"/requests/{translation.id}/documents",
                            data={"purpose": "source"}, content_type="multipart/form-data")
    assert "Choisissez un fichier" in answer.get_data(as_text=True)
    assert documents.documents_of(translation) == []


def test_the_author_or_the_service_removes_a_document_and_its_file(
        world, client_for, translators, translation):
    source = documents.add(world.contact_person, translation, a_file(PDF, "brief.pdf"),
                           "source")
    path = uploads.path_of(source.upload)
    db.session.commit()
    assert client_for(translators[0][1]).post(f"/documents/{source.id}/remove",
                                              data=CONFIRMED).status_code == 404
    asked = client_for(world.contact_person).post(f"/documents/{source.id}/remove")
    assert "Verwijder" in asked.get_data(as_text=True) and path.exists(), "asked first"
    client_for(world.contact_person).post(f"/documents/{source.id}/remove", data=CONFIRMED)
    assert load(source).is_erased and not path.exists()
    assert client_for(world.contact_person).get(f"/documents/{source.id}").status_code == 404


def test_retention_erases_the_files_and_keeps_that_they_were_there(
        app_ctx, world, translation):
    old = documents.add(world.contact_person, translation, a_file(PDF, "old.pdf"), "source")
    path = Path(uploads.path_of(old.upload))
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=40), tick=False):
        recent = documents.add(world.contact_person, translation, a_file(PDF, "new.pdf"),
                               "source")
        db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=100), tick=False):
        counts = run("retention").counts
    assert counts["documents_erased"] == 1
    assert load(old).is_erased and load(old).erased_at is not None and not path.exists()
    assert load(old).name is None, "a file's name may speak of the client"
    assert load(old).purpose == DocumentPurpose.SOURCE, "the list says one was there"
    assert not load(recent).is_erased and uploads.path_of(load(recent).upload).exists()
