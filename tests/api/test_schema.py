"""Schemathesis drives /api/v1 from its own OpenAPI document: generated calls (valid and
not) never meet a server error, and every answer matches what the document says (its
schema and its content type). Bounded and deterministic: API_SCHEMA_EXAMPLES examples per
operation (a few by default, for ``make test``; raise it to search harder)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from interpreter_register.api.keys import create_key, create_service_key
from interpreter_register.api.models import Scope
from interpreter_register.extensions import db
from tests.fixtures.factories import create_series

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def own_objects(world):
    """The keys and the objects a generated call's path names: the organisation's own (a
    call about someone else's only meets 404, which tests nothing)."""
    from tests.api.test_sheets import _filed
    _, organisation_key = create_key(world.contact_person, world.organisation, "Fuzz",
                                     Scope.WRITE, 30)
    _, service_key = create_service_key(world.dispatcher, world.service, "Fuzz", Scope.READ,
                                        30)
    series = create_series(world.contact_person, count=3)
    db.session.commit()
    return {"organisation": organisation_key, "service": service_key,
            "ids": {"request_id": world.request.id, "booking_id": world.booking.id,
                    "series_id": series.id, "sheet_id": _filed(world).id}}


def _explore(operation, mode, path_parameters, key) -> None:
    headers = {"Authorization": f"Bearer {key}"}

    @given(case=operation.as_strategy(mode, path_parameters=path_parameters or None))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_its_document_says(api_schema, own_objects, mode):
    """Valid calls (the rules of the services may still refuse them: 422, never 500) and
    calls that break the document (400 or 422), for every operation."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    for operation in operations:
        ids = {parameter.name: own_objects["ids"][parameter.name]
               for parameter in operation.path_parameters
               if parameter.name in own_objects["ids"]}
        key = own_objects["service" if operation.path == "/api/v1/queue" else "organisation"]
        _explore(operation, mode, ids, key)


def test_an_id_no_row_can_have_is_a_404_or_a_422_not_a_500(world, make_key, make_service_key,
                                                            call):
    _, key = make_key()
    huge = 10**24
    for path in (f"/api/v1/requests/{huge}", f"/api/v1/series/{huge}",
                 f"/api/v1/bookings/{huge}", f"/api/v1/sheets/{huge}"):
        assert call(key, "GET", path).status_code == 404, path
    for path in (f"/api/v1/requests?series_id={huge}", f"/api/v1/bookings?request_id={huge}"):
        assert call(key, "GET", path).status_code == 422, path
