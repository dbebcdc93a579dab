"""The suppliers API, mounted at /api/v1/suppliers by `triplec.web.api`.

Thin over `suppliers.services` (writes: permission, validation, transaction, ledger postings) and
`suppliers.policy` (what each caller sees). Lists are in the register's page shape (`count`, `limit`,
`offset`, `items`). Domain errors become HTTP statuses in `triplec.web.api`: ValidationFailed -> 422,
PermissionDenied -> 403, NotFound -> 404; no credentials -> 401. A programme, supplier or session the
caller may not see answers 404, like one that does not exist; one it sees but may not act on, 403.
"""

# Each module registers its endpoints on the router when imported, in this order: the OpenAPI document's.
from . import api_lists, api_setup, api_work  # noqa: F401
from .api_common import router

__all__ = ["router"]
