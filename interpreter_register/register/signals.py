"""Changes in the register that the areas above it act on (the bookings withdraw the open
offers of someone who may no longer take them). Sent by the register's services after
the change is flushed, in its transaction."""

from blinker import Namespace

_signals = Namespace()

certificate_status_changed = _signals.signal(
    "certificate-status-changed", doc="A certificate was suspended, revoked or reinstated "
                                      "(sender: the CertificateStatusChange).")
person_deactivated = _signals.signal(
    "person-deactivated", doc="A person left the register's active list (sender: the Person).")
