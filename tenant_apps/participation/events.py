"""What happened in a process, published for whoever listens (notifications, later webhooks).

The kernel publishes; interaction apps subscribe in their AppConfig.ready(). Listeners run after
the transaction commits, so a rolled-back change never notifies anyone.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction


class Event(StrEnum):
    PHASE_STARTED = "phase_started"
    CONTRIBUTION_CREATED = "contribution_created"
    STATUS_CHANGED = "status_changed"
    ANSWER_PUBLISHED = "answer_published"
    COMMENT_POSTED = "comment_posted"
    CONTENT_HIDDEN = "content_hidden"
    CONTENT_RESTORED = "content_restored"


@dataclass(frozen=True)
class Happening:
    event: Event
    process_id: int | None = None
    contribution_id: int | None = None
    actor_id: int | None = None
    # Accounts told directly (the author of a hidden comment), besides the followers of the targets.
    recipient_ids: tuple[int, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


_listeners: dict[str, Callable[[Happening], None]] = {}


def listener_register(name: str, listener: Callable[[Happening], None]) -> None:
    _listeners.setdefault(name, listener)


def event_publish(happening: Happening) -> None:
    """Deliver `happening` to every listener once the current transaction commits."""

    def deliver():
        for listener in list(_listeners.values()):
            listener(happening)

    transaction.on_commit(deliver)
