"""Keys of the world's organisations, and a client that calls /api/v1 with one."""

import pytest

from interpreter_register.api.keys import create_key
from interpreter_register.api.models import Scope
from interpreter_register.extensions import db


@pytest.fixture
def make_key(world):
    """``make_key(scope, organisation=None, days=365)``: (ApiKey, key in clear), committed;
    created by the organisation's contact person."""
    def make(scope=Scope.WRITE, organisation=None, days=365, **kwargs):
        organisation = organisation or world.organisation
        creator = (world.contact_person if organisation is world.organisation
                   else world.other_contact_person)
        created = create_key(creator, organisation, "Planning system", scope, days, **kwargs)
        db.session.commit()
        return created
    return make


@pytest.fixture
def call(client):
    """``call(key, method, path, json=None, language="nl")``: an API call with a key."""
    def send(key, method, path, json=None, language="nl", **kwargs):
        headers = {"Accept-Language": language, **kwargs.pop("headers", {})}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        return client.open(path, method=method, json=json, headers=headers, **kwargs)
    return send


@pytest.fixture
def make_service_key(world):
    """``make_service_key(scope, service=None)``: (ApiKey, key in clear) of an interpreting
    service, committed; created by its dispatcher."""
    from interpreter_register.api.keys import create_service_key

    def make(scope=Scope.READ, service=None, days=365):
        service = service or world.service
        creator = world.dispatcher if service is world.service else world.other_dispatcher
        created = create_service_key(creator, service, "Service planning", scope, days)
        db.session.commit()
        return created
    return make
