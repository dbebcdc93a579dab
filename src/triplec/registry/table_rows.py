"""The register table's rows, their labels looked up once in Python and their HTML written here with
`format_html` (escaped as the template would): with per-row filters and `{% url %}` the 50 rows were half
the cost of a register page, and printed through the template engine still most of the rest
(benchmarks/bench_request_cpu.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from . import sectors
from .countries import country_name
from .models import Enterprise, SectorClassification, SizeClass

NONE = "—"  # shown for an unknown number or territory

_ROW = ('\n    <tr data-testid="enterprise-row">\n'
        '      <td><a href="{}">{}</a>{}</td>\n'
        '      <td><small><abbr title="{}">{}</abbr> {}</small></td>\n'
        '      <td title="{} {}: {}"><code>{}</code> <small class="muted">{}</small></td>\n'
        '      <td><span class="size size-{}">{}</span></td>\n'
        '      <td class="num">{}</td>\n'
        '      <td>{}</td>\n'
        '      <td class="num">{}</td>\n'
        '      <td>{}</td>\n'
        '    </tr>')


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

    def html(self, exporter_badge: str = "") -> SafeString:
        """The row's <tr>, as _enterprise_results.html printed it cell by cell."""
        e = self.enterprise
        trade = (format_html('<br><small class="muted">{}</small>', e.trade_name)
                 if e.trade_name and e.trade_name != e.legal_name else "")
        return format_html(
            _ROW, self.url, e.legal_name, trade,
            self.country_name, e.country, self.national_id,
            self.classification_name, e.sector_code, self.sector_label, e.sector_code, self.sector_short,
            e.size_class, self.size_label,
            NONE if e.employees is None else intcomma(e.employees),
            e.territory or NONE,
            NONE if e.founding_year is None else localize(e.founding_year),
            exporter_badge if e.exporter else "")


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
            label, Truncator(label).chars(38), str(sizes.get(ent.size_class, ent.size_class)),
            ent.national_id_display))
    return rows


def table_html(rows: list[EnterpriseRow]) -> SafeString:
    """Every row's <tr>, one after another (the template's loop body, whitespace included)."""
    badge = format_html('<span class="badge">{}</span>', gettext("exporter"))
    return SafeString("".join(row.html(badge) + "\n  " for row in rows))
