"""The register's fixed lists, each value with its translated label."""

from enum import IntEnum, StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p


class Labelled:
    @property
    def label(self):
        return self.LABELS[self.value]


class QualificationKind(Labelled, StrEnum):
    INTERPRETING = "interpreting"
    TRANSLATION = "translation"

    @property
    def modalities(self) -> tuple:
        """The ways of working a qualification of this kind covers."""
        if self == QualificationKind.TRANSLATION:
            return (Modality.WRITTEN,)
        return (Modality.ON_SITE, Modality.PHONE, Modality.VIDEO)


QualificationKind.LABELS = {"interpreting": _l("Interpreting"),
                            "translation": _l("Translation")}


class Direction(Labelled, StrEnum):
    """Which way a qualification goes: interpreting goes both ways, a translation one way."""

    BOTH = "both"
    INTO_WORKING = "into_working"   # from the language into the working language
    FROM_WORKING = "from_working"   # from the working language into the language


Direction.LABELS = {"both": _l("both ways"), "into_working": _l("into the working language"),
                    "from_working": _l("from the working language")}


class Modality(Labelled, StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"
    VIDEO = "video"
    WRITTEN = "written"


Modality.LABELS = {"on_site": _l("On site"), "phone": _l("By telephone"),
                   "video": _l("By video"), "written": _l("Written translation")}
# The same in the middle of a sentence ("Interpreting Arabic ↔ Dutch — on site"): each
# language decides its own capitals (German keeps "vor Ort").
Modality.IN_SENTENCE = {"on_site": _p("in a sentence", "on site"),
                        "phone": _p("in a sentence", "by telephone"),
                        "video": _p("in a sentence", "by video"),
                        "written": _p("in a sentence", "written translation")}


class Domain(Labelled, StrEnum):
    MEDICAL = "medical"
    MENTAL_HEALTH = "mental_health"
    SOCIAL_WELFARE = "social_welfare"
    EDUCATION = "education"
    ASYLUM_AND_RESIDENCE = "asylum_and_residence"
    LEGAL_ADVICE = "legal_advice"
    CHILD_AND_FAMILY = "child_and_family"


Domain.LABELS = {"medical": _l("Medical"), "mental_health": _l("Mental health"),
                 "social_welfare": _l("Social welfare"), "education": _l("Education"),
                 "asylum_and_residence": _l("Asylum and residence"),
                 "legal_advice": _l("Legal advice"), "child_and_family": _l("Child and family")}


class Gender(Labelled, StrEnum):
    FEMALE = "female"
    MALE = "male"
    X = "x"


Gender.LABELS = {"female": _l("Woman"), "male": _l("Man"), "x": _l("X (another gender)")}


class Tier(Labelled, IntEnum):
    """How qualified a person is for a pair on a date; lower values rank higher."""

    CERTIFIED = 1
    RELIABLE = 2
    IN_TRACK = 3
    REGISTERED = 4

    @property
    def label(self):
        return TIER_LABELS[self]


TIER_LABELS = {Tier.CERTIFIED: _l("Certified"),
               Tier.RELIABLE: _l("Reliable (revision protocol)"),
               Tier.IN_TRACK: _l("In the quality track"),
               Tier.REGISTERED: _l("Registered")}
