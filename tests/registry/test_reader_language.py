"""Sector titles, country names and history entries in the reader's language (pt-br, es)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from triplec.mapping import codes as codelists
from triplec.registry import services
from triplec.registry.countries import country_name


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request in pt-br leaves that language active in this thread; later tests expect English."""
    yield
    translation.activate("en")


@pytest.mark.parametrize("system", ["isic4", "nace2", "naics2017"])
@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_every_section_and_division_has_a_title_in_each_language(system, language):
    frame = codelists.load_codelist(system)
    top_levels = codelists.levels(system)[:1 if system == "naics2017" else 2]
    for code, english in frame[frame["level"].isin(top_levels)][["code", "label"]].itertuples(index=False):
        translated = codelists.translated_label(system, code, language)
        assert translated and translated != english, (system, code, language)


def test_official_wording():
    assert codelists.label("isic4", "16", "pt-br") == "Fabricação de produtos de madeira"  # CNAE 2.0
    assert codelists.label("isic4", "C", "pt_BR") == "Indústrias de transformação"
    assert codelists.label("nace2", "C", "es-CL") == "Industrias manufactureras"  # CIIU Rev.4
    assert codelists.label("isic4", "15", "es") == "Fabricación de productos de cuero y productos conexos"
    assert codelists.label("naics2017", "31", "es") == "Industrias manufactureras"
    assert codelists.label("isic4", "2511", "pt-br") == (
        "Fabricação de estruturas metálicas e obras de caldeiraria pesada")  # CNAE group 25.1
    assert codelists.label("isic4", "2511", "es") == "Fabricación de productos metálicos para uso estructural"
    assert codelists.translated_label("isic4", "1520", "pt-br") is None  # no single CNAE code for it
    assert codelists.translated_label("nace2", "25.11", "es") is None  # NACE stays at divisions
    # English and languages without titles keep the official English title
    assert codelists.label("isic4", "16") == codelists.label("isic4", "16", "fr") == codelists.label(
        "isic4", "16", "en")


def test_country_names():
    assert country_name("BR", "pt-br") == "Brasil"
    assert country_name("BR", "es") == "Brasil"
    assert country_name("CL", "en") == "Chile"
    assert country_name("DE", "pt-br") == "Alemanha"
    assert country_name("XX", "pt-br") == "XX"


@pytest.mark.parametrize("language,own_title,country", [
    ("pt-br", "Desdobramento de madeira", "Brasil"),  # CNAE 16.10-2, the one CNAE class of ISIC 1610
    ("es", "Aserrado y acepilladura de madera", "Brasil"),  # CIIU Rev.4 class 1610
])
def test_enterprise_page_in_the_readers_language(world, client_for, language, own_title, country):
    client = client_for(world.users["programme-officer"])
    page = client.get(reverse("enterprise_detail", args=[world.ent_a1.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert own_title in html  # the class's own title, not its division's
    assert country in html  # the identifier's country and the territory path (the row says "Brazil")
    assert "Brazil" not in html
    listing = client.get(reverse("enterprise_list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert own_title in listing and "Sawmilling" not in listing
    # ISIC 1520 (footwear) is split among several CNAE groups: in Portuguese the firm reads as its division
    footwear = {
        "pt-br": "Preparação de couros e fabricação de artefatos de couro, artigos para viagem e calçados",
        "es": "Fabricación de calzado",
    }[language]
    assert footwear in listing and "Manufacture of footwear" not in listing


def test_history_shows_labels_not_codes(world, client_for):
    admin = world.users["agency-admin"]
    services.update_organisation(admin, world.assoc_b, {"kind": "producers-association"})
    services.update_enterprise(admin, world.ent_b1, {"country": "CL", "national_id": "76.086.428-5"})
    client = client_for(world.users["programme-officer"])
    org = client.get(reverse("organisation_detail", args=[world.assoc_b.pk]),
                     HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    history = org[org.index('data-testid="history"'):]
    assert "Associação empresarial ou setorial" in history or "Associação de produtores" in history
    assert "producers-association" not in history and "business-association" not in history
    ent = client.get(reverse("enterprise_detail", args=[world.ent_b1.pk]),
                     HTTP_ACCEPT_LANGUAGE="es").content.decode()
    history = ent[ent.index('data-testid="history"'):]
    assert "<del>Brasil</del> → <ins>Chile</ins>" in history
    assert "<strong>País</strong>" in history
