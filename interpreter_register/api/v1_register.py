"""``/api/v1/register``: the public register's search, for every key (an organisation's
or a service's): the same search as the public page (``register.services.search
.public_search``), and only what that page shows: people who consented, their contact
details only where they chose to show them, their matching pairs with tier and valid
certificates."""

from marshmallow import Schema, fields, validate

from ..core.regions import Province, is_postcode, province_of
from ..core.time import today_in_brussels
from ..extensions import db
from ..organisations.models import WORKING_LANGUAGES
from ..register.models import Modality, QualificationKind
from ..register.policy import current_policy
from ..register.services.search import PublicSearch, matching_qualifications, public_search
from .v1 import _errors, bp

PAGE_SIZE = 20


class CertificateSchema(Schema):
    number = fields.String()
    valid_until = fields.Date()


class QualificationSchema(Schema):
    kind = fields.String(attribute="kind.value")
    language = fields.String(attribute="language_code")
    working_language = fields.String()
    direction = fields.String(attribute="direction.value")
    tier = fields.String()
    certificates = fields.List(fields.Nested(CertificateSchema))


class PublicPersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    postcode = fields.String(allow_none=True, metadata={"description": "if shown publicly"})
    municipality = fields.String(allow_none=True)
    email = fields.String(allow_none=True, metadata={"description": "if shown publicly"})
    phone = fields.String(allow_none=True, metadata={"description": "if shown publicly"})
    qualifications = fields.List(fields.Nested(QualificationSchema), metadata={
        "description": "the pairs that match the search"})


class RegisterPageSchema(Schema):
    items = fields.List(fields.Nested(PublicPersonSchema))
    page = fields.Integer()
    next_page = fields.Integer(allow_none=True, metadata={
        "description": f"pass as ?page= for the next {PAGE_SIZE}; null on the last"})


class RegisterArgsSchema(Schema):
    language = fields.String(validate=validate.Length(min=2, max=12), metadata={
        "description": "ISO 639 code of the other language of the pair"})
    working_language = fields.String(validate=validate.OneOf(WORKING_LANGUAGES))
    kind = fields.String(validate=validate.OneOf([k.value for k in QualificationKind]))
    modality = fields.String(validate=validate.OneOf([m.value for m in Modality]))
    region = fields.String(validate=validate.OneOf([p.value for p in Province]), metadata={
        "description": "a province (or Brussels)"})
    postcode = fields.String(validate=validate.Regexp(r"^[1-9][0-9]{3}$"), metadata={
        "description": "its province, instead of region"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


def _public(person, criteria, today, policy) -> dict:
    """A found person as the public page shows them."""
    return {
        "id": person.id, "name": person.full_name,
        "postcode": person.postcode if person.show_municipality else None,
        "municipality": person.municipality if person.show_municipality else None,
        "email": person.email if person.show_email else None,
        "phone": person.phone if person.show_phone else None,
        "qualifications": [{
            "kind": q.kind, "language_code": q.language_code,
            "working_language": q.working_language, "direction": q.direction,
            "tier": q.tier_on(today, policy).name.lower(),
            "certificates": q.valid_certificates(today),
        } for q in matching_qualifications(person, criteria)],
    }


@bp.route("/register")
@bp.arguments(RegisterArgsSchema, location="query")
@bp.response(200, RegisterPageSchema)
@_errors()
def register_search(args):
    """The public register: who consented to be found, by language pair, way of working,
    region; the same search and the same data as the public register's page."""
    province = Province(args["region"]) if args.get("region") else None
    if args.get("postcode") and is_postcode(args["postcode"]):
        province = province_of(args["postcode"])
    criteria = PublicSearch(
        language=args.get("language", ""), working_language=args.get("working_language", ""),
        modality=Modality(args["modality"]) if args.get("modality") else None,
        kind=QualificationKind(args["kind"]) if args.get("kind") else None, province=province)
    found = db.paginate(public_search(criteria), page=args["page"], per_page=PAGE_SIZE,
                        max_per_page=PAGE_SIZE, error_out=False)
    today, policy = today_in_brussels(), current_policy()
    return {"items": [_public(person, criteria, today, policy) for person in found.items],
            "page": args["page"], "next_page": args["page"] + 1 if found.has_next else None}
