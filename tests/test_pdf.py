"""core.pdf: a report's blocks come out of the PDF as the reader's language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from pypdf import PdfReader

from triplec.core.pdf import Chart, Facts, Heading, PageBreak, Paragraph, Table, document, text_of

pytestmark = pytest.mark.nodb


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def report(rows: int = 3) -> bytes:
    return document("Relatório de avaliação", [
        Heading("Firmas atendidas"),
        Paragraph("Programa de feiras — São Paulo, ação coletiva."),
        Facts([("Ano", "2027"), ("Firmas", 1500), ("Instrumento", "Feiras")]),
        Table(["Firma", "Vendas"], [[f"Calçados Ñandú {i}", Decimal("1234567.5") + i] for i in range(rows)],
              caption="Vendas por firma"),
        Chart("Dinheiro público e privado", ["2025", "2026", "2027"],
              {"público": [10.0, 12.5, None], "privado": [2.0, 4.0, 6.0]}),
        PageBreak(),
        Chart("Redes por etapa", ["1", "2"], {"redes": [3, 1]}, kind="bar"),
    ], subtitle="Gerado em 7/12/2026", author="avaliador")


def test_text_numbers_and_accents_read_back_in_portuguese():
    with translation.override("pt-br"):
        pdf = report()
        assert text_of(Decimal("1234567.5")) == "1.234.567,5"
    got = text(pdf)
    for expected in ("Relatório de avaliação", "São Paulo, ação coletiva", "Calçados Ñandú 2", "1.234.569,5",
                     "Vendas por firma", "2027", "1.500", "Dinheiro público e privado", "Página 2"):
        assert expected in got
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 2
    assert reader.metadata.title == "Relatório de avaliação" and reader.metadata.author == "avaliador"


def test_english_numbers_and_long_tables_run_over_pages():
    with translation.override("en"):
        pdf = report(rows=200)
        assert text_of(Decimal("1234567.5")) == "1,234,567.5"
        assert text_of(date(2026, 12, 7)) == "12/07/2026"
        assert text_of(None) == "" and text_of(True) == "yes"
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 5
    assert "Firma" in reader.pages[2].extract_text()  # the header row repeats on every page
    assert "1,234,766.5" in text(pdf)


def test_an_unknown_block_is_refused():
    with pytest.raises(TypeError):
        document("x", [object()])
