"""The procurement API, mounted at /api/v1/procurement by `triplec.web.api`.

Thin over `procurement.services` (writes: permission, validation, transaction, ledger postings) and
`procurement.policy` (what each caller sees). Lists are in the register's page shape (`count`, `limit`,
`offset`, `items`). Domain errors become HTTP statuses in `triplec.web.api`: ValidationFailed -> 422
{"detail", "errors"}, PermissionDenied -> 403, NotFound -> 404; no credentials -> 401.

A contract, association or programme the caller may not see answers 404, like one that does not exist;
one it sees but may not act on, 403. Members, allocations, deliveries and repairs named in a request
body are looked up in the contract or its association; anything else is a 422 field error. Payment
POSTs answer 201 when they paid now and 200 when the same payment had already been made (ledger
idempotency keys: never twice).
"""

# Each module registers its endpoints on the router when imported, in this order: the OpenAPI document's.
from . import api_contracts, api_money, api_scoreboard, api_setup, api_work  # noqa: F401
from .api_common import router

__all__ = ["router"]
