"""The platform in Portuguese (Brazilian usage) and Spanish.

Two halves: the catalogues themselves (every entry translated, nothing fuzzy, placeholders kept, the
committed .mo files compiled from the .po files as they are) and the pages (Accept-Language is honoured,
the header's switcher stores the choice in a long-lived cookie, nav, titles and messages change language).
The .po files are read with a small parser below, so the checks need neither polib nor GNU gettext.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "triplec" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]

# Python %-format placeholders (named or not, with flags/width/precision) and a literal %%, in the
# entries that are %-formatted (xgettext flags them python-format); the {name} placeholders the map
# page's script fills in, in every entry. ("70% of" in a plain sentence is no placeholder.)
PERCENT = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[A-Za-z_]\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (obsolete `#~` entries skipped); the header is the entry with msgid ""."""
    entries: list[Entry] = []
    current, key, seen_keyword = Entry(), None, False

    def finish():
        nonlocal current, key, seen_keyword
        if seen_keyword:
            entries.append(current)
        current, key, seen_keyword = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key == "msgid":
                current.msgid += text
            elif key == "msgid_plural":
                current.msgid_plural += text
            elif key == "msgctxt":
                current.msgctxt += text
            else:
                current.msgstr[key] += text
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if not seen_keyword:
                current.line, seen_keyword = number, True
            if keyword in ("msgid", "msgid_plural", "msgctxt"):
                setattr(current, keyword, text)
                key = keyword
            elif keyword == "msgstr":
                current.msgstr[0], key = text, 0
            elif (m := re.fullmatch(r"msgstr\[(\d+)\]", keyword)):
                key = int(m.group(1))
                current.msgstr[key] = text
            else:
                raise AssertionError(f"{path.name} line {number}: unexpected {keyword!r}")
    finish()
    return entries


def catalogue(lang: str) -> tuple[Entry, list[Entry]]:
    entries = parse_po(LOCALE_DIR / to_locale(lang) / "LC_MESSAGES" / "django.po")
    header = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header) == 1, f"{lang}: one header entry expected"
    return header[0], [e for e in entries if e is not header[0]]


def placeholders(text: str, percent_format: bool = True) -> list[str]:
    return sorted((PERCENT.findall(text) if percent_format else []) + BRACES.findall(text))


def test_the_parser_reads_plural_context_and_continuation_lines(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: pt\\n"\n\n#, python-format\nmsgctxt "c"\nmsgid "%(n)s firm"\n'
                  'msgid_plural "%(n)s "\n"firms"\nmsgstr[0] "%(n)s empresa"\nmsgstr[1] "%(n)s empresas"\n\n'
                  '#~ msgid "old"\n#~ msgstr "velho"\n', encoding="utf-8")
    header, entry = parse_po(po)
    assert header.msgstr[0] == "Language: pt\n"
    assert (entry.msgctxt, entry.msgid, entry.msgid_plural) == ("c", "%(n)s firm", "%(n)s firms")
    assert entry.msgstr == {0: "%(n)s empresa", 1: "%(n)s empresas"} and entry.flags == {"python-format"}
    assert placeholders("%(a)s, %d, %(b).3f, %%, {n} and 50 %") == sorted(["%(a)s", "%d", "%(b).3f", "%%", "{n}"])
    assert placeholders("70% of {n}", percent_format=False) == ["{n}"]


@pytest.mark.nodb
@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_header_names_its_language_and_plural_rule(lang):
    header, entries = catalogue(lang)
    meta = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert meta["Language"] == to_locale(lang)
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"].startswith("nplurals=2;")
    assert "fuzzy" not in header.flags
    assert len(entries) > 1000  # nav, pages, forms and messages of every app outside the mapping library


@pytest.mark.nodb
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(lang):
    _header, entries = catalogue(lang)
    problems = []
    for e in entries:
        forms = 2 if e.msgid_plural is not None else 1
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy {e.msgid!r}")
        if sorted(e.msgstr) != list(range(forms)) or not all(e.msgstr.values()):
            problems.append(f"line {e.line}: untranslated {e.msgid!r}")
    assert not problems, f"{lang}: " + "; ".join(problems[:20])


