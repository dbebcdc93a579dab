"""Shared fixtures: a small world with an agency, two associations, enterprises and one user per role.

`world` gives every role plus an "other organisation" user for the permission matrix:
  world.users["agency-admin"], ..., world.users["association-manager"] (manages assoc_a),
  world.users["other-association-manager"] (manages assoc_b), world.users["enterprise-user"]
  (works at ent_a1), world.users["other-enterprise-user"] (works at ent_b1).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import pytest
import time_machine

PASSWORD = "Triplec-test-pw-2026"


def cnpj(root: int, formatted: bool = False) -> str:
    """A valid CNPJ (head office of the firm `root`, up to 8 digits), as stored or as people write it."""
    from stdnum.br import cnpj as brazil

    number = f"{root:08d}0001" + brazil.calc_check_digits(f"{root:08d}0001")
    return brazil.format(number) if formatted else number


def siren(root: int) -> str:
    """A valid French SIREN (8 digits + the Luhn check digit)."""
    from stdnum import luhn

    return f"{root:08d}" + luhn.calc_check_digit(f"{root:08d}")


_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences",
                                 "django_db_serialized_rollback"})


@pytest.hookimpl(tryfirst=True)  # before xdist (--dist loadgroup) reads the groups
def pytest_collection_modifyitems(config, items):
    """A test that asks for no database is marked `nodb`, so the PostgreSQL pass (scripts/test.sh) does
    not run it a second time: the database cannot change its outcome. The tests of a module that share a
    module-scoped fixture run in one test process, so the fixture is built once per run."""
    for item in items:
        if item.get_closest_marker("django_db") is None and not _DATABASE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.nodb)
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        if any(defs and defs[-1].scope == "module" for defs in definitions.values()):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


SESSION_DAY = date.today()  # modules keep `TODAY = date.today()` from collection time


@contextmanager
def clock_on(day: date):
    """The clock as it is on `day`; at noon of `day` (still ticking) once the real date has moved on."""
    if date.today() == day:
        yield
        return
    with time_machine.travel(datetime.combine(day, time(12), tzinfo=UTC), tick=True):
        yield


@pytest.fixture(autouse=True)
def _same_day_all_session():
    """A run that passes midnight would compare yesterday's module-level TODAY with the services'
    today (CI failed so once): every test runs on the day the session began."""
    with clock_on(SESSION_DAY):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check the real hasher opt back in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page asked in pt-br or es leaves that language active in the thread (LocaleMiddleware does
    not switch back); service messages in later tests are checked in English."""
    yield
    from django.utils import translation

    translation.activate("en")


@dataclass
class World:
    agency: object
    assoc_a: object
    assoc_b: object
    buyer: object
    ent_a1: object
    ent_a2: object
    ent_b1: object
    ent_none: object
    users: dict = field(default_factory=dict)


def make_enterprise(**kw):
    from triplec.registry.models import Enterprise

    defaults = dict(legal_name="Firm", country="BR", sector_classification="isic4", sector_code="1610",
                    sector_section="C", employees=12)
    defaults.update(kw)
    return Enterprise.objects.create(**defaults)


@pytest.fixture
def world(db):
    from triplec.accounts.models import User
    from triplec.registry.models import Membership, Organisation, OrganisationKind, Territory

    br = Territory.objects.create(level="country", code="BR", name="Brazil")
    ce = Territory.objects.create(level="region", code="CE", name="Ceará", parent=br)
    aruaru = Territory.objects.create(level="municipality", code="2301950", name="São João do Aruaru", parent=ce)
    agency = Organisation.objects.create(kind=OrganisationKind.SUPPORT_AGENCY, name="Agency", country="BR")
    assoc_a = Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, name="Sawmills Assoc",
                                          country="BR", territory=aruaru)
    assoc_b = Organisation.objects.create(kind=OrganisationKind.BUSINESS_ASSOCIATION, name="Shoe Assoc",
                                          country="BR")
    buyer = Organisation.objects.create(kind=OrganisationKind.BUYER_PUBLIC, name="State Purchasing",
                                        country="BR")
    ent_a1 = make_enterprise(legal_name="Serraria Alfa Ltda", national_id=cnpj(11111111),
                             territory=aruaru, latitude=-4.3, longitude=-38.9)
    ent_a2 = make_enterprise(legal_name="Marcenaria Beta", national_id=cnpj(22222222),
                             territory=aruaru, employees=3)
    ent_b1 = make_enterprise(legal_name="Calçados Gama", national_id=cnpj(33333333),
                             sector_code="1520", employees=80, latitude=-29.7, longitude=-51.1)
    ent_none = make_enterprise(legal_name="Metalúrgica Delta", national_id=cnpj(44444444),
                               sector_code="2511", employees=300)
    Membership.objects.create(enterprise=ent_a1, association=assoc_a, start_date=date(2020, 1, 1))
    Membership.objects.create(enterprise=ent_a2, association=assoc_a, start_date=date(2021, 1, 1))
    Membership.objects.create(enterprise=ent_b1, association=assoc_b, start_date=date(2019, 1, 1))
    w = World(agency, assoc_a, assoc_b, buyer, ent_a1, ent_a2, ent_b1, ent_none)

    def user(name, role, **kw):
        u = User(username=name, role=role, **kw)
        u.set_password(PASSWORD)
        u.save()
        w.users[name] = u

    user("agency-admin", "agency-admin", organisation=agency, is_staff=True)
    user("programme-officer", "programme-officer", organisation=agency)
    user("broker", "broker", organisation=agency)
    user("evaluator", "evaluator")
    user("association-manager", "association-manager", organisation=assoc_a)
    user("other-association-manager", "association-manager", organisation=assoc_b)
    user("enterprise-user", "enterprise-user", enterprise=ent_a1)
    user("other-enterprise-user", "enterprise-user", enterprise=ent_b1)
    return w


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client logged in as user (None: anonymous)."""
    from django.test import Client

    def _make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return _make
