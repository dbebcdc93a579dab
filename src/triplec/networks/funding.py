"""Who pays: funding schedules as data, and the shares derived from the two ledgers.

A schedule gives the agency's share of each cost by category and network month (month 0 is the
first month from the network's funding start). The members are expected to pay the rest. Shipped
schedules (installed by a data migration, editable in the admin):

- ``export-profo``: the agency pays 70% of the group manager's cost in years 1-3 and nothing after
  (SERCOTEC's export PROFOs, s.4.5). The paper says consultants are subsidised from a Technical
  Assistance Fund but gives no share, so none is shipped; add a rule for your fund.
- ``profo``: managers are appointed for three years, "after which the participating firms must take
  over all support for their salary" (s.4.5). The paper gives no share for years 1-3; this schedule
  assumes the agency pays the whole manager in years 1-3. Edit it if your programme differs.
- ``fully-subsidised``: the agency pays everything (the Danish programme was "largely government
  financed", Box 2).
- ``firms-pay``: the firms pay everything (the UK adaptation, Box 2).
- ``shared-half``: the agency pays half of every cost (SEBRAE's supplier upgrading, s.4.4: "cost
  shared about half agency, half firms").

Derived figures (never stored), all from the one function `shares`, which reads the network's
postings on the shared ledger (see `books`): for a period [start, end]
(dates inclusive)

    expenses       = sum of cost entries incurred in the period (reversals included)
    agency_due     = the agency's part: sum over those entries of
                     round(amount x agency_share(category, month of the entry)) to the cent
    members_due    = the members' part: expenses - agency_due  (so the two parts make the whole)
    contributions  = what the members paid: contribution entries paid in the period (reversals included)
    members_outstanding = max(members_due - contributions, 0)   (still expected of the members)
    members_paid_beyond = max(contributions - members_due, 0)   (paid beyond their part)
    member_share   = contributions / expenses           (None when there are no expenses)

Each entry's agency part is rounded on its own, so the figures of the network years add up exactly
to the lifetime figures and a reversal cancels its entry to the cent.

Dini's third criterion asks whether the network "contributes more than 50 per cent of its
expenses": `members_pay_majority` (2 x contributions > expenses, exact) over the assessment window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from triplec.core.months import add_months, months_between

CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")

# Active ISO 4217 alphabetic codes (list one, 2024), for validating a network's currency.
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV
WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())


def check_currency(code: str) -> str:
    """The ISO 4217 code in upper case, or ValueError naming the bad value."""
    normal = (code or "").strip().upper()
    if normal not in ISO_4217:
        raise ValueError(_("%(code)r is not an ISO 4217 currency code (e.g. CLP, DKK, BRL, EUR).") % {"code": code})
    return normal


def money(value) -> Decimal:
    """A Decimal amount with two places; floats are refused (they cannot hold cents exactly)."""
    if isinstance(value, float):
        raise ValueError(_("Give money as a decimal string or Decimal, not a float."))
    try:
        amount = Decimal(str(value).strip())
    except Exception as exc:  # decimal.InvalidOperation and friends
        raise ValueError(_("%(value)r is not an amount of money.") % {"value": value}) from exc
    if not amount.is_finite():
        raise ValueError(_("%(value)r is not an amount of money.") % {"value": value})
    if amount != amount.quantize(CENT):
        raise ValueError(_("%(value)s has more than two decimal places.") % {"value": value})
    return amount.quantize(CENT)


# Shipped schedules: code -> (name, description, [(category, from_month, to_month, agency_share)])
SHIPPED_SCHEDULES: dict[str, tuple[str, str, list[tuple[str, int, int | None, str]]]] = {
    "export-profo": (
        # xgettext:no-python-format  (a percentage, not a placeholder)
        gettext_noop("Export PROFO: agency pays 70% of the manager in years 1-3"),
        gettext_noop("SERCOTEC pays 70 per cent of the costs of a group manager for the first three years (s.4.5); "
                     "members pay the rest and everything after year 3."),
        [("manager", 0, 36, "0.70"), ("manager", 36, None, "0")],
    ),
    "profo": (
        gettext_noop("PROFO: agency pays the manager in years 1-3"),
        # xgettext:no-python-format  (a percentage, not a placeholder)
        gettext_noop("Managers are appointed for three years, after which the firms take over all support for "
                     "their salary (s.4.5). The share in years 1-3 is not given in the paper: 100% assumed."),
        [("manager", 0, 36, "1"), ("manager", 36, None, "0")],
    ),
    "fully-subsidised": (
        gettext_noop("Fully subsidised (Danish programme)"),
        gettext_noop("The Danish network programme was largely government financed (Box 2)."),
        [("*", 0, None, "1")],
    ),
    "firms-pay": (
        gettext_noop("Paid by the firms (UK model)"),
        gettext_noop("In the UK adaptation the services are largely paid for by the participating enterprises (Box 2)."),
        [("*", 0, None, "0")],
    ),
    "shared-half": (
        gettext_noop("Half agency, half firms (supplier upgrading)"),
        gettext_noop("Supplier upgrading with large buyers: cost shared about half agency, half firms (s.4.4)."),
        [("*", 0, None, "0.5")],
    ),
}


def install_schedules(apps=None, *, refresh: bool = True) -> dict[str, object]:
    """Create (and with refresh, reset) the shipped schedules; idempotent; returns code -> schedule."""
    if apps is None:
        from .models import FundingRule, FundingSchedule
    else:
        FundingSchedule = apps.get_model("networks", "FundingSchedule")
        FundingRule = apps.get_model("networks", "FundingRule")
    out = {}
    for code, (name, description, rules) in SHIPPED_SCHEDULES.items():
        existing = FundingSchedule.objects.filter(code=code).first()
        if existing is not None and not refresh:
            out[code] = existing
            continue
        schedule, _ = FundingSchedule.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "shipped": True})
        for category, start, end, share in rules:
            FundingRule.objects.update_or_create(
                schedule=schedule, category=category, from_month=start,
                defaults={"to_month": end, "agency_share": Decimal(share)})
        out[code] = schedule
    return out


def validate_rules(rules: list[tuple[str, int, int | None, Decimal]]) -> list[str]:
    """Problems with a schedule's rules: overlapping month ranges within a category, shares outside
    [0, 1]. An empty list means the rules are consistent."""
    problems = []
    by_category = defaultdict(list)
    for category, start, end, share in rules:
        if not (Decimal(0) <= Decimal(share) <= Decimal(1)):
            problems.append(f"{category} from month {start}: share {share} is not between 0 and 1.")
        if end is not None and end <= start:
            problems.append(f"{category} from month {start}: the end month must come after the start.")
        by_category[category].append((start, end))
    for category, ranges in by_category.items():
        ranges.sort()
        for (s1, e1), (s2, _e2) in zip(ranges, ranges[1:], strict=False):
            if e1 is None or e1 > s2:
                problems.append(f"{category}: months from {s1} and from {s2} overlap.")
    return problems


@dataclass(frozen=True)
class ScheduleRules:
    """A schedule's rules in memory, to price many cost entries without a query each."""

    rules: tuple[tuple[str, int, int | None, Decimal], ...]

    @classmethod
    def of(cls, schedule) -> ScheduleRules:
        if schedule is None:
            return cls(())
        return cls(tuple((r.category, r.from_month, r.to_month, r.agency_share) for r in schedule.rules.all()))

    def agency_share(self, category: str, month: int) -> Decimal:
        """The agency's share (0..1) of a cost of `category` in network month `month`; a rule for
        the category wins over a "*" rule; no matching rule: 0 (members pay)."""
        for wanted in (category, "*"):
            for rule_category, start, end, share in self.rules:
                if rule_category == wanted and start <= month and (end is None or month < end):
                    return share
        return Decimal(0)


