"""Shapes every app's REST API shares: the error answers (see `triplec.web.api` for the statuses)."""

from __future__ import annotations

import dataclasses
import typing

from ninja import Field, Schema
from pydantic import ConfigDict, create_model


class InputSchema(Schema):
    """Input that forbids unknown fields, so a misspelt field name is a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description='Field name to messages; "__all__" for errors about the whole record.')


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def schema_of(record: type, name: str, *, leave_out: tuple[str, ...] = (), **more) -> type[Schema]:
    """The API shape of a service's dataclass `record`: its fields (less `leave_out`) plus `more` (name=type,
    say a property's value), so the answer and the record cannot drift apart. `name` names it in the docs."""
    hints = typing.get_type_hints(record)
    fields = {f.name: (hints[f.name], ... if f.default is dataclasses.MISSING else f.default)
              for f in dataclasses.fields(record) if f.name not in leave_out}
    fields.update({key: (kind, ...) for key, kind in more.items()})
    return create_model(name, __base__=Schema, __module__=record.__module__, **fields)


def answers(status: int, schema, *errors: int) -> dict:
    """An endpoint's `response=`: `schema` at `status`, and the shared error shapes at the `errors` codes."""
    return {status: schema, **{code: ERRORS[code] for code in errors}}


def repeatable_answers(schema) -> dict:
    """A POST that an idempotency key makes safe to repeat (a ledger entry, a payment): 201 when it was
    done now, 200 when the same had been done before; and 401, 403, 404, 422."""
    return {201: schema, 200: schema, **{code: ERRORS[code] for code in (401, 403, 404, 422)}}


def list_page(queryset, limit: int, offset: int) -> dict:
    """One page of a list endpoint: the total count and the items from `offset`."""
    return {"count": queryset.count(), "limit": limit, "offset": offset,
            "items": list(queryset[offset:offset + limit])}
