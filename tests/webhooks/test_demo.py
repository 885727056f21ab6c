"""The demo: UZ Gent's contact person finds the hospital's webhook and its delivery log."""

from sqlalchemy import select

from interpreter_register.auth.models import User
from interpreter_register.extensions import db
from interpreter_register.webhooks.models import WebhookSubscription


def test_the_demo_hospital_has_a_webhook_with_a_delivery_log(app, client_for):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    contact = db.session.scalar(select(User).where(User.email == "uzgent@example.org"))
    [subscription] = db.session.scalars(select(WebhookSubscription)).all()
    assert subscription.organisation_id == contact.organisation_id
    client = client_for(contact)
    listed = client.get(f"/organisations/{contact.organisation_id}/webhooks")
    assert subscription.url in listed.text
    page = client.get(f"/webhooks/{subscription.id}")
    assert page.status_code == 200
    for seen in ("request.created", "booking.confirmed", "webhook.test", "HTTP 503",
                 "HTTP 204", "Afgeleverd", "Mislukt", "timed out",
                 f"opnieuw verstuurd door {contact.name}", "Opnieuw versturen"):
        assert seen in page.text, seen
