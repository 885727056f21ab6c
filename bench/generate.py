"""Fill a migrated database with a register and its bookings at a chosen scale.

Scale 1 is the sector's size today: 500 people in 60 languages (about 1,500 language
pairs, 1,200 certificates), 250 organisations with 500 requesters, 80,000 past bookings
and 500 open requests. Scale 10 multiplies every count by ten; fractions make the small
data sets the test suite runs on. The same seed gives the same data.

Rows go in with Core ``INSERT``s of thousands of rows at a time, with their primary keys
given, so that nothing is read back while generating.

    python -m bench.generate --scale 10 --database-url sqlite:///bench/data/bench.sqlite
"""

import argparse
import random
import sys
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import text
from stdnum import iban as stdnum_iban
from werkzeug.security import generate_password_hash

from interpreter_register.auth.models import User
from interpreter_register.billing.invoicing.models import MonthReference
from interpreter_register.billing.models import PriceList, PriceListRate
from interpreter_register.bookings import workload
from interpreter_register.bookings.models import (
    Booking,
    InterpretingRequest,
    Leave,
    Offer,
    OrganisationBar,
    WeeklyAvailability,
)
from interpreter_register.bookings.services.withdrawals import leave_span
from interpreter_register.calendar.models import CalendarFeed
from interpreter_register.core.time import brussels_to_utc, to_brussels, today_in_brussels
from interpreter_register.extensions import db
from interpreter_register.organisations.models import (
    InterpretingService,
    Organisation,
    ServiceArea,
)
from interpreter_register.register import facts
from interpreter_register.register.languages import REGISTER_LANGUAGE_NAMES
from interpreter_register.register.models import (
    Certificate,
    CertificateStatusChange,
    Language,
    Person,
    PersonDomain,
    PersonModality,
    PersonRegion,
    Qualification,
    QualityTrackStep,
    RevisionTrack,
)
from interpreter_register.register.services.people import _cldr_codes
from interpreter_register.sheets.models import CompletionSheet, SheetExpense, SheetVersion

# The languages asked for most in Flanders, in order; the rest of the register's
# languages form a long tail that is rarely asked for.
MOST_REQUESTED = ["ar", "prs", "ps", "tr", "ru", "uk", "fa", "ti"]
NEXT = ["so", "rif", "kmr", "ckb", "sq", "ro", "bg", "pl", "am", "es", "pt", "zh", "ur",
        "hy", "ka", "bn", "ber", "ln", "sw", "vi", "th", "ne", "ta", "pa", "sk", "hu", "it",
        "mk", "sr", "bs", "el", "lt", "lv", "et", "fil", "az", "uz", "tg", "ky", "mn", "ha",
        "yo", "ig", "wo", "ff", "bm", "rw", "rn", "om", "aii", "syr"]
PASSWORD = "bench-password-2026"  # noqa: S105 - generated bench accounts only
PLACES = [(1000, "Brussel"), (1030, "Schaarbeek"), (1080, "Molenbeek"), (2000, "Antwerpen"),
          (2060, "Antwerpen"), (2800, "Mechelen"), (3000, "Leuven"), (3500, "Hasselt"),
          (3600, "Genk"), (4000, "Liège"), (4700, "Eupen"), (5000, "Namur"),
          (6000, "Charleroi"), (7000, "Mons"), (8000, "Brugge"), (8500, "Kortrijk"),
          (9000, "Gent"), (9100, "Sint-Niklaas"), (1300, "Wavre"), (6700, "Arlon")]
PROVINCES = [(1000, 1299, "brussels"), (1300, 1499, "walloon_brabant"),
             (1500, 1999, "flemish_brabant"), (2000, 2999, "antwerp"),
             (3000, 3499, "flemish_brabant"), (3500, 3999, "limburg"), (4000, 4999, "liege"),
             (5000, 5999, "namur"), (6000, 6599, "hainaut"), (6600, 6999, "luxembourg"),
             (7000, 7999, "hainaut"), (8000, 8999, "west_flanders"),
             (9000, 9999, "east_flanders")]
SERVICES = [("Sociaal Vertaalbureau Brussel Onthaal", [(1000, 1299)]),
            ("PASTA", [(1500, 1999), (3000, 3499)]), ("TOPA", [(2000, 2999)]),
            ("Sociale Tolkendienst Limburg", [(3500, 3999)]),
            ("SeTIS wallon", [(1300, 1499), (4000, 4699), (5000, 7999)]),
            ("Info-Integration", [(4700, 4799)]), ("deSOM", [(8000, 8999)]),
            ("Tolk- en Vertaalservice Oost-Vlaanderen", [(9000, 9999)])]
# The measured queues: all open requests of the sector in one, a hundred in the other.
CENTRAL, SMALL, FEEDS = "Bench central queue", "Bench small queue", "Bench feeds"
MODALITIES = ["on_site"] * 55 + ["phone"] * 25 + ["video"] * 10 + ["written"] * 10
DOMAINS = ["medical", "mental_health", "social_welfare", "education", "asylum_and_residence",
           "legal_advice", "child_and_family"]
