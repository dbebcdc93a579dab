"""Domain errors raised by the service layer; pages, API and CLI turn them into messages."""

from contextlib import contextmanager
from typing import NoReturn


class DomainError(Exception):
    """A business rule refused the action; the message says why in words a user understands."""


class PermissionDenied(DomainError):
    """The acting user may not do this."""


class NotFound(DomainError):
    """The object does not exist or is not visible to the acting user."""


class ValidationFailed(DomainError):
    """Input is invalid. `errors` maps field name to a list of messages ("__all__" for the whole)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {k: list(v) for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))

    @classmethod
    def from_django(cls, exc) -> "ValidationFailed":
        if hasattr(exc, "message_dict"):
            return cls(exc.message_dict)
        return cls({"__all__": exc.messages})


@contextmanager
def domain_errors():
    """Service errors as HTTP answers in views: not visible -> 404, not allowed -> 403."""
    from django.core.exceptions import PermissionDenied as HttpForbidden
    from django.http import Http404

    try:
        yield
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except PermissionDenied as exc:
        raise HttpForbidden(str(exc)) from exc


def refuse(field: str, message: str) -> NoReturn:
    """A service's refusal of one field's input (shown next to that field on pages, 422 in the API)."""
    raise ValidationFailed({field: [message]})
