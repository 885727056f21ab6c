"""What happens to requests, offers and bookings, announced to whoever must tell someone.

The bookings area changes the database and sends these signals; it does not write mail or
calendar data itself, which live in layers above it (``notifications``, ``calendar``). The
receivers run in the same transaction, so what they queue leaves only if the change is
committed. Each signal is sent with the changed object as its sender.
"""

from contextlib import contextmanager

from blinker import Namespace

_signals = Namespace()

request_created = _signals.signal(
    "request-created", doc="A request was made, alone or as an occurrence of a series "
                           "(sender: the request).")
offer_sent = _signals.signal("offer-sent", doc="An offer went to a person (sender: the Offer).")
offer_withdrawn = _signals.signal(
    "offer-withdrawn", doc="An open offer was taken back because the person may no longer "
                           "take it (barred, suspended, deactivated; sender: the Offer).")
booking_confirmed = _signals.signal(
    "booking-confirmed", doc="A person is booked (sender: the Booking).")
booking_reassigned = _signals.signal(
    "booking-reassigned", doc="A dispatcher gave a booked request to someone else (sender: "
                              "the new Booking; previous: the one that ended).")
booking_moved = _signals.signal(
    "booking-moved", doc="A booking kept its person but got a new time or place "
                         "(sender: the Booking).")
request_moved = _signals.signal(
    "request-moved", doc="A request nobody is booked for got a new time or place (sender: "
                         "the request).")
booking_released = _signals.signal(
    "booking-released", doc="The booked person no longer has the booking: moved to a time "
                            "they cannot keep, or they withdrew (sender: the Booking; its "
                            "ended_reason says which).")
request_cancelled = _signals.signal(
    "request-cancelled", doc="A request was cancelled (sender: the request; booking: its "
                             "booking or None; by: the user who cancelled).")
request_unfilled = _signals.signal(
    "request-unfilled", doc="Its time came and nobody was booked (sender: the request).")
request_escalated = _signals.signal(
    "request-escalated", doc="An unbooked request starts soon (sender: the request).")
request_edited = _signals.signal(
    "request-edited", doc="The requester changed a request; a new time or place of a booked "
                          "one is announced as a move besides (sender: the request; fields: "
                          "the names of what changed; withdrawn: the offers taken back; "
                          "for_interpreter: whether the booked person must look again).")
series_change_started = _signals.signal(
    "series-change-started", doc="A change to several occurrences of a series begins: what "
                                 "each occurrence's signals announce until it ends belongs "
                                 "together (sender: the series; action: what is done).")
series_change_ended = _signals.signal(
    "series-change-ended", doc="The change to the series is done (sender: the series; "
                               "action; completed: False when it was refused halfway).")


@contextmanager
def series_change(series, action: str, by=None):
    """Announce a change to several occurrences of ``series`` as one: each occurrence still
    sends its own signals inside, and whoever tells people may tell them once."""
    series_change_started.send(series, action=action, by=by)
    completed = False
    try:
        yield
        completed = True
    finally:
        series_change_ended.send(series, action=action, by=by, completed=completed)