ORGANISATION_TYPES = ["hospital", "public_welfare_centre", "general_welfare_centre", "school",
                      "child_and_family", "reception_centre", "local_government", "other"]
FIRST = ["Amina", "Youssef", "Fatima", "Omar", "Leila", "Farid", "Mariam", "Ahmad", "Zahra",
         "Gul", "Ayşe", "Mehmet", "Olga", "Oksana", "Senait", "Reza", "Hodan", "Ioana"]
LAST = ["Haddad", "El Amrani", "Benali", "Mansour", "Rahimi", "Karimi", "Yilmaz", "Demir",
        "Ivanova", "Shevchenko", "Tesfay", "Tehrani", "Abdi", "Popescu", "Naciri", "Saleh"]
CHUNK = 5000
# Public-sector interpreting is exempt from VAT as a social service (as in the demo).
EXEMPTION = "Art. 44, § 2, 2° WBTW / CTVA"


@dataclass
class Plan:
    """The counts at a scale (scale 1: the sector today)."""

    scale: float
    people: int = field(init=False)
    languages: int = field(init=False)
    organisations: int = field(init=False)
    requesters: int = field(init=False)
    past_bookings: int = field(init=False)
    open_requests: int = field(init=False)
    certificates: int = field(init=False)

    def __post_init__(self):
        def times(base):
            return max(1, round(base * self.scale))
        self.people, self.languages = times(500), max(8, times(60))
        self.organisations, self.requesters = times(250), times(500)
        self.past_bookings, self.open_requests = times(80_000), times(500)
        self.certificates = times(1_200)


@dataclass
class Generated:
    """What the measurements need to find in the data."""

    plan: Plan
    counts: dict
    seconds: float
    central_dispatcher: str
    small_dispatcher: str
    small_queue: int
    feed_tokens: dict          # bookings in the feed → its token
    # The month whose work is settled, and each service's billable sheets of that month.
    billed_month: date | None = None
    month_sheets: dict = field(default_factory=dict)   # service name → sheets


class Progress:
    def __init__(self, out=sys.stderr):
        self.out, self.started = out, clock.perf_counter()

    def __call__(self, message: str) -> None:
        if self.out is not None:
            print(f"  [{clock.perf_counter() - self.started:6.1f} s] {message}", file=self.out,
                  flush=True)


class Writer:
    """Inserts rows in chunks, gives them their primary keys and counts them."""

    def __init__(self, connection, progress):
        self.connection, self.progress = connection, progress
        self.next_id = defaultdict(lambda: 1)
        self.counts = defaultdict(int)

    def ids(self, model, n: int) -> range:
        first = self.next_id[model.__tablename__]
        self.next_id[model.__tablename__] = first + n
        return range(first, first + n)

    def insert(self, model, rows: list[dict], label: str | None = None) -> None:
        """An executemany takes its columns from the first row: give every row them all
        (what a row leaves out is NULL)."""
        table = model.__table__
        columns = set().union(*rows) if rows else set()
        if any(len(row) != len(columns) for row in rows):
            rows = [dict.fromkeys(columns) | row for row in rows]
        for start in range(0, len(rows), CHUNK):
            self.connection.execute(table.insert(), rows[start:start + CHUNK])
            if label and len(rows) > CHUNK:
                self.progress(f"{label}: {min(start + CHUNK, len(rows)):,} / {len(rows):,}")
        self.counts[table.name] += len(rows)
        if label and len(rows) <= CHUNK:
            self.progress(f"{label}: {len(rows):,}")


def province_of(postcode: int) -> str:
    return next(p for first, last, p in PROVINCES if first <= postcode <= last)


def working_language_of(postcode: int, rng) -> str:
    if 4700 <= postcode <= 4799:
        return "de"
    if 1000 <= postcode <= 1299:
        return rng.choice(("nl", "fr"))
    if 1300 <= postcode <= 1499 or 4000 <= postcode <= 7999:
        return "fr"
    return "nl"


def language_codes(n: int, rng) -> list[str]:
    """The most requested first, then the next, then CLDR's other codes (shuffled)."""
    known = _cldr_codes() | set(REGISTER_LANGUAGE_NAMES)
    head = [c for c in MOST_REQUESTED + NEXT if c in known]
    tail = sorted(c for c in known - set(head) - {"nl", "fr", "de"} if c.isalpha()
                  and len(c) in (2, 3))
    rng.shuffle(tail)
    return (head + tail)[:n]


def zipf_weights(n: int, exponent: float) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(n)]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return brussels_to_utc(day, time(hour, minute))


