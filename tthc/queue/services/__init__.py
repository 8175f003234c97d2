"""The queue's services, by concern: ``tickets`` (numbers, the live ticket page), ``calling``
("Gọi tiếp" and the counter's actions, with the concurrency design), ``settings`` (service
groups and call order, read from the database each time), ``counters`` (ticket numbers,
the queue revision), ``hours`` (is the desk open, when does it open next), ``prefiled``
(a pre-filed dossier's QR as its ticket) and ``live`` (the counter's waiting lists and the
hall's board).

This package is the queue's one entry for other blueprints (the intake engineer's "Lấy số"
on a pre-filed dossier)::

    from tthc.queue.services import group_for_field, issue_ticket
    group = group_for_field(office.id, procedure_field)      # e.g. "ho-tich" → group B
    ticket = issue_ticket(office, group, source="phone", dossier_id=dossier.id)
    return redirect(url_for("queue.ticket", token=ticket.token), 303)

Every write runs in ``tthc.transactions.serialised()`` and commits; a database that stays
locked raises ``tthc.transactions.Busy``.
"""

from .calling import Called, NotFound, act, at_counter, call_next, served_today
from .counters import next_value, queue_revision
from .hours import Opening, opening, schedule_of
from .live import Board, GroupQueue, board, queues
from .prefiled import NoTicket, prefiling_codes
from .settings import call_policy, group_for_field, groups_of, set_call_policy
from .tickets import (TicketState, dossier_ticket_today, issue_ticket, new_request_key,
                      ticket_by_token, ticket_for_dossier, ticket_state, tickets_today,
                      wait_estimate)

__all__ = [
    "Board", "Called", "GroupQueue", "NoTicket", "NotFound", "Opening", "TicketState",
    "act", "at_counter", "board", "call_next", "call_policy", "dossier_ticket_today",
    "group_for_field", "groups_of", "issue_ticket", "new_request_key", "next_value", "opening",
    "prefiling_codes", "queue_revision", "queues", "schedule_of", "served_today",
    "set_call_policy", "ticket_by_token", "ticket_for_dossier", "ticket_state",
    "tickets_today", "wait_estimate",
]
