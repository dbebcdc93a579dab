"""The register table's rows, their labels looked up once in Python and their HTML written here
(escaped as the template would): with per-row filters and `{% url %}` the 50 rows were half
the cost of a register page, and printed through the template engine still most of the rest
(benchmarks/bench_request_cpu.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape as _e

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from . import sectors
from .countries import country_name
from .models import Enterprise, SectorClassification, SizeClass

NONE = "—"  # shown for an unknown number or territory


@dataclass(frozen=True)
class EnterpriseRow:
    """One line of the register table."""

    enterprise: Enterprise
    url: str
    country_name: str
    classification_name: str
    sector_label: str
    sector_short: str  # cut to fit the column; the whole label is the cell's title
    size_label: str
    national_id: str  # as people write it (11.222.333/0001-81)

    def html(self, exporter_badge: str = "") -> str:
        """The row's <tr>, as _enterprise_results.html printed it cell by cell (every value escaped as
        the template engine does: html.escape, quotes included)."""
        e = self.enterprise
        trade = (f'<br><small class="muted">{_e(e.trade_name)}</small>'
                 if e.trade_name and e.trade_name != e.legal_name else "")
        code = _e(e.sector_code)
        employees = NONE if e.employees is None else _e(intcomma(e.employees))
        founded = NONE if e.founding_year is None else _e(localize(e.founding_year))
        return (f'\n    <tr data-testid="enterprise-row">\n'
                f'      <td><a href="{_e(self.url)}">{_e(e.legal_name)}</a>{trade}</td>\n'
                f'      <td><small><abbr title="{_e(self.country_name)}">{_e(e.country)}</abbr> '
                f'{_e(self.national_id)}</small></td>\n'
                f'      <td title="{_e(self.classification_name)} {code}: {_e(self.sector_label)}"><code>{code}</code> '
                f'<small class="muted">{_e(self.sector_short)}</small></td>\n'
                f'      <td><span class="size size-{_e(e.size_class)}">{_e(self.size_label)}</span></td>\n'
                f'      <td class="num">{employees}</td>\n'
                f'      <td>{_e(str(e.territory)) if e.territory else NONE}</td>\n'
                f'      <td class="num">{founded}</td>\n'
                f'      <td>{exporter_badge if e.exporter else ""}</td>\n'
                f'    </tr>')


@lru_cache(maxsize=4096)
def _short(label: str, language: str | None) -> str:
    """The label cut to fit the column (Truncator's ellipsis is translated: hence the language)."""
    return Truncator(label).chars(38)


def table_rows(enterprises) -> list[EnterpriseRow]:
    detail = reverse("enterprise_detail", args=[0]).removesuffix("0/")
    sizes = dict(SizeClass.choices)
    classifications = dict(SectorClassification.choices)
    rows = []
    for ent in enterprises:
        code = ent.sector_code
        label = sectors.label(ent.sector_classification, code) if ent.sector_classification and code else ""
        rows.append(EnterpriseRow(
            ent, f"{detail}{ent.pk}/", country_name(ent.country),
            str(classifications.get(ent.sector_classification, ent.sector_classification)),
            label, _short(label, get_language()), str(sizes.get(ent.size_class, ent.size_class)),
            ent.national_id_display))
    return rows


def table_html(rows: list[EnterpriseRow]) -> SafeString:
    """Every row's <tr>, one after another (the template's loop body, whitespace included)."""
    badge = f'<span class="badge">{_e(gettext("exporter"))}</span>'
    return SafeString("".join(row.html(badge) + "\n  " for row in rows))
