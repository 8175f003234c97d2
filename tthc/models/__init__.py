"""Database models (SQLAlchemy 2.x style); import them from here."""

from .catalogue import Procedure, ProcedureVersion
from .office import Office

__all__ = ["Office", "Procedure", "ProcedureVersion"]
