"""What a change in the register means for bookings: someone whose certificate for a pair
is suspended or revoked, or who is deactivated, may no longer take that work. Their open
offers are withdrawn now; their future bookings go on the dispatchers' attention list
(``attention.py``), where a dispatcher decides (reassign, or keep with a reason)."""

from ...register import signals as register_signals
from ...register.models import CertificateStatus
from .booking import open_offers_of, withdraw_offers


@register_signals.certificate_status_changed.connect
def _certificate_status_changed(change, **_):
    if change.status not in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return
    qualification = change.certificate.qualification
    if qualification.certified_on(change.effective_on):
        return  # another certificate of the pair still holds
    offers = [offer for offer in open_offers_of(qualification.person_id, pair=qualification)
              if offer.request.day >= change.effective_on]
    withdraw_offers(offers)


@register_signals.person_deactivated.connect
def _person_deactivated(person, **_):
    withdraw_offers(open_offers_of(person.id))
