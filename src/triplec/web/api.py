"""The REST API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

import re

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from triplec.accounts.models import ApiToken
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Logged-in browser sessions may call the API too (with CSRF protection on writes)."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest):
        # Check CSRF only for a signed-in session: a request with no session (or a bad bearer
        # token) must answer 401 Unauthorized, not 403 "CSRF check failed".
        if not self.authenticate(request, None):
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class TriplecAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`triplec_<app>_api_<function>` whichever module of the app's API defines it (`api_records`...):
        clients generate code from these ids, so splitting a module must not change them."""
        module = re.sub(r"\.api_\w+$", ".api", operation.view_func.__module__)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = TriplecAPI(
    title="triplec API",
    version="1",
    description=(
        "The triplec platform for SME support agencies: the enterprise register (enterprises, organisations, "
        "associations, memberships, territories), cluster mapping (mapping runs as background tasks, their "
        "results, cluster records and their footprints), brokered networks and PROFOs (stages and gates, "
        "members, activities, costs, contributions, evaluations, independence, the portfolio), public procurement "
        "through producers' associations (`/procurement`), trade fairs with firms' participations, subsidies and "
        "buyers (`/fairs`), real service centres (`/services`: centres and their catalogue, fees, "
        "memberships, bookings, publications, usage, finance and the subcontracting exchange) and, for agency "
        "administrators, users and their API tokens (`/users`). Every answer is scoped to the caller's role "
        "as on the pages; objects the caller may not see answer 404. Authenticate with "
        "`Authorization: Bearer TOKEN` (an agency administrator issues tokens on a user's page, "
        "`POST /api/v1/users/{id}/tokens`, or the operator with `triplec token USERNAME`); a signed-in "
        "browser session works too. "
        "Supplier upgrading programmes anchored on a large buyer, their suppliers and KPIs: `/suppliers`. "
        "Triple C scorecards of every intervention and programme, and the firm panel: `/evaluation`. "
        "The caller's own notices of what is due (with the link to act): `/notifications`. "
        "Diagnostic studies of cluster records, versioned, and each cluster's baseline: `/diagnostics`."),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(ValidationFailed)
def _validation_failed(request, exc: ValidationFailed):
    return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=422)


@api.exception_handler(SchemaValidationError)
def _schema_invalid(request, exc: SchemaValidationError):
    """Request shape errors (missing field, wrong type, unknown field) in the same form as
    ValidationFailed: {"detail": "...", "errors": {"field": ["message", ...]}}."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] == "body":
            loc = loc[2:]  # ("body", "payload", "field") -> field; ("body", "payload") -> whole body
        elif loc and loc[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
            loc = loc[1:]
        errors.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", "Invalid value."))
    return _validation_failed(request, ValidationFailed(errors))


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(NotFound)
def _not_found(request, exc: NotFound):
    return api.create_response(request, {"detail": str(exc)}, status=404)


def _register_routers():
    from triplec.networks.api import router as networks_router
    from triplec.registry.api import router as registry_router

    api.add_router("/", registry_router)
    api.add_router("/networks", networks_router)

    from triplec.clusters.api import router as clusters_router

    api.add_router("/clusters", clusters_router)
    from triplec.clusters.regional_api import router as regional_router

    api.add_router("/clusters/series", regional_router)

    from triplec.accounts.api import router as users_router

    api.add_router("/users", users_router)

    from triplec.procurement.api import router as procurement_router

    api.add_router("/procurement", procurement_router)

    from triplec.fairs.api import router as fairs_router

    api.add_router("/fairs", fairs_router)

    from triplec.centres.api import router as centres_router

    api.add_router("/services", centres_router)  # the app is `centres`; the issue names the API /services
    from triplec.suppliers.api import router as suppliers_router

    api.add_router("/suppliers", suppliers_router)
    from triplec.evaluation.api import router as evaluation_router

    api.add_router("/evaluation", evaluation_router)
    from triplec.notifications.api import router as notifications_router

    api.add_router("/notifications", notifications_router)
    from triplec.diagnostics.api import router as diagnostics_router

    api.add_router("/diagnostics", diagnostics_router)


_register_routers()
