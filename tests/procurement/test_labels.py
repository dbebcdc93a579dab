"""Maker labels (PDF, lot code as text and Code 128) and the inspection page's scanned or typed lot
code (permissions of these pages: test_page_matrix.py).

On the sawmills' contract C1 (conftest `two_contracts`): S1 and S2 have 10 units each, 5 of each
delivered and waiting for inspection; C2 is another purchaser's order to assoc_a."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _client(client_for, desks, name):
    return client_for(desks.world.users[name])


def _allocations(contract):
    return list(contract.lines.get().allocations.select_related("member").order_by("member__legal_name"))


def test_labels_of_an_allocation_one_per_unit_name_the_maker_and_the_lot(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    s1, s2 = _allocations(c1)
    answer = _client(client_for, desks, "s1-user").get(
        reverse("procurement:allocation_labels", args=[c1.pk, s1.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    pages, text = _text(answer.content)
    assert pages == 1  # 10 labels on a sheet of 14
    assert text.count("Made by Serraria S01") == 10 and "Serraria S02" not in text
    assert text.count(s1.lot_code) == 10 and s2.lot_code not in text
    assert [int(n) for n in re.findall(r"Unit (\d+) of 10", text)] == list(range(1, 11))
    assert "Contract CE-2027-001" in text and "School desk" in text
    assert "70.000.001/0001" in text  # the maker's CNPJ, formatted


def test_labels_per_batch_and_for_the_whole_contract(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    manager = _client(client_for, desks, "aruaru-manager")
    url = reverse("procurement:contract_labels", args=[c1.pk])
    pages, text = _text(manager.get(url).content)
    assert pages == 2 and len(re.findall(r"Unit \d+ of 10", text)) == 20  # 14 on the first sheet
    assert text.count("Made by Serraria S01") == 10 and text.count("Made by Serraria S02") == 10
    _pages, text = _text(manager.get(url, {"batch": 4}).content)
    assert re.findall(r"Batch (\d) of 3 \(units (\d+)-(\d+)\)", text) == [
        ("1", "1", "4"), ("2", "5", "8"), ("3", "9", "10")] * 2
    line = c1.lines.get()
    _pages, text = _text(manager.get(url, {"batch": 10, "line": line.pk}).content)
    assert text.count("Batch 1 of 1") == 2
    assert manager.get(url, {"line": 999999}).status_code == 404


def test_a_wrong_batch_or_too_many_labels_is_refused_with_a_message(client_for, desks, two_contracts, monkeypatch):
    from triplec.procurement.services import labels

    c1, _c2 = two_contracts
    manager = _client(client_for, desks, "aruaru-manager")
    url = reverse("procurement:contract_labels", args=[c1.pk])
    refused = manager.get(url, {"batch": 0}, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("procurement:labels", args=[c1.pk])
    assert "greater than or equal to 1" in refused.content.decode()
    monkeypatch.setattr(labels, "MAX_LABELS", 19)
    refused = manager.get(url, follow=True)
    assert "That is 20 labels, more than 19 in one file" in refused.content.decode()
    assert manager.get(url, {"batch": 2})["Content-Type"] == "application/pdf"


def test_the_labels_page_lists_what_the_reader_may_print(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    s1, s2 = _allocations(c1)
    url = reverse("procurement:labels", args=[c1.pk])
    manager = _client(client_for, desks, "aruaru-manager").get(url).content.decode()
    assert manager.count('data-testid="label-row"') == 2 and 'data-testid="contract-labels"' in manager
    member = _client(client_for, desks, "s1-user").get(url).content.decode()
    assert member.count('data-testid="label-row"') == 1 and s1.lot_code in member and s2.lot_code not in member
    assert 'data-testid="contract-labels"' not in member
    page = _client(client_for, desks, "s1-user").get(reverse("procurement:contract_detail", args=[c1.pk]))
    assert url in page.content.decode()


def test_an_empty_allocation_list_still_gives_a_readable_pdf(client_for, desks):
    from .conftest import award

    contract = award(desks, quantity=5, price="10.00")
    answer = _client(client_for, desks, "aruaru-manager").get(reverse("procurement:contract_labels",
                                                                      args=[contract.pk]))
    assert "Nothing allocated" in _text(answer.content)[1]


def _scan(client, contract, code):
    return client.get(reverse("procurement:inspection_scan", args=[contract.pk]), {"code": code}, follow=True)


def test_a_scanned_code_leads_to_that_makers_delivery(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    s1, s2 = _allocations(c1)
    inspector = _client(client_for, desks, "inspector")
    page = inspector.get(reverse("procurement:inspection", args=[c1.pk])).content.decode()
    assert 'data-testid="scan-form"' in page and page.count('data-testid="inspection-form"') == 2
    # a USB scanner types the code then Enter; typed by hand it may come in lower case with spaces
    for code in (s1.lot_code, f"  {s1.lot_code.lower()} "):
        answer = _scan(inspector, c1, code)
        html = answer.content.decode()
        assert answer.status_code == 200 and 'data-testid="scanned-lot"' in html
        assert html.count('data-testid="inspection-form"') == 1
        assert "Serraria S01" in html.split('data-testid="inspection-form"')[1].split("</form>")[0]
        assert f"d{s1.deliveries.get().pk}-accepted" in html and f"d{s2.deliveries.get().pk}-accepted" not in html


def test_a_scanned_lot_with_nothing_waiting_says_so(client_for, desks, two_contracts):
    from triplec.procurement.services import deliveries

    c1, _c2 = two_contracts
    s1, _s2 = _allocations(c1)
    deliveries.inspect(desks.inspector, s1.deliveries.get(), accepted=5, rejected=0, reasons="")
    html = _scan(_client(client_for, desks, "inspector"), c1, s1.lot_code).content.decode()
    assert 'data-testid="nothing-waiting"' in html and "No delivery of this lot is waiting" in html


def test_the_repaired_units_of_a_scanned_lot_are_offered_too(client_for, desks, two_contracts):
    from triplec.procurement.services import deliveries

    c1, _c2 = two_contracts
    s1, _s2 = _allocations(c1)
    first = s1.deliveries.get()
    deliveries.inspect(desks.inspector, first, accepted=3, rejected=2, reasons="Loose leg")
    rework = deliveries.assign_rework(desks.manager, first, member=desks.members[2], kind="repair", quantity=2)
    repaired = deliveries.record_delivery(desks.manager, rework=rework, quantity=2)
    html = _scan(_client(client_for, desks, "inspector"), c1, s1.lot_code).content.decode()
    assert html.count('data-testid="inspection-form"') == 1 and f"d{repaired.pk}-accepted" in html


def test_unknown_and_other_purchasers_codes_get_the_same_refusal(client_for, desks, two_contracts):
    c1, c2 = two_contracts
    other_lot = c2.lines.get().allocations.get()
    inspector = _client(client_for, desks, "inspector")
    answers = {}
    for code in ("C0-L0-M0-1", other_lot.lot_code):
        answer = _scan(inspector, c1, code)
        html = answer.content.decode()
        assert answer.status_code == 200 and answer.redirect_chain == []
        assert f"No lot with the code {code} on the contracts you inspect." in html
        assert 'data-testid="scanned-lot"' not in html and "Serraria Alfa" not in html and "Chair" not in html
        answers[code] = re.sub(r'(value|nonce)="[^"]*"', "", html.replace(code, "CODE"))  # tokens differ
    unknown, other = answers.values()
    assert unknown == other  # nothing tells them apart
    assert 'data-testid="scan-error"' in unknown and unknown.count('data-testid="inspection-form"') == 2


def test_a_code_of_another_contract_the_reader_inspects_leads_there(client_for, desks, two_contracts):
    from triplec.procurement.services import allocation

    from .conftest import award

    c1, c2 = two_contracts
    other = award(desks, quantity=3, price="10.00", reference="CE-2027-002")
    [lot] = allocation.confirm(desks.manager, other.lines.get(), {desks.members[4]: 3}, on=date(2027, 3, 2))
    answer = _scan(_client(client_for, desks, "inspector"), c1, lot.lot_code)
    assert answer.redirect_chain[-1][0].startswith(reverse("procurement:inspection_scan", args=[other.pk]))
    assert "CE-2027-002" in answer.content.decode() and 'data-testid="scanned-lot"' in answer.content.decode()
    c2_lot = c2.lines.get().allocations.get()
    admin = _scan(_client(client_for, desks, "agency-admin"), c1, c2_lot.lot_code)
    assert admin.redirect_chain[-1][0].startswith(reverse("procurement:inspection_scan", args=[c2.pk]))


def test_an_empty_scan_goes_back_to_the_inspection_page(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    answer = _client(client_for, desks, "inspector").get(reverse("procurement:inspection_scan", args=[c1.pk]),
                                                          {"code": "  "})
    assert answer.status_code == 302 and answer["Location"] == reverse("procurement:inspection", args=[c1.pk])
