"""Choosing a firm in a form among thousands: a search box (its national identifier, with or without
punctuation, or words of its name) whose suggestions come from the register's search as one types
(htmx fills a <datalist>), and the text sent resolved to one enterprise of the firms the form allows.
The page that shows the form serves the suggestions of the same allowed firms (`options_response`)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.http import HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .identifiers import search_forms
from .models import Enterprise
from .search import filter_by_words

SUGGESTIONS = 20


class FirmNotFound(ValueError):
    """The text names no firm, or several: the message says which, in the reader's language."""


def find_firm(text: str, allowed: QuerySet | None = None) -> Enterprise:
    """The one firm of `allowed` (default: the register) `text` names: its national identifier (any
    punctuation), else the only firm whose names hold every word of it. FirmNotFound otherwise."""
    allowed = Enterprise.objects.all() if allowed is None else allowed
    text = (text or "").strip()
    if not text:
        raise FirmNotFound(_("Give the enterprise's national identifier or name."))
    by_id = list(allowed.alias(_upper_id=Upper("national_id")).filter(_upper_id__in=search_forms(text))[:2])
    if len(by_id) == 1:
        return by_id[0]
    named = list(filter_by_words(allowed, text).order_by("legal_name", "id")[:6])
    if len(named) == 1 and not by_id:
        return named[0]
    if not named and not by_id:
        raise FirmNotFound(_("No enterprise of the register has the identifier or name %(text)s; register it "
                             "first.") % {"text": text})
    names = "; ".join(f"{e.legal_name} ({e.national_id})" for e in (by_id or named)[:5])
    raise FirmNotFound(_("%(text)s names more than one enterprise (%(names)s); give its national identifier.")
                       % {"text": text, "names": names})


def suggestions(text: str, allowed: QuerySet) -> list[Enterprise]:
    text = (text or "").strip()
    if len(text) < 2:
        return []
    return list(filter_by_words(allowed, text).only("pk", "legal_name", "national_id")
                .order_by("legal_name", "id")[:SUGGESTIONS])


def options_response(request, allowed: QuerySet) -> HttpResponse:
    """The <option>s for the search box's datalist: the firms of `allowed` matching the box's text
    (sent under the field's name, `?field=`)."""
    found = suggestions(request.GET.get(request.GET.get("field") or "q", ""), allowed)
    return HttpResponse(format_html_join("", '<option value="{}">{}</option>',
                                         ((e.national_id or e.legal_name, e.legal_name) for e in found)))


class FirmSearchInput(forms.TextInput):
    """A text box with a datalist that htmx refills from `options_url` as one types."""

    input_type = "search"

    def __init__(self, options_url: str = "", attrs=None):
        super().__init__(attrs)
        self.options_url = options_url

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        listed = f"{attrs.get('id') or name}-options"
        # htmx sends the box's value under the field's name: `field` tells the suggestions which it is
        attrs.update({"list": listed, "autocomplete": "off", "hx-get": f"{self.options_url}?field={name}",
                      "hx-target": f"#{listed}", "hx-trigger": "input changed delay:300ms",
                      "hx-sync": "this:replace", "data-testid": "firm-search"})
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', box, listed)


class FirmSearchField(forms.CharField):
    """A firm of `allowed` by its identifier or name (see `find_firm`); cleans to the Enterprise."""

    default_error_messages = {"required": gettext_lazy("Give the enterprise's national identifier or name.")}

    def __init__(self, *, allowed: QuerySet | None = None, options_url: str = "", **kwargs):
        kwargs.setdefault("label", gettext_lazy("Firm (national identifier or name)"))
        kwargs.setdefault("max_length", 200)
        super().__init__(widget=FirmSearchInput(options_url), **kwargs)
        self.allowed = allowed

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return find_firm(text, self.allowed)
        except FirmNotFound as exc:
            raise forms.ValidationError(str(exc)) from exc