@dataclass(frozen=True)
class Shares:
    """Derived money figures of a network over [start, end] (see the module docstring): the one
    result the money and independence pages, the gates and the API read."""

    start: date
    end: date
    currency: str
    expenses: Decimal
    agency_due: Decimal
    members_due: Decimal
    contributions: Decimal
    member_share: Decimal | None
    by_member: dict[int, Decimal] = field(default_factory=dict)
    by_category: dict[str, Decimal] = field(default_factory=dict)

    @property
    def members_balance(self) -> Decimal:
        """Contributions minus what the schedule expects of the members (negative: they owe)."""
        return self.contributions - self.members_due

    @property
    def members_outstanding(self) -> Decimal:
        """What the members are still expected to pay of their part (0 when paid in full)."""
        return max(self.members_due - self.contributions, Decimal(0)).quantize(CENT)

    @property
    def members_paid_beyond(self) -> Decimal:
        """What the members paid beyond their part (it covers some of the agency's part)."""
        return max(self.contributions - self.members_due, Decimal(0)).quantize(CENT)

    @property
    def agency_part_share(self) -> Decimal | None:
        """The agency's part as a fraction of the expenses (None without expenses)."""
        return (self.agency_due / self.expenses).quantize(SHARE_PLACES) if self.expenses > 0 else None

    @property
    def members_part_share(self) -> Decimal | None:
        return (self.members_due / self.expenses).quantize(SHARE_PLACES) if self.expenses > 0 else None

    @property
    def members_pay_majority(self) -> bool:
        """Members paid more than half of the expenses (Dini's third criterion), in exact arithmetic."""
        return self.expenses > 0 and 2 * self.contributions > self.expenses

    def as_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end, "currency": self.currency, "expenses": self.expenses,
            "agency_due": self.agency_due, "members_due": self.members_due,
            "contributions": self.contributions, "member_share": self.member_share,
            "members_balance": self.members_balance, "members_outstanding": self.members_outstanding,
            "members_paid_beyond": self.members_paid_beyond, "members_pay_majority": self.members_pay_majority,
        }


