"""The register's policy settings: certificate validity and the revision protocol."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from ..core import settings

settings.group("register", _l("Register policy"), lambda user: user.keeps_register, _l(
    "These settings decide how long certificates are valid and when a translator becomes "
    "reliable under the revision protocol."))

CERTIFICATE_YEARS = settings.define(
    "register.certificate_years", 5, _l("Years a certificate is valid"),
    help=_l("Proposed as the re-certification date when a certificate is issued."),
    minimum=1, maximum=20)
POSITIVES_NEEDED = settings.define(
    "register.revision_positives_needed", 5,
    _l("Positive revisions in a row that make a translator reliable"), minimum=1, maximum=50)
WITH_REMARKS = settings.define(
    "register.revision_with_remarks", "counts",
    _l("A positive revision with remarks"),
    choices=(("counts", _l("counts as positive")),
             ("neutral", _l("neither counts nor resets the count")),
             ("resets", _l("resets the count, like a negative one"))))


@dataclass(frozen=True)
class RegisterPolicy:
    certificate_years: int = 5
    positives_needed: int = 5
    with_remarks: str = "counts"


def current_policy(executor=None) -> RegisterPolicy:
    """The policy as the settings now say, read in one query (on ``executor``, a session or
    a connection, when given)."""
    stored = settings.values("register.", executor)
    return RegisterPolicy(certificate_years=stored[CERTIFICATE_YEARS.key],
                          positives_needed=stored[POSITIVES_NEEDED.key],
                          with_remarks=stored[WITH_REMARKS.key])


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
