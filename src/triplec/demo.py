"""The whole demo (`triplec demo`): the register's illustrative agency, associations and firms, the
demo networks, the demo procurement contracts, the demo supplier programme and the French IREP facilities as a mapping data set. It sits beside the CLI, above the
apps, since it loads several of them (the register's own part is `triplec.registry.demo`)."""

from __future__ import annotations

from collections.abc import Callable

from triplec.accounts.models import User
from triplec.centres.demo import load_demo_centres
from triplec.diagnostics.demo import load_demo_diagnostics
from triplec.evaluation.demo import load_demo_evaluation
from triplec.fairs.demo import load_demo_fairs
from triplec.fairs.models import Participation
from triplec.networks.demo import load_demo_networks
from triplec.networks.models import Network
from triplec.notifications.demo import load_demo_notifications
from triplec.procurement.demo import load_demo_procurement
from triplec.procurement.models import Contract
from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative
from triplec.registry.demo_france import load_french_dataset, remove_french_rows_from_register
from triplec.suppliers.demo import load_demo_suppliers


def load(french_register: bool = True, progress: Callable[[str], None] | None = None) -> DemoSummary:
    summary = DemoSummary()
    say = progress or (lambda _msg: None)
    say("Loading the illustrative agency, associations and clusters ...")
    load_illustrative(summary)
    say("Loading demo networks (brokered and PROFO) ...")
    admin = User.objects.get(username="admin")
    load_demo_networks(admin, broker=User.objects.filter(username="broker").first())
    summary.created["networks"] = Network.objects.count()
    say("Loading demo procurement (school desks from the Aruaru association) ...")
    load_demo_procurement(admin, DEMO_PASSWORD)
    summary.created["procurement contracts"] = Contract.objects.count()
    say("Loading demo fairs (the Aruaru group stand at Movelsul, buyers and orders) ...")
    load_demo_fairs(admin, DEMO_PASSWORD)
    summary.created["fair participations"] = Participation.objects.count()
    say("Loading the demo service centre (CAD/CAM station, publications, ten years of finance) ...")
    if load_demo_centres(admin, DEMO_PASSWORD) or User.objects.filter(username="centre").exists():
        summary.logins.append(("centre", "centre-staff", "runs the footwear technology centre"))
    say("Loading the demo supplier programme (a large buyer, five firms and a homeworker, a year of orders) ...")
    summary.created["supplier programme suppliers"] = load_demo_suppliers(admin, DEMO_PASSWORD)
    summary.logins += [(u.username, u.role, "supplier programme") for u in User.objects.filter(username__in=("buyer", "supplier"))]
    say("Loading the demo firm panel (yearly figures before and after support) ...")
    summary.created["firm panel years"] = load_demo_evaluation(admin, DEMO_PASSWORD)
    summary.created["notifications"] = load_demo_notifications(admin, DEMO_PASSWORD)
    summary.created["diagnostic studies"] = load_demo_diagnostics(admin, DEMO_PASSWORD)
    if User.objects.filter(username="inspector").exists():
        summary.logins.append(("inspector", "purchaser-inspector", "inspects the state's school-desk contracts"))
    removed = remove_french_rows_from_register()
    if removed:
        say(f"Moved {removed} French IREP facilities out of the agency's register (now a mapping data set).")
    if french_register:
        say("Storing the French IREP facilities as a mapping data set ...")
        summary.created["French facilities (mapping data set)"] = load_french_dataset().rows
    return summary
