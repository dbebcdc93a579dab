"""Generated requests against the enterprise endpoints (a small, schemathesis-style check with
Hypothesis): whatever the query or body, the API answers 2xx or a 4xx with field errors, never a
server error, pages are consistent with their total, and a refused create writes nothing."""

import json
import math

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triplec.accounts.models import ApiToken
from triplec.registry.models import Enterprise, Membership

API = "/api/v1"
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["", " ", "1610", "C", "16", "25.11", "isic4", "nace2", "BR", "-4.3", "true", "micro"]),
)
query_values = st.one_of(
    st.text(max_size=12), st.integers(min_value=-5, max_value=10**6).map(str),
    st.sampled_from(["true", "false", "micro", "large", "name", "-employees", "isic4", "C", "16", "BR", ""]),
)
query = st.dictionaries(
    st.sampled_from(["q", "sector", "classification", "territory", "size", "association", "exporter",
                     "country", "sort", "limit", "offset"]),
    query_values, max_size=6,
)
enterprise_fields = ["legal_name", "trade_name", "country", "national_id", "sector_classification",
                     "sector_code", "employees", "founding_year", "address", "postal_code", "territory_id",
                     "latitude", "longitude", "exporter", "email", "phone", "website"]
body = st.dictionaries(st.sampled_from(enterprise_fields + ["id", "size_class"]), scalars, max_size=10)
coordinates = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                        st.floats(min_value=-200, max_value=200))
coordinate_pair = st.fixed_dictionaries({"latitude": coordinates, "longitude": coordinates})
valid_base = {"legal_name": "Fuzz Ltda", "country": "BR", "national_id": "FUZZ-1",
              "sector_classification": "isic4", "sector_code": "1610"}


def _client(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _dumps(data) -> str:
    # Python's json writes NaN/Infinity; keep them: clients do send such bodies.
    return json.dumps(data)


def test_generated_list_queries_never_fail_and_pages_add_up(world):
    client = _client(world.users["programme-officer"])

    @FUZZ
    @given(params=query)
    def check(params):
        response = client.get(f"{API}/enterprises", params)
        assert response.status_code in (200, 422), (params, response.content)
        data = response.json()
        if response.status_code == 422:
            assert data["errors"] and all(isinstance(v, list) for v in data["errors"].values())
            return
        expected = max(0, min(data["limit"], data["count"] - data["offset"]))
        assert len(data["items"]) == expected, params
        assert data["count"] <= 4

    check()


def test_generated_create_bodies_never_crash_or_write_partially(world):
    client = _client(world.users["association-manager"])

    @FUZZ
    @given(extra=body, pair=coordinate_pair, drop=st.sets(st.sampled_from(sorted(valid_base)), max_size=2))
    def check(extra, pair, drop):
        payload = {k: v for k, v in {**valid_base, **pair, **extra}.items() if k not in drop}
        with transaction.atomic():
            before = (Enterprise.objects.count(), Membership.objects.count())
            response = client.post(f"{API}/enterprises", _dumps(payload), content_type="application/json")
            after = (Enterprise.objects.count(), Membership.objects.count())
            transaction.set_rollback(True)
        assert response.status_code in (201, 400, 422), (payload, response.content)
        if response.status_code == 201:
            created = response.json()
            assert after == (before[0] + 1, before[1] + 1)  # the enterprise and its membership
            for key in ("latitude", "longitude"):
                assert created[key] is None or math.isfinite(created[key])
                assert created[key] is None or abs(created[key]) <= (90 if key == "latitude" else 180)
            assert (created["latitude"] is None) == (created["longitude"] is None)
        else:
            assert after == before, payload
            if response.status_code == 422:
                assert response.json()["errors"], payload

    check()
