"""Database models (SQLAlchemy 2.x style); import them from here."""

from .catalogue import Procedure, ProcedureVersion
from .dossier import ApplicantProfile, Dossier, DossierEvent, Upload
from . import contacts  # noqa: F401  (TicketContact: tthc.models.contacts)
from . import notify  # noqa: F401  (its tables; import its models from tthc.models.notify)
from .feedback import Feedback, Rating
from .holiday import Holiday
from .links import DossierLink
from .lookup import LookupFailure
from .office import Office
from .signin import LoginFailure
from .staff import ROLES, AccessLog, Counter, ServiceGroup, Setting, Staff, Ticket

__all__ = [
    "AccessLog", "ApplicantProfile", "Counter", "Dossier", "DossierEvent", "DossierLink",
    "Feedback", "Holiday", "LoginFailure", "LookupFailure", "Office", "Procedure",
    "ProcedureVersion", "ROLES", "Rating",
    "ServiceGroup", "Setting", "Staff", "Ticket", "Upload",
]
