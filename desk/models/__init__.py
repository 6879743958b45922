"""All ORM models; importing this module registers every table on Base.metadata."""

from desk.models.base import Audited, Base, Versioned
from desk.models.complaints import (
    Attachment,
    CaseSequence,
    Complaint,
    ComplaintEvent,
    ComplaintParty,
    ComplaintPause,
    Consultation,
    Referral,
)
from desk.models.core import AuditLog, Business, HolidayOverride, Office, Setting, User, VocabItem

# Each later module keeps its tables in its own file; importing registers them on Base.metadata.
from desk.models import mediation, outreach, rosters, trust_units  # noqa: E402, F401  isort: skip

__all__ = [
    "Attachment",
    "CaseSequence",
    "Complaint",
    "ComplaintEvent",
    "ComplaintParty",
    "ComplaintPause",
    "Consultation",
    "Referral",
    "Audited",
    "AuditLog",
    "Base",
    "Business",
    "HolidayOverride",
    "Office",
    "Setting",
    "User",
    "Versioned",
    "VocabItem",
]
