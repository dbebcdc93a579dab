"""The demo panel loads after the instruments' demos, through the services; twice changes nothing;
the scorecards show figures for the demo's interventions."""

import pytest

from triplec.accounts.models import User
from triplec.evaluation.models import FirmYear
from triplec.evaluation.services.scorecards import scorecards

pytestmark = pytest.mark.slow


def test_demo_panel_and_scorecards(db):
    from triplec import demo
    from triplec.evaluation.demo import load_demo_evaluation

    summary = demo.load(french_register=False)
    written = summary.created["firm panel years"]
    assert written > 0 and FirmYear.objects.count() == written
    assert load_demo_evaluation(User.objects.get(username="admin"), "") == 0
    firm = FirmYear.objects.order_by("enterprise_id").first().enterprise
    years = list(firm.panel_years.order_by("year"))
    assert len(years) >= 4 and years[-1].sales > years[0].sales
    evaluator = User.objects.get(username="evaluator")
    for key in ("network", "contract", "fair-participation", "supplier-programme", "subscription"):
        page = scorecards(evaluator, instrument_key=key, limit=3)
        assert page.count > 0, key
        assert page.items[0].collective, key
    from triplec.evaluation.services.dashboard import Filters, dashboard

    outcomes = next(t for t in dashboard(evaluator, Filters()) if t.id == "outcomes").rows
    assert any(r["supported_n"] for r in outcomes) and any(r["others_n"] for r in outcomes)
