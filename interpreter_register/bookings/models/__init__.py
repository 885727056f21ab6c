"""Requests, offers, bookings, and the availability and leave of interpreters."""

from .availability import Leave, OrganisationBar, WeeklyAvailability
from .bookings import (
    Booking,
    BookingStatus,
    InvalidTransition,
    Offer,
    OfferStatus,
    WithdrawalReason,
)
from .requests import (
    AWAITING_STATUSES,
    OPEN_CONDITION,
    OPEN_STATUSES,
    FlagReason,
    InterpretingRequest,
    RequestEvent,
    RequestStatus,
    UnfilledReason,
)
from .series import RequestSeries

__all__ = [
    "AWAITING_STATUSES", "OPEN_CONDITION", "OPEN_STATUSES", "Booking", "BookingStatus",
    "FlagReason", "InterpretingRequest", "InvalidTransition", "Leave", "Offer", "OfferStatus",
    "OrganisationBar", "RequestEvent", "RequestSeries", "RequestStatus", "UnfilledReason",
    "WeeklyAvailability", "WithdrawalReason",
]
