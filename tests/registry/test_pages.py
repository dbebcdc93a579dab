"""The register's HTML pages: list filters, sorting and pagination, detail, forms, organisations,
memberships and contacts. (Who may open which page is in tests/web/test_page_permissions.py.)"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from tests.conftest import make_enterprise

from triplec.registry import services
from triplec.registry.models import Contact, Enterprise, Membership, Territory


def names(response) -> list[str]:
    """Legal names in the list's table, in order."""
    html = response.content.decode()
    body = html.split('<tbody>', 1)[1].split('</tbody>', 1)[0]
    return re.findall(r'<a href="/enterprises/\d+/">([^<]+)</a>', body)


def get_list(client, **params):
    return client.get(reverse("enterprise_list"), params)


# List ----------------------------------------------------------------------------------------------

def test_list_shows_every_visible_enterprise_sorted_by_name(world, client_for):
    response = get_list(client_for(world.users["programme-officer"]))
    assert response.status_code == 200
    assert names(response) == ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]


def test_list_rows_escape_what_people_typed_and_format_numbers_in_the_readers_language(world, client_for):
    """The table's cells (written in Python for speed, registry/table_rows.py) escape names as the
    template engine would and format employee counts in the reader's language."""
    place = Territory.objects.create(level="municipality", code="9999999", name="Vila <Nova> & Sá",
                                     parent=world.ent_a1.territory.parent)
    firm = make_enterprise(legal_name='<b>Ferro & "Aço"</b>', trade_name="<i>Ferro</i>", employees=1500,
                           founding_year=None, exporter=True, territory=place)
    html = client_for(world.users["programme-officer"]).get(
        reverse("enterprise_list"), {"q": "Ferro"}, headers={"accept-language": "pt-br"}).content.decode()
    row = html.split('<tr data-testid="enterprise-row">', 1)[1].split("</tr>", 1)[0]
    assert f'<a href="/enterprises/{firm.pk}/">&lt;b&gt;Ferro &amp; &quot;Aço&quot;&lt;/b&gt;</a>' in row
    assert '<br><small class="muted">&lt;i&gt;Ferro&lt;/i&gt;</small>' in row
    assert '<td class="num">1.500</td>' in row  # pt-br groups thousands with a dot
    assert "<td>Vila &lt;Nova&gt; &amp; Sá</td>" in row
    assert '<td class="num">—</td>' in row  # no founding year
    assert '<span class="badge">exportadora</span>' in row
    assert "<b>" not in row and "<i>" not in row


def test_list_is_scoped_to_what_the_user_may_see(world, client_for):
    assert names(get_list(client_for(world.users["association-manager"]))) == [
        "Marcenaria Beta", "Serraria Alfa Ltda"]
    assert names(get_list(client_for(world.users["enterprise-user"]))) == ["Serraria Alfa Ltda"]


@pytest.mark.parametrize("params,expected", [
    ({"q": "serraria"}, ["Serraria Alfa Ltda"]),
    ({"q": "33.333.333/0001-91"}, ["Calçados Gama"]),
    ({"sector": "C"}, ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]),
    ({"sector": "c"}, ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]),
    ({"sector": "16"}, ["Marcenaria Beta", "Serraria Alfa Ltda"]),
    ({"sector": "1520"}, ["Calçados Gama"]),
    ({"sector": "C25", "classification": "isic4"}, ["Metalúrgica Delta"]),
    ({"size": "micro"}, ["Marcenaria Beta"]),
    ({"size": "small"}, ["Serraria Alfa Ltda"]),
    ({"size": "medium"}, ["Calçados Gama"]),
    ({"size": "large"}, ["Metalúrgica Delta"]),
    ({"exporter": "yes"}, []),
    ({"sector": "16", "size": "small"}, ["Serraria Alfa Ltda"]),
])
def test_list_filters(world, client_for, params, expected):
    assert names(get_list(client_for(world.users["programme-officer"]), **params)) == expected


