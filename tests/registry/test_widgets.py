"""registry.widgets.QuickSelect writes the HTML of Django's Select, character for character."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from triplec.registry.widgets import QuickSelect

CHOICES = [
    ("", gettext_lazy("Any size")),
    (1, 'Ferro & "Aço" <b>'),
    ("Region <1>", [(2, "\u2003Ceará"), (3, "São João & Co")]),
    (mark_safe("4&amp;"), mark_safe("<i>safe</i>")),
    ("", [(5, "no group name")]),
]


@pytest.mark.parametrize("value", [None, "", 1, "1", 3, ["2", "3"], 'x"<'])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "hx-vals": '{"purpose": "filter"}', "required": True,
                                          "disabled": False, "data-n": 7}])
def test_the_markup_is_djangos(value, attrs):
    for multiple in (False, True):
        base = forms.SelectMultiple if multiple else forms.Select
        quick = type("QuickMultiple", (QuickSelect, base), {}) if multiple else QuickSelect
        expected = base(attrs=attrs, choices=CHOICES).render("size", value, attrs={"aria-invalid": "true"})
        assert quick(attrs=attrs, choices=CHOICES).render("size", value, attrs={"aria-invalid": "true"}) == expected
