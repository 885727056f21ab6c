"""What matching knows about a request and about each person holding its language."""

from dataclasses import dataclass
from datetime import date, datetime, time

from ...core.regions import Province
from ...register.models import Direction, Domain, Gender, Modality, QualificationKind, Tier


def overlaps(start, end, other_start, other_end) -> bool:
    """The one overlap rule: half-open ranges, so 10:00–11:00 and 11:00–12:00 do not meet."""
    return start < other_end and other_start < end


@dataclass(frozen=True)
class Slot:
    """The work a request asks for, as matching needs it."""

    kind: QualificationKind
    language_code: str
    working_language: str
    direction: Direction
    modality: Modality
    day: date                      # the Brussels day (interpreting) or the deadline
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    local_start: time | None = None
    local_end: time | None = None
    province: Province | None = None   # on site only
    postcode: str | None = None
    place: str | None = None           # on site only: where, to judge travel between places
    domain: Domain | None = None
    preferred_gender: Gender | None = None
    prefer_same: bool = False          # the requester asked for the case's interpreter

    @property
    def on_site(self) -> bool:
        return self.modality == Modality.ON_SITE


@dataclass(frozen=True)
class Clash:
    """A live booking of the person near the slot."""

    starts_at: datetime
    ends_at: datetime
    on_site: bool
    place: str | None
    municipality: str | None = None


@dataclass(slots=True)
class Candidate:
    """Everything about one holder of the pair that the rules and the ranking look at,
    each fact already answered for the slot (does the person work this way, serve the
    place's province, have weekly hours covering the slot, ...)."""

    person_id: int
    name: str
    tier: Tier | None = None           # None: does not hold this pair for this work
    qualification_id: int | None = None  # the pair that makes them eligible
    active: bool = True
    gender: Gender | None = None
    postcode: str | None = None
    works_this_way: bool = True        # does the request's modality
    serves_region: bool = True         # serves the place's province (on site)
    specialised: bool = False          # in the request's domain
    available: bool = True             # a weekly range of that weekday covers the slot
    hours_that_day: bool = True        # any weekly hours recorded on that weekday
    leave: tuple | None = None         # (first day, last day, from time, until time)
    bookings: tuple = ()               # Clash, for bookings near the slot
    barred: bool = False
    declined: bool = False
    continuity: bool = False
    recent_bookings: int = 0
    certificate_note: tuple | None = None   # ("expired"|"suspended"|"revoked", date)
    other_pairs: tuple = ()            # what they hold in the language instead
