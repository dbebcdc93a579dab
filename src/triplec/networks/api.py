"""The networks REST API, mounted at /api/v1/networks by `triplec.web.api`.

Thin over `networks.services` (writes: permission, validation, transaction) and
`networks.selectors` (reads scoped by `networks.policy`). Domain errors become HTTP statuses in
`triplec.web.api`: ValidationFailed (and GateNotPassed) -> 422 {"detail", "errors"},
PermissionDenied -> 403, NotFound -> 404; no credentials -> 401.

A network the caller may not see answers 404, like one that does not exist. Firms, organisations
and users named in a request body are looked up in the caller's scope; unknown or invisible ones
give the same 422 field error. Ledger POSTs answer 201 for a new entry and 200 when the same
idempotency key and content were already recorded.
"""

# Each module registers its endpoints on the router when imported, in this order: the OpenAPI document's.
from . import api_networks, api_records  # noqa: F401
from .api_common import router

__all__ = ["router"]
