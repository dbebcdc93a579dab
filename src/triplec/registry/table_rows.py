"""The register table's rows, their labels looked up once in Python: printed by the template as they
are. With per-row filters and `{% url %}` the 50 rows were half the cost of a register page
(benchmarks/bench_load.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import Truncator

from . import sectors
from .countries import country_name
from .models import Enterprise, SectorClassification, SizeClass


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
