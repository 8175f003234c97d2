"""How a desk view posts a decision: on the dossier as the officer's page showed it, and
with every refusal turned into the officer's message on the page, never a 500.

Every decision form carries the status its page was rendered with (hidden field
``trang_thai``, templates/desk/_shown.html). ``decision`` checks it before the view writes
anything, then runs the view ``services.as_shown`` that status, so that the service's
serialised write compares it again under the lock (``services.locked``). A dossier that
another officer or the citizen changed meanwhile gets 409 and the dossier page as it now is
(for htmx the same page, swapped in), nothing written. Corrections of data (answers,
procedure, channel, scans) are not decisions: ``correction`` only turns refusals into
messages.
"""

from __future__ import annotations

import functools

from flask import redirect, request, url_for
from flask_babel import gettext

from ..domain.status import IllegalTransition, Status
from ..i18n import render_message
from ..transactions import Busy
from . import forms, services
from .pages import dossier_or_404, refusal_page, refused, stale

DESK = ("reception", "specialist", "leader")  # who reads dossiers
# Ids are 32-bit integers in the database: a longer number is a 404, not a driver error.
DOSSIER = "/can-bo/ho-so/<int(max=2147483647):dossier_id>"


def to_dossier(dossier_id: int, anchor: str | None = None):
    return redirect(url_for("desk.show", dossier_id=dossier_id, _anchor=anchor), 303)


def correction(view):
    """Turn the service's refusals into the officer's message on the page, never a 500.

    A message beside a field comes with the page and what was typed; one about the dossier
    as a whole comes alone for htmx (in the page's message area), see ``refused``; a
    dossier changed since the page was opened, as that page now is (``stale``).
    """

    @functools.wraps(view)
    def wrapper(dossier_id: int, *args, **kwargs):
        try:
            return view(dossier_id, *args, **kwargs)
        except services.Stale as changed:
            return stale(dossier_or_404(dossier_id), changed.text)
        except services.DeskRefusal as refusal:
            if refusal.field:
                return refusal_page(dossier_or_404(dossier_id), status=refusal.status,
                                    errors={refusal.field: refusal.text}, posted=request.form)
            return refused(dossier_or_404(dossier_id), refusal.text, refusal.status)
        except IllegalTransition as illegal:
            return refused(dossier_or_404(dossier_id), render_message(illegal.message))
        except Busy:
            return refused(dossier_or_404(dossier_id),
                           gettext("Hệ thống đang bận, vui lòng bấm lại."), 503)

    return wrapper


def decision(view):
    """A ``correction`` that is also a decision: posted only on the status its page showed.

    The check runs before the view (nothing is written on a stale page) and again under the
    lock of the service's write (the first ``services.locked`` of the request). A GET (Form
    02's page) is not checked.
    """

    @functools.wraps(view)
    def on_the_status_shown(dossier_id: int, *args, **kwargs):
        if request.method != "POST":
            return view(dossier_id, *args, **kwargs)
        shown = forms.ShownForm().shown
        services.check_shown(dossier_or_404(dossier_id), shown)
        with services.as_shown(shown):
            return view(dossier_id, *args, **kwargs)

    return correction(on_the_status_shown)


def invalid(dossier, form):
    """The dossier page again with the form's messages beside its fields (422); what the
    officer typed stays in the form."""
    return refusal_page(dossier, status=422, errors=form.messages(), posted=request.form)


def require_status(dossier, allowed, message: str) -> None:
    """Refuse (409, through @decision) an action the dossier's status does not allow."""
    if Status(dossier.status) not in allowed:
        raise services.DeskRefusal(message)
