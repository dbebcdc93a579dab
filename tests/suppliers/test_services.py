"""Every rule of the supplier-programme services: the buyer's consent, enrolment (homeworkers too),
diagnostics, plans, training, and the cost sharing on the ledger checked to the cent."""

from datetime import date
from decimal import Decimal as D

import pytest
from tests.suppliers.conftest import CONSENTED, ENROLLED, STARTED, scores

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.ledger.models import Transaction
from triplec.registry.models import Organisation, OrganisationKind
from triplec.suppliers.models import ActionStatus, Attendance, Cost, Supplier
from triplec.suppliers.services import costs, diagnostics, programmes, training

pytestmark = pytest.mark.django_db
DAY = date(2026, 2, 3)


# --- programmes, consent, enrolment --------------------------------------------------------------------

def test_a_programme_is_anchored_on_a_large_buyer_only(shoes):
    with pytest.raises(ValidationFailed, match="anchored on a large buyer"):
        programmes.create_programme(shoes.admin, name="X", buyer=shoes.world.buyer, currency="BRL", started_on=STARTED)


def test_only_agency_staff_set_up_programmes(shoes):
    for who in ("buyer-staff", "broker", "enterprise-user"):
        with pytest.raises(PermissionDenied):
            programmes.create_programme(shoes.world.users[who], name="X", buyer=shoes.buyer, currency="BRL",
                                        started_on=STARTED)


def test_shares_beyond_the_whole_cost_are_refused(shoes):
    with pytest.raises(ValidationFailed, match="cannot exceed the whole cost"):
        programmes.create_programme(shoes.admin, name="X", buyer=shoes.buyer, currency="BRL", started_on=STARTED,
                                    agency_share="0.7", supplier_share="0.4")
    with pytest.raises(ValidationFailed, match="between 0 and 1"):
        programmes.create_programme(shoes.admin, name="X", buyer=shoes.buyer, currency="BRL", started_on=STARTED,
                                    agency_share="1.5")


def test_no_enrolment_before_the_buyers_consent(shoes):
    fresh = programmes.create_programme(shoes.admin, name="New", buyer=shoes.buyer, currency="BRL", started_on=STARTED)
    with pytest.raises(ValidationFailed, match="before the large buyer's consent"):
        programmes.enrol_enterprise(shoes.admin, fresh, shoes.world.ent_a2, on=DAY)
    with pytest.raises(ValidationFailed, match="before the large buyer's consent"):
        programmes.enrol_homeworker(shoes.admin, fresh, name="João", product="Soles", on=DAY)
    programmes.record_consent(shoes.admin, fresh, given_by="Ana", given_on=DAY, reference="Doc 1")
    with pytest.raises(ValidationFailed, match="cannot be enrolled before"):
        programmes.enrol_enterprise(shoes.admin, fresh, shoes.world.ent_a2, on=date(2026, 2, 2))
    assert programmes.enrol_enterprise(shoes.admin, fresh, shoes.world.ent_a2, on=DAY).enrolled_on == DAY


def test_consent_names_who_and_the_document_and_is_recorded_once(shoes):
    fresh = programmes.create_programme(shoes.admin, name="New", buyer=shoes.buyer, currency="BRL", started_on=STARTED)
    with pytest.raises(ValidationFailed) as refused:
        programmes.record_consent(shoes.admin, fresh, given_by=" ", given_on=DAY, reference="")
    assert set(refused.value.errors) == {"given_by", "reference"}
    programmes.record_consent(shoes.admin, fresh, given_by="Ana", given_on=DAY, reference="Doc 1")
    fresh.refresh_from_db()
    assert (fresh.consent_by, fresh.consent_on, fresh.consent_reference) == ("Ana", DAY, "Doc 1")
    with pytest.raises(ValidationFailed, match="already recorded"):
        programmes.record_consent(shoes.admin, fresh, given_by="Bob", given_on=DAY, reference="Doc 2")
    with pytest.raises(PermissionDenied):
        programmes.record_consent(shoes.staff, shoes.programme, given_by="x", given_on=DAY, reference="y")


