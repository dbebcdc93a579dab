import pytest


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_dashboard_counts_only_visible(world, client_for):
    page = client_for(world.users["enterprise-user"]).get("/")
    assert page.status_code == 200
    assert world.ent_a1.legal_name in page.content.decode()  # its own firm, not the register's figures
    assert world.ent_b1.legal_name not in page.content.decode()
    page = client_for(world.users["programme-officer"]).get("/")
    assert b'data-testid="total-enterprises">4<' in page.content