def test_territory_filter_at_any_level_includes_the_levels_below(world, client_for):
    client = client_for(world.users["programme-officer"])
    municipality = Territory.objects.get(code="2301950")
    for territory in municipality.lineage():  # country, region, municipality
        assert names(get_list(client, territory=territory.pk)) == ["Marcenaria Beta", "Serraria Alfa Ltda"]


def test_association_filter_lists_current_members(world, client_for):
    Membership.objects.filter(enterprise=world.ent_a2).update(end_date=date.today() - timedelta(days=1))
    client = client_for(world.users["programme-officer"])
    assert names(get_list(client, association=world.assoc_a.pk)) == ["Serraria Alfa Ltda"]
    assert names(get_list(client, association=world.assoc_b.pk)) == ["Calçados Gama"]


def test_exporter_filter_both_ways(world, client_for):
    Enterprise.objects.filter(pk=world.ent_b1.pk).update(exporter=True)
    client = client_for(world.users["programme-officer"])
    assert names(get_list(client, exporter="yes")) == ["Calçados Gama"]
    assert "Calçados Gama" not in names(get_list(client, exporter="no"))


def test_unknown_sector_code_for_a_classification_is_reported_not_ignored_silently(world, client_for):
    response = get_list(client_for(world.users["programme-officer"]), sector="9999", classification="isic4")
    assert response.status_code == 200
    assert 'data-testid="error-sector"' in response.content.decode()
    assert "9999" in response.content.decode()


def test_sorting_both_directions(world, client_for):
    client = client_for(world.users["programme-officer"])
    assert names(get_list(client, sort="employees")) == [
        "Marcenaria Beta", "Serraria Alfa Ltda", "Calçados Gama", "Metalúrgica Delta"]
    assert names(get_list(client, sort="-employees")) == [
        "Metalúrgica Delta", "Calçados Gama", "Serraria Alfa Ltda", "Marcenaria Beta"]
    assert names(get_list(client, sort="-name"))[0] == "Serraria Alfa Ltda"


def test_sort_links_keep_the_filters_and_toggle(world, client_for):
    html = get_list(client_for(world.users["programme-officer"]), sector="C", sort="employees").content.decode()
    assert 'href="?sector=C&amp;sort=-employees"' in html
    assert 'href="?sector=C&amp;sort=name"' in html


def test_pagination(world, client_for):
    Enterprise.objects.bulk_create([
        Enterprise(legal_name=f"Zeta {i:03d}", country="BR", national_id=f"Z{i}", sector_classification="isic4",
                   sector_code="1610", sector_section="C") for i in range(60)])
    client = client_for(world.users["programme-officer"])
    first = get_list(client, q="zeta")
    assert len(names(first)) == 50 and names(first)[0] == "Zeta 000"
    assert "1–50 of" in first.content.decode() and "<strong>60</strong>" in first.content.decode()
    assert 'href="?q=zeta&amp;page=2"' in first.content.decode()
    second = get_list(client, q="zeta", page=2)
    assert names(second) == [f"Zeta {i:03d}" for i in range(50, 60)]


@pytest.mark.parametrize("small", [0, 3, 2000])
def test_pages_are_the_same_whether_matches_are_read_by_id_or_by_offset(world, client_for, monkeypatch, small):
    """RegisterPaginator reads few matches by primary key and many by LIMIT/OFFSET: same pages."""
    from triplec.registry import views

    Enterprise.objects.bulk_create([
        Enterprise(legal_name=f"Zeta {i:03d}", country="BR", national_id=f"Z{i}", sector_classification="isic4",
                   sector_code="1610", sector_section="C", employees=i % 7) for i in range(60)])
    monkeypatch.setattr(views, "MATERIALISE_BELOW", small)
    client = client_for(world.users["programme-officer"])
    first = get_list(client, q="zeta", sort="-employees")
    second = get_list(client, q="zeta", sort="-employees", page=2)
    expected = [f"Zeta {i:03d}" for i in sorted(range(60), key=lambda i: (-(i % 7), i))]
    assert names(first) + names(second) == expected
    assert "<strong>60</strong>" in first.content.decode()
    assert names(get_list(client, q="zeta", sector="2511")) == []


