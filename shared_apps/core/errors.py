"""The one error shape services raise: a stable code (an enum member) and a message for people.

Views turn it into a form message or a 4xx with the reason; nothing below the HTTP layer returns
error values or raises bare exceptions for a rule a user can break.
"""

from enum import StrEnum


class ApplicationError(Exception):
    status = 400

    def __init__(self, code: StrEnum | str, message: str, *, status: int | None = None, **extra):
        super().__init__(str(message))
        self.code = str(code)
        self.message = str(message)
        self.extra = extra
        if status is not None:
            self.status = status


class NotAllowed(ApplicationError):
    """The action is not open to this person now (closed phase, role, eligibility)."""

    status = 403


class Invalid(ApplicationError):
    """The input breaks a rule (size, type, format)."""

    status = 400
