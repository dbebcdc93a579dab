"""The /api/v1/diagnostics endpoints' wiring on the `wood` cluster (the rules are tested in
test_services.py): start, edit, state, complete, list filtered by cluster, detail, baseline."""

from __future__ import annotations

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken

pytestmark = pytest.mark.django_db
API = "/api/v1/diagnostics"


def client(user) -> Client:
    _, raw = ApiToken.issue(user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_study_through_the_api(wood):
    officer = client(wood.officer)
    started = officer.post(f"{API}/studies", {"cluster": wood.cluster.pk, "period": "2026"},
                           content_type="application/json")
    assert started.status_code == 201, started.content
    study = started.json()
    assert (study["version"], study["status"], study["period"]) == (1, "draft", "2026")
    firms = next(i for i in study["indicators"] if i["key"] == "firms")
    assert (firms["value"], firms["origin"], firms["stated"]) == (4, "computed", None)
    url = f"{API}/studies/{study['id']}"
    edited = officer.patch(url, {"attributes": {"trust": {"assessment": "weak", "text": "Few joint orders"}},
                                 "problems": [{"kind": "problem", "text": "No kiln", "priority": "high"}]},
                           content_type="application/json")
    assert edited.status_code == 200, edited.content
    trust = next(a for a in edited.json()["attributes"] if a["attribute"] == "trust")
    assert (trust["assessment"], trust["text"]) == ("weak", "Few joint orders")
    stated = officer.put(f"{url}/indicators/employment", {"value": 310, "source": "Survey"},
                         content_type="application/json").json()
    employment = next(i for i in stated["indicators"] if i["key"] == "employment")
    assert (employment["value"], employment["origin"], employment["computed"]["value"]) == (310, "stated", 275)
    assert officer.patch(url, {"competitive_path": "sideways"}, content_type="application/json").status_code == 422
    assert officer.get(f"{API}/baseline/{wood.cluster.pk}").status_code == 404
    assert officer.post(f"{url}/complete").json()["status"] == "completed"
    assert officer.patch(url, {"summary": "late"}, content_type="application/json").status_code == 422
    base = officer.get(f"{API}/baseline/{wood.cluster.pk}").json()
    assert base["figures"]["employment"] == {"label": "Employment", "value": 310.0, "unit": "employees",
                                             "origin": "stated"}
    officer.post(f"{API}/studies", {"cluster": wood.cluster.pk}, content_type="application/json")
    page = officer.get(f"{API}/studies?cluster={wood.cluster.pk}").json()
    assert page["count"] == 2 and [s["version"] for s in page["items"]] == [2, 1]
    assert officer.get(f"{API}/studies?cluster=0").json()["count"] == 0