@pytest.mark.nodb
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_translation_keeps_the_placeholders(lang):
    _header, entries = catalogue(lang)
    problems = []
    for e in entries:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for index, source in enumerate(sources):
            translated = e.msgstr.get(index, "")
            percent_format = "python-format" in e.flags or "%(" in source
            if placeholders(translated, percent_format) != placeholders(source, percent_format):
                problems.append(f"line {e.line}: {source!r} -> {translated!r}")
            if source.endswith("\n") != translated.endswith("\n"):
                problems.append(f"line {e.line}: trailing newline differs in {source!r}")
    assert not problems, f"{lang}: " + "; ".join(problems[:20])


@pytest.mark.nodb
@pytest.mark.parametrize("lang", TRANSLATED)
def test_committed_mo_file_is_compiled_from_the_po_file(lang):
    """A fresh machine has no gettext tools: the app reads the committed .mo, so it must say what the .po says."""
    with open(LOCALE_DIR / to_locale(lang) / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    _header, entries = catalogue(lang)
    stale = []
    for e in entries:
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            got = [compiled.gettext(msgid)]
        else:
            got = [compiled.ngettext(msgid, e.msgid_plural, 1), compiled.ngettext(msgid, e.msgid_plural, 5)]
        want = [e.msgstr[0]] if e.msgid_plural is None else [e.msgstr[0], e.msgstr[1]]
        if got != want:
            stale.append(e.msgid)
    assert not stale, f"{lang}: django.mo is older than django.po (run compilemessages): {stale[:10]}"


@pytest.mark.nodb
def test_every_offered_language_has_a_catalogue():
    for lang in TRANSLATED:
        assert (LOCALE_DIR / to_locale(lang) / "LC_MESSAGES" / "django.mo").is_file(), lang
    assert [str(p) for p in settings.LOCALE_PATHS] == [str(LOCALE_DIR)]


# Pages --------------------------------------------------------------------------------------------------

NAV = {
    "en": ["Dashboard", "Enterprises", "Organisations", "Map", "Networks", "Log out"],
    "pt-br": ["Painel", "Empresas", "Organizações", "Mapa", "Redes", "Sair"],
    "es": ["Panel", "Empresas", "Organizaciones", "Mapa", "Redes", "Cerrar sesión"],
}


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("lang", ["en", "pt-br", "es"])
def test_accept_language_chooses_nav_title_and_html_lang(world, client_for, lang):
    client = client_for(world.users["programme-officer"])
    page = text_of(client.get("/", HTTP_ACCEPT_LANGUAGE=lang))
    assert f'<html lang="{lang}"' in page
    assert f"<title>{NAV[lang][0]} · triplec</title>" in page
    for label in NAV[lang]:
        assert f">{label}<" in page, label
    if lang != "en":
        assert ">Dashboard<" not in page and ">Log out<" not in page


def test_regional_variants_fall_back_to_the_language(world, client_for):
    client = client_for(world.users["programme-officer"])
    assert "<title>Painel · triplec</title>" in text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9"))
    assert "<title>Panel · triplec</title>" in text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="es-CL,es;q=0.9"))
    # a language the platform does not offer: English
    assert "<title>Dashboard · triplec</title>" in text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE"))


def test_switcher_on_the_login_page_and_choice_is_remembered(db, client):
    login = text_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'data-testid="language-switcher"' in login
    for code in ("en", "pt-br", "es"):
        assert f'name="language" value="{code}"' in login
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert int(cookie["max-age"]) >= 30 * 24 * 3600  # outlives the browser session
    # the cookie wins over the browser's Accept-Language
    page = text_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pt"))
    assert '<html lang="es"' in page and "Iniciar sesión" in page and "Nombre de usuario" in page
    assert 'value="es" lang="es" title="español"' in page and 'aria-current="true"' in page


