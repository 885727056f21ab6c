"""The register's models: people and languages, certificates, the quality track and the
revision protocol. Split by subject; import them from here."""

from .certificates import Certificate, CertificateStatus, CertificateStatusChange
from .enums import Direction, Domain, Gender, Modality, QualificationKind, Tier
from .imports import ImportRun, ImportStage
from .people import Language, Person, PersonDomain, PersonModality, PersonRegion, Qualification
from .tiers import QualificationTier
from .tracks import (
    QualityTrackStep,
    Revision,
    RevisionTrack,
    StepResult,
    TrackStep,
    Verdict,
)

__all__ = [
    "Certificate", "CertificateStatus", "CertificateStatusChange", "Direction", "Domain",
    "Gender", "ImportRun", "ImportStage", "Language", "Modality", "Person", "PersonDomain",
    "PersonModality", "PersonRegion", "Qualification", "QualificationKind",
    "QualificationTier", "QualityTrackStep", "Revision", "RevisionTrack", "StepResult", "Tier",
    "TrackStep", "Verdict",
]
