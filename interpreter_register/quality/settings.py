"""The register's policy on feedback and renewals."""

from flask_babel import lazy_gettext as _l

from ..core import settings

settings.group("quality", _l("Feedback and renewals"), lambda user: user.keeps_register, _l(
    "These settings decide when a certificate's renewal is due and from how many ratings an "
    "interpreter sees the summary of theirs."))

RENEWAL_MONTHS = settings.define(
    "quality.renewal_months", 6,
    _l("Months before a certificate ends that its renewal is due"), minimum=1, maximum=24)
RATINGS_FOR_SUMMARY = settings.define(
    "quality.ratings_for_summary", 3,
    _l("Ratings a person needs before they see the summary (so nobody can tell who "
       "rated)"), minimum=1, maximum=20)