def test_switcher_refuses_an_outside_next_url(db, client):
    response = client.post("/i18n/setlang/", {"language": "pt-br", "next": "https://example.org/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_pages_of_each_app_render_translated(world, client_for):
    client = client_for(world.users["agency-admin"])
    client.post("/i18n/setlang/", {"language": "pt-br", "next": "/"})
    enterprises = text_of(client.get("/enterprises/"))
    assert "Nenhuma empresa corresponde" not in enterprises and "Mostrar no mapa" in enterprises
    organisations = text_of(client.get("/organisations/"))
    assert "Organizações" in organisations and "Associação de produtores ou cooperativa" in organisations
    networks = text_of(client.get("/networks/"))
    assert "Redes de empresas" in networks and "Networks of firms" not in networks
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    networks = text_of(client.get("/networks/"))
    assert "Redes de empresas" in networks and "Aplicar filtros" in networks


def test_form_errors_and_flash_messages_are_translated(world, client_for):
    client = client_for(world.users["agency-admin"])
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = text_of(client.post("/enterprises/new/", {"legal_name": ""}))
    assert "Corrija los campos marcados abajo." in page and "Este campo es obligatorio." in page
    response = client.post(f"/organisations/{world.assoc_a.pk}/members/",
                           {"enterprise": world.ent_none.national_id, "start_date": "2024-01-01"}, follow=True)
    assert "ahora es socia de Sawmills Assoc" in text_of(response)


def test_english_stays_the_default(world, client_for):
    page = text_of(client_for(world.users["programme-officer"]).get("/"))
    assert '<html lang="en"' in page and "<title>Dashboard · triplec</title>" in page
    assert "customer-oriented, collective, cumulative" in page


@pytest.fixture
def network(world):
    """A Danish brokered network in its first stage, with one member."""
    from datetime import date

    from triplec.networks import services

    net = services.create_network(world.users["broker"], {
        "kind": "brokered", "name": "Aruaru furniture network", "currency": "BRL", "started_on": date(2024, 1, 1),
        "target_buyers": [world.buyer], "sectors": [{"classification": "isic4", "code": "1610"}]})
    services.add_member(world.users["agency-admin"], net, world.ent_a1, date(2024, 1, 1), lead=True)
    return net


def test_shipped_stage_gate_and_kind_names_follow_the_language(world, client_for, network):
    """Stages, gates, requirements and kinds are rows installed from English definitions; pages show the
    catalogue's words for them, and the checks' explanations are written in the reader's language."""
    client = client_for(world.users["broker"])
    english = text_of(client.get(f"/networks/{network.pk}/"))
    assert "Brokered network (Danish model)" in english and "Identify a viable network idea" in english
    client.post("/i18n/setlang/", {"language": "pt-br", "next": "/"})
    page = text_of(client.get(f"/networks/{network.pk}/"))
    assert "Rede articulada (modelo dinamarquês)" in page
    assert 'data-testid="network-stage">Interesse<' in page
    assert "Identificar uma ideia de rede viável" in page and "Compradores identificados: State Purchasing." in page
    assert "Identify a viable network idea" not in page
    assert "O articulador desperta o interesse" in page  # the stage's description
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = text_of(client.get(f"/networks/{network.pk}/independence/"))
    assert "¿Hay actividades de negocio colectivas?" in page


def test_service_errors_reach_the_page_in_the_reader_language(world, client_for, network):
    from django.utils import translation

    from triplec.core.errors import ValidationFailed
    from triplec.networks import services

    with translation.override("es"), pytest.raises(ValidationFailed) as refused:
        services.add_member(world.users["agency-admin"], network, world.ent_a1, "2024-02-01")
    assert refused.value.errors["enterprise"] == [
        "Serraria Alfa Ltda ya es participante desde el 2024-01-01 (abierto)."]
    with translation.override("pt-br"), pytest.raises(ValidationFailed) as refused:
        services.add_member(world.users["agency-admin"], network, world.ent_a2, "2030-01-01")
    assert refused.value.errors["joined_on"] == ["A data está no futuro."]
    # the same call outside a request: English, as before
    with pytest.raises(ValidationFailed) as refused:
        services.add_member(world.users["agency-admin"], network, world.ent_a1, "2024-02-01")
    assert refused.value.errors["enterprise"] == ["Serraria Alfa Ltda is already a member from 2024-01-01 (open)."]


@pytest.fixture
def running_run(world):
    """A register mapping run in the middle of its simulations (no worker: the task row as the task left it)."""
    from django.utils import timezone

    from triplec.clusters.models import MappingRun
    from triplec.core.models import BackgroundTask

    officer = world.users["programme-officer"]
    task = BackgroundTask.objects.create(name="triplec.clusters.tasks.mapping_run", status=BackgroundTask.Status.RUNNING,
                                         created_by=officer, started_at=timezone.now(), progress_done=400,
                                         progress_total=1000, message="Simulations: 1,200 of 9,990 curves")
    return MappingRun.objects.create(title="Wood, Centro", classification="isic4", sector_level="division",
                                     task=task, created_by=officer)


@pytest.mark.parametrize("lang,words", [
    ("en", ["Mapping runs", "Enterprise register, ISIC Rev.4 codes, at division level", "running 40%",
            "Simulations: 1,200 of 9,990 curves", "Cancel the run"]),
    ("pt-br", ["Execuções de mapeamento", "Cadastro de empresas, códigos ISIC Rev.4, no nível divisão",
               "em execução 40%", "Simulações: 1,200 de 9,990 curvas", "Cancelar a execução"]),
    ("es", ["Ejecuciones de mapeo", "Registro de empresas, códigos ISIC Rev.4, a nivel de división",
            "en ejecución 40%", "Simulaciones: 1,200 de 9,990 curvas", "Cancelar la ejecución"]),
])
def test_cluster_mapping_pages_follow_the_language(world, client_for, running_run, lang, words):
    """The run list and a run's page, including the progress text the task stored in English."""
    client = client_for(world.users["agency-admin"])
    client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    listing = text_of(client.get("/clusters/runs/"))
    detail = text_of(client.get(f"/clusters/runs/{running_run.pk}/"))
    progress = text_of(client.get(f"/clusters/runs/{running_run.pk}/progress/"))
    assert words[0] in listing and words[1] in listing and words[2] in listing
    assert words[1] in detail and words[3] in detail and words[4] in detail
    assert words[3] in progress
    if lang != "en":
        assert "Simulations:" not in detail + progress and "Mapping runs" not in listing


@pytest.mark.nodb
def test_mapping_task_messages_are_translated_when_shown():
    """The task stores English; `shown` finds the catalogue's entry behind each of its messages, whatever
    the values, and leaves any other message (the mapping library's, a file's row errors) as stored."""
    from django.utils import translation

    from triplec.clusters import messages

    stored = {
        messages.SCREENING % {"n": "12,345"}: "Examinando 12,345 establecimientos",
        messages.CANCELLED_BY % {"who": "Ana Souza", "when": "2026-11-28 14:05"}:
            "Cancelada por Ana Souza el 2026-11-28 14:05 UTC.",
        messages.CANCELLED_BY_SOMEONE % {"when": "2026-11-28 14:05"}: "Cancelada por un usuario el 2026-11-28 14:05 UTC.",
        messages.CANCELLED_BEFORE_START % {"who": "ana"}: "Cancelada por ana antes de comenzar.",
        messages.FINISHING: "Finalizando",
        "column 'lon' must hold numbers; not a number at row 3: 'abc'":
            "column 'lon' must hold numbers; not a number at row 3: 'abc'",
        "Finishing the job": "Finishing the job",
    }
    with translation.override("es"):
        assert {text: messages.shown(text) for text in stored} == stored
    assert messages.shown(messages.SCREENING % {"n": "7"}) == "Screening 7 establishments"
    assert messages.shown("") == "" and messages.shown(None) == ""


def test_cluster_service_errors_follow_the_language(world, running_run):
    from django.utils import translation

    from triplec.clusters import services
    from triplec.core.errors import ValidationFailed

    admin = world.users["agency-admin"]
    bad = {"title": "", "classification": "isic4", "sector_level": "subsector"}
    with translation.override("pt-br"), pytest.raises(ValidationFailed) as refused:
        services.validate_run(admin, bad)
    assert refused.value.errors["title"] == ["Dê um título à execução, ex.: “Indústria de transformação, Ceará, 2026”."]
    assert refused.value.errors["sector_level"] == [
        "ISIC Rev.4 não tem o nível 'subsetor'; seus níveis são seção, divisão, grupo, classe."]
    with translation.override("es"), pytest.raises(ValidationFailed) as refused:
        services.delete_run(admin, running_run)
    assert refused.value.errors["__all__"] == ["La ejecución está en ejecución: cancélela primero y luego elimínela."]
    # outside a request: English, as the API's clients without Accept-Language get
    with pytest.raises(ValidationFailed) as refused:
        services.validate_run(admin, bad)
    assert refused.value.errors["sector_level"] == [
        "ISIC Rev.4 has no level 'subsector'; its levels are section, division, group, class."]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """Requests here switch the thread's language; later tests in the same worker expect English."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


IMPORT_HEADER = "legal_name,country,national_id,sector_classification,sector_code,latitude,longitude,founding_year\n"
IMPORT_BAD_ROW = IMPORT_HEADER + "Nova Serraria,BR,11.222.333/0001-81,isic4,1610,-4.3,-38.9,1990\n,BR,11.444.777/0001-61,isic4,1610,abc,-38.9,1500\n"
IMPORT_ROW_ERRORS = {  # row 3: field -> reason, in each language
    "en": {"legal_name": "missing required field",
           "latitude": "bad coordinates: &#x27;abc&#x27; is not a number",
           "founding_year": "1500 is out of range (1600 to 2100)"},
    "pt-br": {"legal_name": "campo obrigatório ausente",
              "latitude": "coordenadas inválidas: &#x27;abc&#x27; não é um número",
              "founding_year": "1500 está fora do intervalo (1600 a 2100)"},
    "es": {"legal_name": "falta un campo obligatorio",
           "latitude": "coordenadas inválidas: &#x27;abc&#x27; no es un número",
           "founding_year": "1500 está fuera del rango (1600 a 2100)"},
}


def _import_row_errors(html: str) -> dict[str, str]:
    table = re.search(r'data-testid="import-errors".*?</table>', html, re.S).group(0)
    return {field: reason for row, field, reason in re.findall(
        r'<tr data-row="(\d+)" data-field="(\w*)"><td[^>]*>[^<]*</td><td><code>\w*</code></td><td>(.*?)</td></tr>',
        table) if row == "3"}


def test_import_row_errors_follow_the_reader_language(world, client_for, settings, tmp_path):
    """An upload's row errors are stored in English with the upload and shown in the language of whoever
    opens its page: checked in English, read in pt-br and es, and read in English again unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from triplec.registry.models_import import ImportBatch

    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(world.users["programme-officer"])
    upload = SimpleUploadedFile("firms.csv", IMPORT_BAD_ROW.encode("utf-8"), content_type="text/csv")
    page_url = client.post("/enterprises/import/", {"file": upload})["Location"]
    stored = {e["field"]: e["reason"] for e in ImportBatch.objects.get().preview["errors"] if e["row"] == 3}
    assert stored == {f: r.replace("&#x27;", "'") for f, r in IMPORT_ROW_ERRORS["en"].items()}
    for lang in ("pt-br", "es", "en"):
        html = text_of(client.get(page_url, HTTP_ACCEPT_LANGUAGE=lang))
        assert _import_row_errors(html) == IMPORT_ROW_ERRORS[lang], lang


def test_import_checked_in_spanish_stores_english_and_shows_spanish(world, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(world.users["programme-officer"])
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    upload = SimpleUploadedFile("firms.csv", IMPORT_BAD_ROW.encode("utf-8"), content_type="text/csv")
    response = client.post("/enterprises/import/", {"file": upload}, follow=True)
    assert _import_row_errors(text_of(response)) == IMPORT_ROW_ERRORS["es"]


def test_import_service_messages_stay_english_outside_a_request(world):
    """The service (and so `triplec import`) makes English messages whatever language is active; `shown`
    translates them, and leaves a reason that is not the import's own (a code list's) as it is."""
    from django.utils import translation

    from triplec.registry.importing import messages, validate_import

    rows = [{"legal_name": "", "country": "BR", "national_id": "N-9", "sector_classification": "isic4",
             "sector_code": "9999", "latitude": "91", "longitude": "0"}]
    with translation.override("es"):
        preview = validate_import(None, rows)
        reasons = {e.field: e.reason for e in preview.errors}
        assert reasons["legal_name"] == "missing required field"
        assert reasons["latitude"] == ("bad coordinates: latitude 91 is outside -90..90 "
                                       "(decimal degrees, WGS 84)")
        assert messages.shown(reasons["latitude"]) == ("coordenadas inválidas: la latitud 91 está fuera de -90..90 "
                                                       "(grados decimales, WGS 84)")
        assert messages.shown(reasons["sector_code"]) == reasons["sector_code"]  # the code list's, in English
        assert messages.shown("Checked 1,200 of 5,000 rows") == "Revisadas 1,200 de 5,000 filas"
    with translation.override("pt-br"):
        assert messages.shown(messages.NOT_IMPORTED % {"errors": "3"}) == (
            "Nada foi importado: o arquivo tem 3 erros (linha, campo e motivo estão listados na página da importação).")
    assert messages.shown(reasons["latitude"]) == reasons["latitude"]