def enterprise_number(n: int) -> str:
    """A made-up KBO/BCE number with right check digits (eight digits, then mod 97)."""
    base = 2_000_000 + n * 7_919
    return f"{base:08d}{97 - base % 97:02d}"


def iban_of(n: int) -> str:
    """A made-up Belgian account with right check digits (bank, account, mod 97)."""
    digits = 539_007_547_0 + n * 7_919
    account = f"{digits:010d}{digits % 97 or 97:02d}"
    return "BE" + stdnum_iban.calc_check_digits("BE00" + account) + account


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class Generator:
    def __init__(self, plan: Plan, seed: int, progress):
        self.plan, self.rng, self.progress = plan, random.Random(seed), progress
        # The billing data draw from their own sequence: the rest is as it was without.
        self.billing_rng = random.Random(seed + 1)
        self.today = today_in_brussels()
        # Last month: its work is settled, ready for the monthly invoicing run.
        self.period = self.today.replace(day=1) - relativedelta(months=1)
        self.month_work = []                    # (request row, booking row)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.password_hash = generate_password_hash(PASSWORD)

    # --- the register ---------------------------------------------------------------

    def languages(self, w: Writer) -> None:
        self.codes = language_codes(self.plan.languages, self.rng)
        w.insert(Language, [{"code": c, **{f"name_{k}": v for k, v in
                                           REGISTER_LANGUAGE_NAMES.get(c, {}).items()}}
                            for c in self.codes], "languages")
        # People hold the tail a little more often than it is asked for.
        self.supply_weights = zipf_weights(len(self.codes), 1.0)
        self.demand_weights = zipf_weights(len(self.codes), 1.3)

    def people(self, w: Writer) -> None:
        rng, ids = self.rng, w.ids(Person, self.plan.people)
        people, regions, modalities, domains = [], [], [], []
        self.person_place = {}
        for person_id in ids:
            postcode, municipality = rng.choice(PLACES)
            home = province_of(postcode)
            self.person_place[person_id] = postcode
            people.append(dict(
                id=person_id, first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)} {person_id}",
                email=f"person{person_id}@bench.example.org", postcode=str(postcode),
                municipality=municipality, gender=rng.choice(("female", "male", None)),
                active=rng.random() > 0.03, public_consent=rng.random() < 0.6,
                created_at=self.now, updated_at=self.now))
            served = {home} | {rng.choice(PROVINCES)[2] for _ in range(rng.randint(0, 2))}
            regions += [dict(person_id=person_id, province=p) for p in sorted(served)]
            ways = {m for m, chance in (("on_site", .9), ("phone", .7), ("video", .6))
                    if rng.random() < chance} or {"phone"}
            modalities += [dict(person_id=person_id, modality=m) for m in sorted(ways)]
            domains += [dict(person_id=person_id, domain=d)
                        for d in sorted(set(rng.sample(DOMAINS, rng.randint(1, 3))))]
        w.insert(Person, people, "people")
        w.insert(PersonRegion, regions)
        w.insert(PersonModality, modalities)
        w.insert(PersonDomain, domains, "regions, ways of working, domains")
        self.person_ids = list(ids)

    def qualifications(self, w: Writer) -> None:
        """About three language pairs a person: interpreting in their main language, often
        a translation of it or a second working language, sometimes a second language."""
        rng, rows, seen = self.rng, [], set()
        self.holders = defaultdict(list)          # (language, working, kind) → person ids
        for person_id in self.person_ids:
            working = working_language_of(self.person_place[person_id], rng)
            main, second = rng.choices(self.codes, self.supply_weights, k=2)
            wanted = [(main, working, "interpreting", "both")]
            if rng.random() < 0.45:
                wanted.append((main, working, "translation",
                               rng.choice(("into_working", "from_working"))))
            if rng.random() < 0.35:
                wanted.append((main, "fr" if working != "fr" else "nl", "interpreting",
                               "both"))
            if rng.random() < 0.7:
                wanted.append((second, working, "interpreting", "both"))
            if rng.random() < 0.5:
                wanted.append((second, working, "translation", "into_working"))
            for language, working_language, kind, direction in wanted:
                key = (person_id, language, working_language, kind, direction)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(dict(person_id=person_id, kind=kind, language_code=language,
                                 working_language=working_language, direction=direction,
                                 specialist_revisor=False))
        for row, qualification_id in zip(rows, w.ids(Qualification, len(rows)), strict=True):
            row["id"] = qualification_id
            self.holders[(row["language_code"], row["working_language"], row["kind"])].append(
                (row["person_id"], row["direction"]))
        w.insert(Qualification, rows, "language pairs")
        self.qualification_rows = rows

    def certificates(self, w: Writer) -> None:
        """Certificates for most pairs (some ending soon, a few expired or suspended); a
        quality track for some of the others, a revision track for some translators."""
        rng = self.rng
        chosen = rng.sample(self.qualification_rows,
                            min(self.plan.certificates, len(self.qualification_rows)))
        certified = {q["id"] for q in chosen}
        certificates, changes = [], []
        for q, certificate_id in zip(chosen, w.ids(Certificate, len(chosen)), strict=True):
            issued = self.today - timedelta(days=rng.randint(30, 6 * 365))
            certificates.append(dict(
                id=certificate_id, qualification_id=q["id"], number=f"B-{certificate_id:06d}",
                issued_on=issued, valid_until=issued + timedelta(days=5 * 365),
                created_at=self.now))
            if rng.random() < 0.02:
                changes.append(dict(certificate_id=certificate_id, status="suspended",
                                    effective_on=self.today - timedelta(days=10),
                                    reason="Complaint under review", changed_at=self.now))
        w.insert(Certificate, certificates, "certificates")
        w.insert(CertificateStatusChange, changes)
        steps, tracks = [], []
        for q in self.qualification_rows:
            if q["id"] in certified:
                continue
            if q["kind"] == "translation" and rng.random() < 0.5:
                tracks.append(dict(qualification_id=q["id"],
                                   opened_on=self.today - timedelta(days=200)))
            elif rng.random() < 0.6:
                for n, step in enumerate(("information_session", "preselection_test",
                                          "training_modules")[:rng.randint(1, 3)]):
                    steps.append(dict(qualification_id=q["id"], step=step, result="passed",
                                      attempt=1, recorded_at=self.now,
                                      taken_on=self.today - timedelta(days=300 - 60 * n)))
        w.insert(QualityTrackStep, steps, "quality-track steps")
        w.insert(RevisionTrack, tracks, "revision tracks")

    def availability(self, w: Writer) -> None:
        rng, weekly, leave = self.rng, [], []
        for person_id in self.person_ids:
            hours = (time(9), time(13)) if rng.random() < 0.2 else (time(8), time(18))
            days = range(6) if rng.random() < 0.25 else range(5)
            weekly += [dict(person_id=person_id, weekday=d, starts=hours[0], ends=hours[1])
                       for d in days]
            if rng.random() < 0.05:
                first = self.today + timedelta(days=rng.randint(0, 25))
                last = first + timedelta(days=rng.randint(2, 14))
                starts_at, ends_at = leave_span(first, last)
                leave.append(dict(person_id=person_id, first_day=first, last_day=last,
                                  starts_at=starts_at, ends_at=ends_at))
        w.insert(WeeklyAvailability, weekly, "weekly availability")
        w.insert(Leave, leave, "leave")

    # --- who asks ---------------------------------------------------------------------

    def organisations(self, w: Writer) -> None:
        rng = self.rng
        services = SERVICES + [(CENTRAL, []), (SMALL, []), (FEEDS, [])]
        service_ids = w.ids(InterpretingService, len(services))
        # Each service bills as the seller on its invoices (address, KBO/BCE, IBAN).
        w.insert(InterpretingService, [dict(
            id=i, name=name, active=True, created_at=self.now,
            email=f"facturatie{i}@bench.example.org", billing_street="Dienstenlaan 1",
            billing_postcode=str(ranges[0][0] if ranges else 1000),
            billing_city="Brussel", enterprise_number=enterprise_number(i), iban=iban_of(i),
            payment_days=30) for i, (name, ranges) in zip(service_ids, services, strict=True)])
        w.insert(ServiceArea, [dict(service_id=i, first_postcode=a, last_postcode=b)
                               for i, (_n, ranges) in zip(service_ids, services, strict=True)
                               for a, b in ranges])
        self.regional = {name: i for i, (name, _r) in zip(service_ids, services, strict=True)}
        self.service_of_range = [(a, b, i) for i, (_n, ranges) in zip(service_ids, services,
                                                                      strict=True)
                                 for a, b in ranges]
        organisations = []
        for organisation_id in w.ids(Organisation, self.plan.organisations):
            postcode, municipality = rng.choice(PLACES)
            kind = rng.choice(ORGANISATION_TYPES)
            organisations.append(dict(
                id=organisation_id, name=f"{kind.replace('_', ' ').title()} {municipality} "
                f"{organisation_id}", type=kind, postcode=str(postcode),
                municipality=municipality,
                working_language=working_language_of(postcode, rng), active=True,
                created_at=self.now,
                # Billing data, as the organisation's contact person keeps it; one in
                # twenty gives a purchase-order number each month (see billing()).
                billing_street=f"Facturatiedienst, Hoofdstraat {organisation_id % 90 + 1}",
                billing_postcode=str(postcode), billing_city=municipality,
                enterprise_number=enterprise_number(1000 + organisation_id),
                reference_rule="month" if organisation_id % 20 == 5 else "none"))
        w.insert(Organisation, organisations, "organisations")
        self.organisation_rows = organisations

    def users(self, w: Writer) -> None:
        rows = []

        def user(email, role, **extra):
            user_id = w.ids(User, 1)[0]
            rows.append(dict(id=user_id, email=email, name=email.split("@")[0].title(),
                             role=role, password_hash=self.password_hash, active=True,
                             created_at=self.now,
                             is_contact_person=extra.pop("is_contact_person", False),
                             **extra))
            return user_id

        self.admin = user("admin@bench.example.org", "admin")
        self.dispatcher_of = {}
        user("register@bench.example.org", "register_staff")
        for name, service_id in self.regional.items():
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            self.dispatcher_of[service_id] = user(f"dispatcher-{slug}@bench.example.org",
                                                  "dispatcher", service_id=service_id)
        self.central_dispatcher = "dispatcher-benchcentralqueue@bench.example.org"
        self.small_dispatcher = "dispatcher-benchsmallqueue@bench.example.org"
        self.requesters = defaultdict(list)
        for n in range(self.plan.requesters):
            organisation = self.organisation_rows[n % len(self.organisation_rows)]
            user_id = user(f"requester{n + 1}@bench.example.org", "requester",
                           organisation_id=organisation["id"],
                           is_contact_person=n < len(self.organisation_rows))
            self.requesters[organisation["id"]].append(user_id)
        w.insert(User, rows, "users")
        bars = self.rng.sample(
            [(o["id"], p) for o in self.organisation_rows[:50] for p in self.person_ids[:40]],
            min(40, len(self.organisation_rows) * min(40, len(self.person_ids))))
        w.insert(OrganisationBar, [dict(organisation_id=o, person_id=p, created_at=self.now)
                                   for o, p in bars])

    # --- requests and bookings ----------------------------------------------------------

    def regional_service(self, postcode: int) -> int:
        return next(i for a, b, i in self.service_of_range if a <= postcode <= b)

    def request_row(self, request_id, language, working, modality, starts, status, service_id,
                    organisation, **extra):
        rng = self.rng
        on_site = modality == "on_site"
        written = modality == "written"
        ends = None if written else starts + timedelta(minutes=rng.choice((45, 60, 90, 120)))
        row = dict(
            id=request_id, organisation_id=organisation["id"],
            requester_id=rng.choice(self.requesters[organisation["id"]]
                                    or [self.admin]),
            service_id=service_id, language_code=language, working_language=working,
            direction=rng.choice(("into_working", "from_working")) if written else "both",
            modality=modality, starts_at=None if written else starts, ends_at=ends,
            deadline_on=starts.date() if written else None, due_at=starts,
            words=rng.randint(200, 3000) if written else None,
            address=f"Kouter {request_id % 200 + 1}" if on_site else None,
            postcode=organisation["postcode"], municipality=organisation["municipality"],
            phone_number="+32 9 266 99 00" if modality == "phone" else None,
            video_link="https://meet.example.org/x" if modality == "video" else None,
            domain=rng.choice(DOMAINS), case_reference=f"BENCH-{request_id}", status=status,
            prefer_same_interpreter=False, urgent=rng.random() < 0.05, uses_waves=False,
            wave=0, created_at=starts - timedelta(days=rng.randint(1, 14)),
            calendar_uid=f"request-{request_id}@bench", calendar_sequence=0,
            updated_at=self.now)
        row.update(extra)
        return row

    def holder(self, language, working, kind):
        found = self.holders.get((language, working, kind))
        return self.rng.choice(found)[0] if found else None

    def past(self, w: Writer) -> None:
        """Two years of history: completed bookings, and the requests nobody took or that
        were cancelled. Written a slice at a time, so that memory stays small."""
        rng, n = self.rng, self.plan.past_bookings
        days = working_days(self.today - timedelta(days=730), self.today - timedelta(days=2))
        central, small = self.regional[CENTRAL], self.regional[SMALL]
        requests, bookings, done = [], [], 0
        while done < n:
            language = rng.choices(self.codes, self.demand_weights)[0]
            organisation = rng.choice(self.organisation_rows)
            working = organisation["working_language"]
            modality = rng.choice(MODALITIES)
            kind = "translation" if modality == "written" else "interpreting"
            person = self.holder(language, working, kind)
            starts = local(rng.choice(days), rng.randint(8, 16), rng.choice((0, 30)))
            postcode = int(organisation["postcode"])
            service = rng.choice((central, central, small, self.regional_service(postcode)))
            roll = rng.random()
            outcome = ("no_holder" if person is None else "no_one_available" if roll < 0.05
                       else "cancelled" if roll < 0.09 else "completed")
            row = self.request_row(w.ids(InterpretingRequest, 1)[0], language, working,
                                   modality, starts, "completed", service, organisation)
            requests.append(row)
            if outcome in ("no_holder", "no_one_available"):
                row.update(status="unfilled", unfilled_reason=outcome)
            elif outcome == "cancelled":
                row.update(status="cancelled", cancelled_at=starts - timedelta(hours=30),
                           cancelled_late=roll < 0.06)
            else:
                row["booked_at"] = row["created_at"] + timedelta(hours=rng.randint(1, 48))
                bookings.append(self.booking_row(w.ids(Booking, 1)[0], row, person,
                                                 "completed"))
                if to_brussels(starts).date().replace(day=1) == self.period:
                    self.month_work.append((row, bookings[-1]))
                done += 1
            if len(bookings) == CHUNK * 4 or done == n:
                w.insert(InterpretingRequest, requests)
                w.insert(Booking, bookings)
                self.progress(f"past bookings: {done:,} / {n:,}")
                requests, bookings = [], []

    def booking_row(self, booking_id, request, person_id, status):
        return dict(
            id=booking_id, request_id=request["id"], person_id=person_id,
            starts_at=request["starts_at"], ends_at=request["ends_at"],
            deadline_on=request["deadline_on"], on_site=request["modality"] == "on_site",
            place=f"{request['postcode']} {(request['address'] or '').lower()}",
            status=status, tier=1, revision_needed=False,
            uid=f"bench-{booking_id}@bench.example.org",
            sequence=0, confirmed_at=request.get("booked_at") or request["created_at"],
            updated_at=self.now)

    def open_requests(self, w: Writer) -> None:
        """The sector's open requests in the central queue (some offered, some booked),
        a hundred in the small queue, and a month of booked work in the regions; nobody
        is booked twice at one time."""
        rng = self.rng
        days = working_days(self.today + timedelta(days=1), self.today + timedelta(days=28))
        slots = [(8, 0), (10, 30), (13, 0), (15, 30)]     # 2 h apart at most 2 h long
        taken = set()
        requests, bookings, offers = [], [], []
        wanted = [(self.regional[CENTRAL], self.plan.open_requests),
                  (self.regional[SMALL], 100), (None, self.plan.past_bookings // 24)]
        total = sum(count for _s, count in wanted)
        request_ids = iter(w.ids(InterpretingRequest, total))
        for service, count in wanted:
            for _ in range(count):
                organisation = rng.choice(self.organisation_rows)
                language = rng.choices(self.codes, self.demand_weights)[0]
                working = organisation["working_language"]
                modality = rng.choice(MODALITIES)
                kind = "translation" if modality == "written" else "interpreting"
                day, slot = rng.choice(days), rng.choice(slots)
                starts = local(day, *slot)
                roll = rng.random() if service is not None else 0.0
                status = "submitted" if roll > 0.4 else "offered" if roll > 0.15 else "booked"
                person = self.holder(language, working, kind) if status != "submitted" else None
                if status != "submitted" and (person is None or (person, day, slot) in taken):
                    status, person = "submitted", None
                row = self.request_row(
                    next(request_ids), language, working, modality, starts, status,
                    service or self.regional_service(int(organisation["postcode"])),
                    organisation)
                requests.append(row)
                if status == "booked":
                    taken.add((person, day, slot))
                    row["booked_at"] = row["created_at"] + timedelta(hours=2)
                    bookings.append(self.booking_row(w.ids(Booking, 1)[0], row, person,
                                                     "confirmed"))
                elif status == "offered":
                    offers.append(dict(request_id=row["id"], person_id=person, wave=1, tier=1,
                                       status="open", sent_at=self.now,
                                       expires_at=self.now + timedelta(days=1)))
        w.insert(InterpretingRequest, requests, "open requests")
        w.insert(Booking, bookings, "booked work ahead")
        w.insert(Offer, offers, "offers")
        self.taken = taken

    # --- billing -----------------------------------------------------------------------

    def price_lists(self, w: Writer) -> None:
        """Each service's tariff and pay scale from two years back, and this year's tariff
        (higher) from the first of January, as the demo's (demo/prices.py)."""
        lists, rates = [], []

        def price_list(service_id, kind, valid_from, hour, minute, word, minimum, late,
                       exemption):
            list_id = w.ids(PriceList, 1)[0]
            lists.append(dict(
                id=list_id, service_id=service_id, kind=kind, valid_from=valid_from,
                per_word=Decimal(word), per_page=None, translation_minimum=Decimal(minimum),
                per_km=Decimal("0.4269"), late_cancellation_charge=Decimal(late),
                late_cancellation_travel=False, waiting_time_billed=kind == "tariff",
                vat_rate=None, vat_exemption_reason=exemption, created_at=self.now,
                created_by_id=None))
            hour = Decimal(hour)
            # On site: the first hour whole, then per started quarter; remote per minute.
            for modality, unit, price, minimum_minutes, minimum_charge in (
                    ("on_site", "started_quarter", hour / 4, 60, hour),
                    ("phone", "minute", Decimal(minute), 0, Decimal(0)),
                    ("video", "minute", Decimal(minute), 0, Decimal(0))):
                rates.append(dict(id=w.ids(PriceListRate, 1)[0], price_list_id=list_id,
                                  modality=modality, unit=unit, unit_price=price,
                                  minimum_minutes=minimum_minutes, minimum_charge=minimum_charge,
                                  unit_minutes=None))

        since, this_year = date(self.today.year - 2, 1, 1), date(self.today.year, 1, 1)
        for service_id in self.regional.values():
            price_list(service_id, "tariff", since, "52.00", "0.90", "0.11", "35.00", "52.00",
                       EXEMPTION)
            price_list(service_id, "tariff", this_year, "56.00", "0.95", "0.12", "38.00",
                       "56.00", EXEMPTION)
            price_list(service_id, "pay_scale", since, "38.00", "0.65", "0.08", "25.00",
                       "38.00", None)
        w.insert(PriceList, lists)
        w.insert(PriceListRate, rates, "price lists")

    def settled_sheets(self, w: Writer) -> None:
        """Last month's completed bookings as the sheets' flow leaves them: each with its
        settled sheet (confirmed by the requester, counted as confirmed after the deadline,
        or disputed and settled by the service with a corrected second version), the
        actual times a little off the booked ones, kilometres and sometimes an expense on
        site; and the purchase-order numbers of the organisations that give one a month."""
        rng = self.billing_rng
        sheets, versions, expenses = [], [], []
        self.month_sheets = defaultdict(int)
        names = {i: name for name, i in self.regional.items()}
        for request, booking in self.month_work:
            sheet_id = w.ids(CompletionSheet, 1)[0]
            modality, written = request["modality"], request["modality"] == "written"
            ends = booking["ends_at"] or local(booking["deadline_on"], 17)
            filed = ends + timedelta(hours=rng.randint(2, 30))
            confirm_by = brussels_to_utc(to_brussels(filed).date() + timedelta(days=7),
                                         time(23, 59))
            roll = rng.random()
            how = "confirmed" if roll < 0.7 else "deemed" if roll < 0.95 else "service"
            settled = min(self.now, filed + timedelta(days=1) if how == "confirmed"
                          else confirm_by if how == "deemed" else filed + timedelta(days=3))
            planned = (0 if written else
                       int((booking["ends_at"] - booking["starts_at"]).total_seconds() // 60))
            first = dict(
                sheet_id=sheet_id, filed_as="interpreter", filed_by_id=None, filed_at=filed,
                reason=None, started_at=None, ended_at=None, worked_minutes=0,
                booked_minutes=None if written else planned, waiting_minutes=0, no_show=False,
                km=Decimal(0), km_suggested=None, words=request["words"], pages=None,
                delivered_on=booking["deadline_on"], remarks=None,
                answer=None, answered_at=None, answered_by_id=None, settled_at=None,
                settled_by_id=None, settled_how=None, settlement_note=None)
            if not written:
                worked = max(15, planned + rng.choice((0, 0, 0, 5, 10, -5, 15)))
                first["worked_minutes"] = worked
                first["waiting_minutes"] = rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 10, 20))
                if modality == "on_site":
                    started = booking["starts_at"] + timedelta(minutes=rng.choice((0, 0, 5)))
                    km = Decimal(rng.randint(30, 450)) / 10
                    first.update(started_at=started, ended_at=started + timedelta(
                        minutes=worked), km=km, km_suggested=km)
            chain = [first]
            if how == "service":
                # Disputed (the times), settled with the service's corrected version.
                first.update(answer="disputed", answered_at=filed + timedelta(days=1),
                             answered_by_id=request["requester_id"])
                second = dict(first, filed_as="service",
                              filed_by_id=self.dispatcher_of.get(request["service_id"]),
                              filed_at=filed + timedelta(days=3), answer=None,
                              answered_at=None, answered_by_id=None,
                              reason="Checked with both: corrected.")
                if not written:
                    second["waiting_minutes"] = 0
                second.update(settled_at=settled, settled_how="service",
                              settled_by_id=second["filed_by_id"])
                chain.append(second)
            else:
                first.update(settled_at=settled, settled_how=how)
                if how == "confirmed":
                    first.update(answer="confirmed", answered_at=settled,
                                 answered_by_id=request["requester_id"])
            for number, version in enumerate(chain, start=1):
                version.update(id=w.ids(SheetVersion, 1)[0], number=number)
                versions.append(version)
            if modality == "on_site" and rng.random() < 0.08:
                kind = rng.choice(("public_transport", "parking"))
                for version in chain:
                    expenses.append(dict(version_id=version["id"], kind=kind,
                                         amount=Decimal(rng.randint(250, 1280)) / 100,
                                         receipt_id=None))
            sheets.append(dict(
                id=sheet_id, booking_id=booking["id"], request_id=request["id"],
                service_id=request["service_id"], status="settled", late_cancellation=False,
                billable=True, payable=True, version=len(chain), asked_at=ends,
                confirm_by=confirm_by, reminded_at=None, reminders=0, created_at=ends,
                updated_at=settled))
            self.month_sheets[names[request["service_id"]]] += 1
        w.insert(CompletionSheet, sheets, f"settled sheets of {self.period:%Y-%m}")
        w.insert(SheetVersion, versions)
        w.insert(SheetExpense, expenses, "their versions and expenses")
        references = [dict(organisation_id=o["id"], period=self.period,
                           reference=f"PO-{self.period:%Y%m}-{o['id']}",
                           given_by_id=(self.requesters[o["id"]] or [self.admin])[0],
                           given_at=self.now)
                      for o in self.organisation_rows if o["reference_rule"] == "month"]
        w.insert(MonthReference, references, "purchase-order numbers of the month")

    def feeds(self, w: Writer) -> dict:
        """Two people whose calendar feeds are measured: 10 and 1,000 bookings from a month
        back to a year ahead (past ones completed, the rest confirmed)."""
        tokens = {}
        feeds_service = self.regional[FEEDS]
        organisation = self.organisation_rows[0]
        for size in (10, 1000):
            person_id = w.ids(Person, 1)[0]
            w.insert(Person, [dict(id=person_id, first_name="Feed", last_name=f"Size {size}",
                                   postcode="9000", municipality="Gent", active=True,
                                   created_at=self.now, updated_at=self.now)])
            w.insert(Qualification, [dict(id=w.ids(Qualification, 1)[0], person_id=person_id,
                                          kind="interpreting", language_code=self.codes[0],
                                          working_language="nl", direction="both",
                                          specialist_revisor=False)])
            requests, bookings = [], []
            day = self.today - timedelta(days=29)
            while len(bookings) < size:
                for hour in (8, 11, 14):
                    if len(bookings) == size:
                        break
                    starts = local(day, hour)
                    past = starts < self.now
                    row = self.request_row(w.ids(InterpretingRequest, 1)[0], self.codes[0],
                                           "nl", "on_site", starts,
                                           "completed" if past else "booked", feeds_service,
                                           organisation)
                    requests.append(row)
                    bookings.append(self.booking_row(w.ids(Booking, 1)[0], row, person_id,
                                                     "completed" if past else "confirmed"))
                day += timedelta(days=1)
            w.insert(InterpretingRequest, requests)
            w.insert(Booking, bookings)
            token = f"bench-feed-{size}"
            user_id = w.ids(User, 1)[0]
            w.insert(User, [dict(id=user_id, email=f"feed{size}@bench.example.org",
                                 name=f"Feed {size}", role="interpreter", person_id=person_id,
                                 locale="nl", password_hash=self.password_hash, active=True,
                                 created_at=self.now,
                                 is_contact_person=False)], "users")
            w.insert(CalendarFeed, [dict(token=token, user_id=user_id, owner="person",
                                         owner_id=person_id, created_at=self.now)])
            tokens[size] = token
        self.progress("calendar feeds of 10 and 1,000 bookings")
        return tokens


def _reset_sequences(connection, writer: Writer) -> None:
    """PostgreSQL's id sequences continue after the ids given here."""
    if connection.dialect.name != "postgresql":
        return
    for table, next_id in writer.next_id.items():
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {next_id})"))


def settle() -> None:
    """What a database does by itself after ordinary small writes, done now after a bulk
    insert: statistics for the planner; on PostgreSQL the visibility map that index-only
    scans need (autovacuum), on SQLite the write-ahead log moved into the file."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    # Outside any transaction, or SQLite refuses to checkpoint.
    raw = db.engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def generate(scale: float, seed: int = 2026, out=sys.stderr) -> Generated:
    """Fill the application's (migrated, empty) database; run in an app context."""
    plan, progress = Plan(scale), Progress(out)
    generator = Generator(plan, seed, progress)
    started = clock.perf_counter()
    with db.engine.begin() as connection:
        writer = Writer(connection, progress)
        for step in (generator.languages, generator.people, generator.qualifications,
                     generator.certificates, generator.availability,
                     generator.organisations, generator.users, generator.past,
                     generator.open_requests, generator.price_lists,
                     generator.settled_sheets):
            step(writer)
        tokens = generator.feeds(writer)
        _reset_sequences(connection, writer)
        # The rows went in around the services: the facts they keep are worked out now.
        facts.rebuild(connection)
        workload.recount(connection)
        progress("matching facts kept with the register")
    settle()
    seconds = clock.perf_counter() - started
    progress(f"done in {seconds:.0f} s")
    return Generated(plan, dict(writer.counts), seconds, generator.central_dispatcher,
                     generator.small_dispatcher, 100, tokens, generator.period,
                     dict(generator.month_sheets))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    from .database import fresh_app
    with fresh_app(args.database_url).app_context():
        result = generate(args.scale, args.seed)
    for table, count in sorted(result.counts.items()):
        print(f"{table:30} {count:>10,}")


if __name__ == "__main__":
    main()