def test_homeworkers_are_kept_without_an_identifier_and_enterprises_once(shoes):
    assert shoes.homeworker.is_homeworker and shoes.homeworker.enterprise is None
    assert str(shoes.homeworker) == "Maria das Dores" and shoes.homeworker.municipality.code == "2301950"
    with pytest.raises(ValidationFailed, match="already a supplier"):
        programmes.enrol_enterprise(shoes.admin, shoes.programme, shoes.world.ent_a1, on=DAY)
    with pytest.raises(ValidationFailed, match="homeworker's name"):
        programmes.enrol_homeworker(shoes.admin, shoes.programme, name=" ", product="Soles", on=DAY)
    with pytest.raises(ValidationFailed, match="Choose a municipality"):
        programmes.enrol_homeworker(shoes.admin, shoes.programme, name="João", product="Soles", on=DAY,
                                    municipality=shoes.homeworker.municipality.parent)
    assert Supplier.objects.filter(programme=shoes.programme).count() == 2


# --- diagnostics and cost sharing ---------------------------------------------------------------------

def balances(programme):
    b = costs.programme_balances(programme)
    return b.spent, b.agency, b.buyer, b.suppliers


def test_diagnostic_scores_every_area_and_its_cost_is_shared_half_and_half_to_the_cent(shoes):
    d = diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=DAY, consultant="Q-Consult",
                                      cost="1234.57", scores=scores(quality=1, delivery=3))
    assert diagnostics.scores_by_area(d) == {"quality": 1, "delivery": 3, "cost": 2, "technology": 2, "management": 2}
    cost = Cost.objects.get(diagnostic=d)
    # 1234.57 x 0.5 = 617.285 -> the agency 617.29 (halves up); the buyer the rest, 617.28.
    assert (cost.total, cost.agency, cost.buyer, cost.supplier) == (D("1234.57"), D("617.29"), D("617.28"), D(0))
    assert balances(shoes.programme) == (D("1234.57"), D("617.29"), D("617.28"), D(0))


def test_a_three_way_rule_and_a_training_session_to_the_cent(shoes):
    p = programmes.create_programme(shoes.admin, name="Three-way", buyer=shoes.buyer, currency="BRL",
                                    started_on=STARTED, agency_share="0.6", supplier_share="0.1")
    programmes.record_consent(shoes.admin, p, given_by="Ana", given_on=CONSENTED, reference="Doc")
    s = programmes.enrol_enterprise(shoes.admin, p, shoes.world.ent_a2, on=ENROLLED)
    d = diagnostics.record_diagnostic(shoes.admin, s, carried_out_on=DAY, consultant="C", cost="999.99",
                                      scores=scores())
    # agency 599.994 -> 599.99; supplier 99.999 -> 100.00; buyer 999.99 - 599.99 - 100.00 = 300.00
    cost = Cost.objects.get(diagnostic=d)
    assert (cost.agency, cost.supplier, cost.buyer) == (D("599.99"), D("100.00"), D("300.00"))
    # A session's supplier share is borne by the buyer: 333.33 x 0.6 = 199.998 -> 200.00; buyer 133.33.
    session = training.create_session(shoes.admin, p, title="5S", kind="technical", held_on=DAY, cost="333.33")
    assert (session.cost_posting.agency, session.cost_posting.buyer, session.cost_posting.supplier) == (
        D("200.00"), D("133.33"), D(0))
    b = costs.programme_balances(p)
    assert (b.spent, b.agency, b.buyer, b.suppliers, b.by_supplier) == (
        D("1333.32"), D("799.99"), D("433.33"), D("100.00"), {s.pk: D("100.00")})
    assert b.agency + b.buyer + b.suppliers == b.spent


def test_a_cent_split_never_leaves_the_buyer_below_zero():
    from triplec.suppliers.models import Programme

    p = Programme(agency_share=D("0.5"), supplier_share=D("0.5"))
    parts = costs.split(p, D("0.01"))
    assert (parts.agency, parts.supplier, parts.buyer) == (D("0.01"), D(0), D(0))
    parts = costs.split(p, D("0.03"))  # 0.015 -> 0.02 for the agency, the supplier the 0.01 left
    assert (parts.agency, parts.supplier, parts.buyer) == (D("0.02"), D("0.01"), D(0))


def test_the_cost_is_posted_once_even_when_charged_again(shoes):
    d = diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=DAY, consultant="C", cost="100.00",
                                      scores=scores())
    before = Transaction.objects.count()
    assert costs.charge_diagnostic(shoes.admin, d) == Cost.objects.get(diagnostic=d)
    assert Transaction.objects.count() == before
    assert balances(shoes.programme)[0] == D("100.00")