def agency_part_of(amount: Decimal, share: Decimal) -> Decimal:
    """The agency's part of one cost entry, to the cent (half-even, symmetric: a reversal's part is
    exactly the negated part of its entry)."""
    return (Decimal(amount) * Decimal(share)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def shares(network, start: date, end: date) -> Shares:
    """The derived figures of `network` for costs incurred and contributions paid in [start, end],
    read from the network's postings on the shared ledger (`books`)."""
    from . import books

    return shares_of_rows(network, ScheduleRules.of(network.schedule), books.costs(network, start, end),
                          books.contributions(network, start, end), start, end)


def shares_of_rows(network, rules: ScheduleRules, costs: list, contributions: list, start: date, end: date) -> Shares:
    """`shares` from rows already read (`books.costs`, `books.contributions`; those outside [start, end]
    are left out): many networks' figures from one read of the ledger."""
    funding_start = network.funding_start_date
    expenses = agency = Decimal(0)
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for category, incurred_on, amount in costs:
        if not start <= incurred_on <= end:
            continue
        expenses += amount
        by_category[category] += amount
        share = rules.agency_share(category, max(0, months_between(funding_start, incurred_on)))
        agency += agency_part_of(amount, share)
    agency = agency.quantize(CENT)
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for enterprise_id, paid_on, amount in contributions:
        if start <= paid_on <= end:
            paid[enterprise_id] += amount
    by_member = {enterprise_id: paid[enterprise_id].quantize(CENT) for enterprise_id in sorted(paid)}
    contributions = sum(by_member.values(), Decimal(0)).quantize(CENT)
    expenses = expenses.quantize(CENT)
    by_category = {k: v.quantize(CENT) for k, v in by_category.items()}
    share = (contributions / expenses).quantize(SHARE_PLACES) if expenses > 0 else None
    return Shares(start=start, end=end, currency=network.currency, expenses=expenses, agency_due=agency,
                  members_due=expenses - agency, contributions=contributions, member_share=share,
                  by_member=by_member, by_category=by_category)


def network_year_bounds(network, year: int) -> tuple[date, date]:
    """First and last day of network year `year` (1 = the first twelve months from funding start)."""
    start = add_months(network.funding_start_date, 12 * (year - 1))
    return start, add_months(network.funding_start_date, 12 * year) - timedelta(days=1)


def shares_by_year(network, through: date | None = None) -> list[tuple[int, Shares]]:
    """(year, Shares) for each network year from the funding start up to the year holding
    `through` (default: today, or the last ledger date if later)."""
    from . import books

    through = through or date.today()
    last = max(books.last_day(network) or through, through)
    if last < network.funding_start_date:
        return []
    years = months_between(network.funding_start_date, last) // 12 + 1
    return [(y, shares(network, *network_year_bounds(network, y))) for y in range(1, years + 1)]


def shares_by_year_of_rows(network, rules: ScheduleRules, costs: list, contributions: list,
                           through: date | None = None) -> list[tuple[int, Shares]]:
    """`shares_by_year` from every row of the network already read (`books.costs`, `books.contributions`)."""
    through = through or date.today()
    last = max(max((row[1] for row in (*costs, *contributions)), default=through), through)
    if last < network.funding_start_date:
        return []
    years = months_between(network.funding_start_date, last) // 12 + 1
    return [(y, shares_of_rows(network, rules, costs, contributions, *network_year_bounds(network, y)))
            for y in range(1, years + 1)]


def lifetime_shares(network, through: date | None = None) -> Shares:
    """All entries from the earliest possible date to `through` (default today)."""
    return shares(network, date(1900, 1, 1), through or date.today())
