"""Database models (SQLAlchemy 2.x style); import them from here."""

from .catalogue import Procedure, ProcedureVersion
from .dossier import ApplicantProfile, Dossier, DossierEvent, Upload
from .links import DossierLink
from .office import Office
from .staff import ROLES, AccessLog, Counter, ServiceGroup, Setting, Staff, Ticket

__all__ = [
    "AccessLog", "ApplicantProfile", "Counter", "Dossier", "DossierEvent", "DossierLink",
    "Office", "Procedure", "ProcedureVersion", "ROLES", "ServiceGroup", "Setting", "Staff",
    "Ticket", "Upload",
]
