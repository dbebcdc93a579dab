"""The cluster export in the reader's convention (separator, decimal mark, headers)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from .test_exporting import records  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request in pt-br leaves that language active in this thread; later tests expect English."""
    yield
    translation.activate("en")


def test_cluster_csv_for_a_portuguese_reader(records, world, client_for):  # noqa: F811
    client = client_for(world.users["programme-officer"])
    response = client.get(reverse("clusters:cluster_export"), {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="pt-br")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))
    assert header[0] == "cluster_id"
    wood = dict(zip(header, next(r for r in rows if r[1].startswith("Leiria")), strict=True))
    assert wood["area_km2"] == "80,5" and wood["centroid_lon"] == "-8,65"
    # each code its own title: division 16 and class 1610 (CNAE 16.10-2)
    assert wood["sector_labels"] == "Fabricação de produtos de madeira | Desdobramento de madeira"
    labelled = client.get(reverse("clusters:cluster_export"), {"format": "csv", "what": "footprints",
                                                               "headers": "labels"}, HTTP_ACCEPT_LANGUAGE="es")
    header = next(csv.reader(io.StringIO(labelled.content[3:].decode("utf-8")), delimiter=";"))
    assert "Establecimientos" in header or "establishments" not in header