def test_htmx_request_gets_only_the_results(world, client_for):
    client = client_for(world.users["programme-officer"])
    partial = client.get(reverse("enterprise_list"), {"sector": "16"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and 'id="filters"' not in html
    assert names(partial) == ["Marcenaria Beta", "Serraria Alfa Ltda"]
    assert 'hx-swap-oob="true"' in html  # keeps the form's hidden sort field in step
    # A history restore asks for the whole page again.
    full = client.get(reverse("enterprise_list"), {"sector": "16"}, HTTP_HX_REQUEST="true",
                      HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in full.content.decode()


def test_list_works_as_a_plain_get_form_without_javascript(world, client_for):
    html = get_list(client_for(world.users["programme-officer"])).content.decode()
    form = html.split('id="filters"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in html.split('id="filters"', 1)[0][-200:]
    for field in ("q", "sector", "classification", "territory", "size", "association", "exporter"):
        assert f'name="{field}"' in form
    assert 'type="submit"' in form


def test_export_links_carry_the_current_filters(world, client_for):
    html = get_list(client_for(world.users["programme-officer"]), sector="16", size="small").content.decode()
    try:
        export = reverse("enterprise_export")
    except Exception:
        pytest.skip("export pages not installed")
    assert f'href="{export}?sector=16&amp;size=small&amp;format=csv"' in html
    assert f'href="{export}?sector=16&amp;size=small&amp;format=xlsx"' in html


def test_association_choices_are_only_visible_associations(world, client_for):
    html = get_list(client_for(world.users["association-manager"])).content.decode()
    select = html.split('name="association"', 1)[1].split("</select>", 1)[0]
    assert "Sawmills Assoc" in select and "Shoe Assoc" not in select


def test_territory_select_lists_municipalities_of_the_chosen_region_only(world, client_for):
    region = Territory.objects.get(code="CE")
    Territory.objects.create(level="region", code="RS", name="Rio Grande do Sul", parent=region.parent)
    rs = Territory.objects.get(code="RS")
    Territory.objects.create(level="municipality", code="4305108", name="Caxias do Sul", parent=rs)
    client = client_for(world.users["programme-officer"])
    html = client.get(reverse("territory_select"), {"territory": region.pk, "purpose": "filter"}).content.decode()
    assert "São João do Aruaru" in html and "Caxias do Sul" not in html
    assert f'value="{region.pk}" selected' in html
    html = client.get(reverse("territory_select"), {"territory": rs.pk}).content.decode()
    assert "Caxias do Sul" in html and "São João do Aruaru" not in html
    html = get_list(client).content.decode()
    assert "Ceará" in html and "Caxias do Sul" not in html


# Detail --------------------------------------------------------------------------------------------

def test_detail_shows_fields_sector_label_territory_path_memberships_contacts(world, client_for):
    services.add_contact(world.users["programme-officer"], enterprise=world.ent_a1, name="Maria Souza",
                         position="Owner", email="maria@example.org")
    html = client_for(world.users["programme-officer"]).get(
        reverse("enterprise_detail", args=[world.ent_a1.pk])).content.decode()
    assert "Serraria Alfa Ltda" in html and "11.111.111/0001-91" in html
    assert "Sawmilling and planing of wood" in html  # ISIC 1610
    assert "Brazil › Ceará › São João do Aruaru" in html
    assert "Sawmills Assoc" in html and "2020-01-01" in html
    assert "Maria Souza" in html and "maria@example.org" in html
    assert 'id="mini-map"' in html and 'data-lat="-4.300000"' in html
    assert "Small" in html


def test_detail_history_says_who_changed_what(world, client_for):
    officer = world.users["programme-officer"]
    services.update_enterprise(officer, world.ent_a1, {"employees": 25, "trade_name": "Alfa"})
    html = client_for(officer).get(reverse("enterprise_detail", args=[world.ent_a1.pk])).content.decode()
    history = html.split('data-testid="history"', 1)[1]
    assert "programme-officer" in history
    assert re.search(r"Employees</strong>: <del>12</del> → <ins>25</ins>", history)
    assert re.search(r"Trade name</strong>: <del>—</del> → <ins>Alfa</ins>", history)


def test_history_names_territories_not_ids(world, client_for):
    officer = world.users["programme-officer"]
    region = Territory.objects.get(code="CE")
    services.update_enterprise(officer, world.ent_b1, {"territory": region.pk})
    html = client_for(officer).get(reverse("enterprise_detail", args=[world.ent_b1.pk])).content.decode()
    assert re.search(r"Territory</strong>: <del>—</del> → <ins>Ceará</ins>", html)


def test_enterprise_user_sees_no_memberships_of_others(world, client_for):
    html = client_for(world.users["enterprise-user"]).get(
        reverse("enterprise_detail", args=[world.ent_a1.pk])).content.decode()
    assert "Sawmills Assoc" in html and "Shoe Assoc" not in html


# Forms ---------------------------------------------------------------------------------------------

FORM = dict(legal_name="Nova Serraria", trade_name="", country="br", national_id="55.555.555/0001-91",
            sector_classification="isic4", sector_code="C1610", employees="7", founding_year="2012",
            address="Rua 1", postal_code="62800-000", territory="", latitude="-4.31", longitude="-38.95",
            email="", phone="", website="")


def test_create_enterprise_through_the_form(world, client_for):
    client = client_for(world.users["programme-officer"])
    aruaru = Territory.objects.get(code="2301950")
    response = client.post(reverse("enterprise_create"), {**FORM, "territory": aruaru.pk, "exporter": "on"})
    ent = Enterprise.objects.get(national_id="55555555000191")
    assert response.status_code == 302 and response["Location"] == reverse("enterprise_detail", args=[ent.pk])
    assert (ent.country, ent.sector_code, ent.territory, ent.exporter, ent.employees) == ("BR", "1610", aruaru, True, 7)
    assert ent.history.first().history_user == world.users["programme-officer"]


def test_service_errors_appear_on_their_fields(world, client_for):
    client = client_for(world.users["programme-officer"])
    response = client.post(reverse("enterprise_create"), {**FORM, "sector_code": "9999"})
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'data-testid="error-sector_code">([^<]+)<', html)
    assert error and "9999" in error.group(1) and "not in the official" in error.group(1)
    assert not Enterprise.objects.filter(national_id="55555555000191").exists()
    assert 'value="Nova Serraria"' in html  # the person's input is kept


def test_one_coordinate_only_is_an_error_on_longitude(world, client_for):
    response = client_for(world.users["programme-officer"]).post(
        reverse("enterprise_create"), {**FORM, "longitude": ""})
    assert re.search(r'data-testid="error-longitude">[^<]*both latitude and longitude', response.content.decode())


def test_form_level_errors_from_the_form_itself(world, client_for):
    response = client_for(world.users["programme-officer"]).post(
        reverse("enterprise_create"), {**FORM, "legal_name": "", "employees": "many"})
    html = response.content.decode()
    assert 'data-testid="error-legal_name"' in html and 'data-testid="error-employees"' in html
    assert 'data-testid="form-errors"' in html


def test_duplicate_identifier_is_shown(world, client_for):
    response = client_for(world.users["programme-officer"]).post(
        reverse("enterprise_create"), {**FORM, "national_id": world.ent_a1.national_id})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="form-errors"' in html
    # On the identifier field, or on top when the service cannot name a field.
    error = re.search(r'data-testid="error-national_id">([^<]+)<', html)
    top = html.split('data-testid="form-errors"', 1)[1].split("</article>", 1)[0]
    assert world.ent_a1.national_id_display in (error.group(1) if error else top)


def test_edit_form_prefills_and_saves(world, client_for):
    client = client_for(world.users["programme-officer"])  # an enterprise user asks for name changes instead
    url = reverse("enterprise_edit", args=[world.ent_a1.pk])
    html = client.get(url).content.decode()
    assert 'value="Serraria Alfa Ltda"' in html and 'value="11.111.111/0001-91"' in html
    territory = world.ent_a1.territory
    assert f'<option value="{territory.pk}" selected>' in html  # the municipality is listed and chosen
    data = {**FORM, "legal_name": "Serraria Alfa S.A.", "national_id": world.ent_a1.national_id,
            "territory": territory.pk}
    response = client.post(url, data)
    assert response.status_code == 302
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.legal_name == "Serraria Alfa S.A."


def test_refresh_button_rerenders_without_saving(world, client_for):
    region = Territory.objects.get(code="CE")
    response = client_for(world.users["programme-officer"]).post(
        reverse("enterprise_create"), {**FORM, "territory": region.pk, "_refresh": "1"})
    assert response.status_code == 200 and "São João do Aruaru" in response.content.decode()
    assert not Enterprise.objects.filter(national_id="55555555000191").exists()


def test_association_manager_creating_an_enterprise_makes_it_a_member(world, client_for):
    manager = world.users["association-manager"]
    response = client_for(manager).post(reverse("enterprise_create"), FORM)
    assert response.status_code == 302
    ent = Enterprise.objects.get(national_id="55555555000191")
    assert Membership.objects.filter(enterprise=ent, association=world.assoc_a).exists()


def test_contact_add(world, client_for):
    client = client_for(world.users["enterprise-user"])
    url = reverse("contact_add", args=[world.ent_a1.pk])
    response = client.post(url, {"name": "João", "position": "Manager", "email": "bad", "phone": ""})
    assert response.status_code == 200 and "Enter a valid email address" in response.content.decode()
    assert client.post(url, {"name": "João", "position": "Manager", "email": "j@example.org"}).status_code == 302
    assert Contact.objects.get(enterprise=world.ent_a1).name == "João"


# Organisations and memberships ----------------------------------------------------------------------

def test_organisation_list_and_filters(world, client_for):
    client = client_for(world.users["programme-officer"])
    html = client.get(reverse("organisation_list")).content.decode()
    for name in ("Agency", "Sawmills Assoc", "Shoe Assoc", "State Purchasing"):
        assert name in html
    html = client.get(reverse("organisation_list"), {"kind": "buyer-public"}).content.decode()
    assert "State Purchasing" in html and "Sawmills Assoc" not in html
    html = client.get(reverse("organisation_list"), {"q": "shoe"}).content.decode()
    assert "Shoe Assoc" in html and "Agency" not in html


def test_organisation_list_counts_only_memberships_the_user_may_see(world, client_for):
    def members_of(user, name):
        html = client_for(world.users[user]).get(reverse("organisation_list")).content.decode()
        row = html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
        return int(re.search(r'class="num">(\d+)<', row).group(1))

    assert members_of("programme-officer", "Sawmills Assoc") == 2
    assert members_of("association-manager", "Sawmills Assoc") == 2
    assert members_of("enterprise-user", "Sawmills Assoc") == 1  # only their own membership


def test_nace_sector_filter_is_normalised_for_export_and_map_links(world, client_for):
    make_enterprise(legal_name="Usinagem NACE", national_id="N1", sector_classification="nace2",
                    sector_code="25.11", sector_section="C")
    html = get_list(client_for(world.users["programme-officer"]), sector="2511", classification="nace2").content.decode()
    assert "Usinagem NACE" in html
    assert "?sector=25.11&amp;classification=nace2" in html


def test_association_page_lists_current_members_and_history(world, client_for):
    Membership.objects.filter(enterprise=world.ent_a2).update(end_date=date(2022, 6, 30))
    html = client_for(world.users["programme-officer"]).get(
        reverse("organisation_detail", args=[world.assoc_a.pk])).content.decode()
    members = html.split('data-testid="members"', 1)[1].split("</table>", 1)[0]
    assert "Serraria Alfa Ltda" in members and "Marcenaria Beta" not in members
    assert "1 past or future membership" in html
    assert 'data-testid="membership-history"' in html


def test_add_and_end_membership_on_the_association_page(world, client_for):
    officer = world.users["programme-officer"]
    client = client_for(officer)
    url = reverse("membership_add", args=[world.assoc_a.pk])
    response = client.post(url, {"enterprise": world.ent_none.national_id, "start_date": "2024-03-01"})
    assert response.status_code == 302
    m = Membership.objects.get(enterprise=world.ent_none, association=world.assoc_a)
    assert m.start_date == date(2024, 3, 1) and m.end_date is None
    # An overlapping membership is refused by the service, shown on the form.
    response = client.post(url, {"enterprise": f"#{world.ent_none.pk}", "start_date": "2024-05-01"})
    assert response.status_code == 200 and "already a member" in response.content.decode()
    # Unknown enterprise.
    response = client.post(url, {"enterprise": "no-such-id", "start_date": "2024-05-01"})
    assert "No enterprise you can see" in response.content.decode()
    # End it.
    response = client.post(reverse("membership_end", args=[m.pk]), {"end_date": "2025-01-31"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.end_date == date(2025, 1, 31)
    html = client.get(reverse("organisation_detail", args=[world.assoc_a.pk])).content.decode()
    history = html.split('data-testid="membership-history"', 1)[1]
    assert "Metalúrgica Delta" in history and "membership ends 2025-01-31" in history
    # Ending twice is refused with the service's message.
    response = client.post(reverse("membership_end", args=[m.pk]), {"end_date": "2025-02-28"}, follow=True)
    assert "already ended" in response.content.decode()


def test_organisation_create_and_edit(world, client_for):
    client = client_for(world.users["programme-officer"])
    response = client.post(reverse("organisation_create"), {
        "kind": "business-association", "name": "Metal Group", "country": "br", "territory": ""})
    assert response.status_code == 302
    from triplec.registry.models import Organisation
    org = Organisation.objects.get(name="Metal Group")
    assert org.country == "BR"
    response = client.post(reverse("organisation_create"), {
        "kind": "business-association", "name": "Metal Group", "country": "BR"})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    response = client.post(reverse("organisation_edit", args=[org.pk]), {
        "kind": "business-association", "name": "Metal Group Ceará", "country": "BR"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Metal Group Ceará"


def test_association_manager_edits_own_association_without_the_kind_field(world, client_for):
    client = client_for(world.users["association-manager"])
    url = reverse("organisation_edit", args=[world.assoc_a.pk])
    assert 'name="kind"' not in client.get(url).content.decode()
    response = client.post(url, {"name": "Sawmills Association", "country": "BR", "kind": "buyer-public"})
    assert response.status_code == 302
    world.assoc_a.refresh_from_db()
    assert world.assoc_a.name == "Sawmills Association" and world.assoc_a.kind == "producers-association"


# Dashboard -----------------------------------------------------------------------------------------

def test_dashboard_bars_and_links(world, client_for):
    make_enterprise(legal_name="Extra Wood", national_id="X1", sector_code="1622", employees=2)
    html = client_for(world.users["programme-officer"]).get(reverse("dashboard")).content.decode()
    sector = html.split('data-testid="by-sector"', 1)[1].split("</article>", 1)[0]
    assert "Manufacturing" in sector and ">5<" in sector and 'class="bar w-100"' in sector
    assert "?sector=C\"" in sector  # a section counted once, whatever the classification
    size = html.split('data-testid="by-size"', 1)[1].split("</article>", 1)[0]
    # micro 2, small 1, medium 1, large 1: micro is the longest bar, the others half of it.
    assert size.count(" w-100\"") == 1 and size.count(" w-50\"") == 3
