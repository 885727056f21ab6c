"""``/api/v1/queue``: an interpreting service's system reads its queue, as its dispatchers
see it on the queue page (``bookings.services.queue.queue``: the same filters, the same
order, soonest first); its bookings are at ``/api/v1/bookings``. A key of an organisation
is refused (403); a service's key never sees another service's requests."""

from marshmallow import Schema, fields, validate

from ..bookings.models import RequestStatus
from ..bookings.services.queue import QUEUE_PAGE_SIZE, QueueFilter, queue
from ..register.models import Modality
from .v1 import RequestSchema, _errors, bp, service_key

STATUS_CHOICES = ["", "all", *(status.value for status in RequestStatus)]


class QueueItemSchema(RequestSchema):
    organisation = fields.String(attribute="organisation.name")
    flag = fields.Function(lambda item: item.flag.value if item.flag else None,
                           allow_none=True, metadata={
                               "description": "why it needs the service's attention"})


class QueueSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "the open requests whose work is still ahead, per status"})
    page = fields.Integer()
    next_page = fields.Integer(allow_none=True, metadata={
        "description": f"pass as ?page= for the next {QUEUE_PAGE_SIZE}; null on the last"})


class QueueArgsSchema(Schema):
    status = fields.String(load_default="", validate=validate.OneOf(STATUS_CHOICES), metadata={
        "description": "left out: the open requests still to do (the queue's default); "
                       "all: every request; or one status"})
    language = fields.String(validate=validate.Length(min=2, max=12))
    modality = fields.String(validate=validate.OneOf([m.value for m in Modality]))
    day = fields.Date(metadata={"description": "due on this day (Brussels time)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


@bp.route("/queue")
@bp.arguments(QueueArgsSchema, location="query")
@bp.response(200, QueueSchema)
@_errors(403)
def service_queue(args):
    """The service's queue, soonest first, a page at a time."""
    filters = QueueFilter(status=args["status"], language=args.get("language", ""),
                          modality=args.get("modality", ""), day=args.get("day"))
    found = queue(service_key(), filters, page=args["page"])
    return {"items": found.page.items,
            "counts": {getattr(status, "value", status): count
                       for status, count in found.counts.items()},
            "page": args["page"], "next_page": args["page"] + 1 if found.page.has_next else None}