def test_diagnostic_refusals(shoes):
    good = {"carried_out_on": DAY, "consultant": "C", "cost": "10.00"}
    with pytest.raises(ValidationFailed, match="missing: management"):
        diagnostics.record_diagnostic(shoes.admin, shoes.supplier, scores={
            k: v for k, v in scores().items() if k != "management"}, **good)
    with pytest.raises(ValidationFailed) as refused:
        diagnostics.record_diagnostic(shoes.admin, shoes.supplier, scores=scores(quality=6), **good)
    assert "score_quality" in refused.value.errors
    with pytest.raises(ValidationFailed, match="cents"):
        diagnostics.record_diagnostic(shoes.admin, shoes.supplier, scores=scores(),
                                      **{**good, "cost": "10.001"})
    with pytest.raises(ValidationFailed, match="comes after"):
        diagnostics.record_diagnostic(shoes.admin, shoes.supplier, scores=scores(),
                                      **{**good, "carried_out_on": date(2026, 1, 14)})
    with pytest.raises(PermissionDenied):
        diagnostics.record_diagnostic(shoes.staff, shoes.supplier, scores=scores(), **good)
    assert not Cost.objects.exists() and not Transaction.objects.exists()


def test_areas_are_data_a_retired_area_is_not_asked_and_a_new_one_is(shoes):
    from triplec.suppliers.models import Area

    Area.objects.filter(code="technology").update(active=False)
    Area.objects.create(code="design", name="Design", order=9)
    with pytest.raises(ValidationFailed, match="missing: design"):
        diagnostics.record_diagnostic(shoes.admin, shoes.homeworker, carried_out_on=DAY, consultant="C", cost="0",
                                      scores={k: v for k, v in scores().items() if k != "technology"})
    d = diagnostics.record_diagnostic(shoes.admin, shoes.homeworker, carried_out_on=DAY, consultant="C", cost="0",
                                      scores={**{k: v for k, v in scores().items() if k != "technology"},
                                              "design": (4, "")})
    assert diagnostics.scores_by_area(d)["design"] == 4
    assert not Cost.objects.exists()  # nothing to share on a free diagnostic


# --- improvement plan ------------------------------------------------------------------------------------

def test_plan_actions_have_owners_and_move_to_done(shoes):
    action = diagnostics.add_action(shoes.staff, shoes.supplier, description="Incoming inspection", owner="buyer-staff",
                                    due_on=date(2026, 4, 1))
    assert action.status == ActionStatus.PLANNED
    with pytest.raises(ValidationFailed, match="buyer's staff, the supplier or the consultant"):
        diagnostics.add_action(shoes.staff, shoes.supplier, description="x", owner="nobody", due_on=DAY)
    with pytest.raises(PermissionDenied):
        diagnostics.add_action(shoes.world.users["other-buyer-staff"], shoes.supplier, description="x",
                               owner="supplier", due_on=DAY)
    me = shoes.world.users["enterprise-user"]  # works at ent_a1: its own plan
    diagnostics.set_action_status(me, action, "done", on=date(2026, 3, 20))
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", date(2026, 3, 20))
    diagnostics.set_action_status(me, action, "in-progress")
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("in-progress", None)
    with pytest.raises(PermissionDenied):
        diagnostics.set_action_status(shoes.world.users["other-enterprise-user"], action, "done")


# --- training -------------------------------------------------------------------------------------------

def test_training_attendance_of_suppliers_and_buyer_staff(shoes):
    session = training.create_session(shoes.admin, shoes.programme, title="Negotiation", kind="behavioural",
                                      held_on=DAY, cost="0")
    training.record_attendance(shoes.staff, session, suppliers=[shoes.supplier, shoes.homeworker],
                               staff=["Paulo (purchasing)", " "])
    training.record_attendance(shoes.staff, session, suppliers=[shoes.supplier], staff=["Paulo (purchasing)"])
    assert Attendance.objects.filter(session=session).count() == 3
    with pytest.raises(ValidationFailed, match="not a supplier of this programme"):
        training.record_attendance(shoes.staff, session, suppliers=[shoes.other_supplier])
    with pytest.raises(PermissionDenied):
        training.record_attendance(shoes.world.users["other-buyer-staff"], session, staff=["x"])
    with pytest.raises(ValidationFailed, match="technical or behavioural"):
        training.create_session(shoes.admin, shoes.programme, title="x", kind="fun", held_on=DAY)


def test_another_currency_programme_books_in_its_currency(shoes):
    chile = Organisation.objects.create(kind=OrganisationKind.BUYER_LARGE_FIRM, name="Viña Grande", country="CL")
    p = programmes.create_programme(shoes.admin, name="PDP", buyer=chile, currency="clp", started_on=STARTED)
    assert p.currency == "CLP"
    with pytest.raises(ValidationFailed):
        programmes.create_programme(shoes.admin, name="Bad", buyer=chile, currency="XXY", started_on=STARTED)
