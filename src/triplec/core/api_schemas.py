"""Shapes every app's REST API shares: the error answers (see `triplec.web.api` for the statuses)."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict


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
