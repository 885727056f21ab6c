"""Requests, offers, bookings, and the availability and leave of interpreters."""

from .availability import Leave, OrganisationBar, WeeklyAvailability
from .bookings import Booking, BookingStatus, Offer, OfferStatus
from .requests import (
    OPEN_CONDITION,
    OPEN_STATUSES,
    FlagReason,
    InterpretingRequest,
    InvalidTransition,
    RequestEvent,
    RequestStatus,
    UnfilledReason,
)

__all__ = [
    "OPEN_CONDITION", "OPEN_STATUSES", "Booking", "BookingStatus", "FlagReason",
    "InterpretingRequest", "InvalidTransition", "Leave", "Offer", "OfferStatus",
    "OrganisationBar", "RequestEvent", "RequestStatus", "UnfilledReason", "WeeklyAvailability",
]
