"""Refusals of the ledger, as domain errors that pages, API and CLI show as they are."""

from triplec.core.errors import DomainError


class LedgerError(DomainError):
    """A posting or reversal the ledger refuses."""


class Unbalanced(LedgerError):
    """The legs of a transaction do not sum to zero."""


class CurrencyMismatch(LedgerError):
    """Legs in a currency other than the transaction's, or an account kept in another currency."""


class UnknownCurrency(LedgerError):
    """Not an ISO 4217 currency code."""


class LimitExceeded(LedgerError):
    """The posting would take an account below its floor or above its ceiling."""


class AlreadyReversed(LedgerError):
    """A transaction is reversed at most once."""


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for a different posting."""
