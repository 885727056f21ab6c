"""What matching knows about a request and about each person holding its language."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from ..core.regions import Province
from ..register.models import Direction, Domain, Gender, Modality, QualificationKind, Tier


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


@dataclass
class Candidate:
    """Everything about one person that the rules and the ranking look at."""

    person_id: int
    name: str
    active: bool = True
    gender: Gender | None = None
    modalities: frozenset = frozenset()
    regions: frozenset = frozenset()
    postcode: str | None = None
    tier: Tier | None = None           # None: does not hold this pair for this work
    other_pairs: tuple = ()            # what they hold in the language instead
    certificate_note: tuple | None = None   # ("expired"|"suspended"|"revoked", date)
    weekly: tuple = ()                 # (weekday, starts, ends) ranges of that weekday
    leave: tuple | None = None         # (first day, last day)
    bookings: tuple = ()               # Clash, for bookings near the slot
    barred: bool = False
    declined: bool = False
    continuity: bool = False
    recent_bookings: int = 0
    domains: frozenset = field(default_factory=frozenset)
