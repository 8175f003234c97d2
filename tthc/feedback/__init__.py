"""What citizens say: ratings after a result or a visit, feedback on a dossier, its answer.

Citizens rate on their own phone (through the dossier's or the ticket's secret link) or at
the tablet at the exit (/danh-gia); a leader answers feedback on /can-bo/phan-anh. The
citizen's status page and the ticket page show the offer through the template global
``feedback_panel`` and ``ticket_rating``, so that intake and the queue never import this
package.
"""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

#: Defaults an instance may override (instance/config.py or TTHC_* variables).
DEFAULTS = {
    "TTHC_RATING_CHANGE_DAYS": 7,  # a rating can be changed this long after it was given
    "TTHC_RATING_RATE_LIMIT": "30 per minute",  # rating POSTs per address (phones, kiosk)
    "TTHC_RATING_LOOKUP_RATE_LIMIT": "10 per minute",  # look-ups at the kiosk per address
    "TTHC_RATING_KIOSK_SECONDS": 600,  # a look-up at the kiosk is good for this long
    "TTHC_FEEDBACK_RATE_LIMIT": "10 per hour",  # feedback texts sent per address
    # Retention (`flask retention run`, docs/feedback.md "Retention"), in days:
    "TTHC_RATING_COMMENT_DAYS": 365,  # a rating's comment is blanked
    "TTHC_RATING_KEEP_DAYS": 731,  # a rating is deleted (the year and the next, for 766)
    "TTHC_FEEDBACK_CONTACT_DAYS": 30,  # after the answer, the contact given is blanked
    "TTHC_FEEDBACK_KEEP_DAYS": 731,  # a feedback's text, answer and contact are blanked
}


@bp.record_once
def _defaults(state) -> None:
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, value)


from . import staff, views  # noqa: E402,F401
from .present import feedback_panel, masked_contact, ticket_rating  # noqa: E402

bp.add_app_template_global(feedback_panel, "feedback_panel")
bp.add_app_template_global(masked_contact, "feedback_masked_contact")
bp.add_app_template_global(ticket_rating, "ticket_rating")
