"""Template helpers of the register's pages: sector and size labels, sortable headers, bar widths."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from triplec.registry import mapdata, sectors
from triplec.registry.countries import country_name
from triplec.registry.models import SizeClass

register = template.Library()


@register.filter
def sector_label(classification: str, code: str) -> str:
    """`e.sector_classification|sector_label:e.sector_code` -> the official title ("" if unknown)."""
    return sectors.label(classification, code) if classification and code else ""


@register.filter
def shipped(text: str) -> str:
    """A definition shipped with triplec (schedule, area, stage) in the reader's language; text an agency
    wrote itself passes through. Unlike `{% translate var %}`, a literal "70%" in the text still matches
    its catalogue entry (the tag looks up "70%%")."""
    return gettext(text) if text else ""


@register.filter
def country(code: str) -> str:
    """`e.country|country` -> the country's name in the reader's language ("Brasil" for BR)."""
    return country_name(code)


@register.filter
def section_label(section: str) -> str:
    """Label of a top-level sector (ISIC/NACE letter or NAICS 2-digit sector)."""
    return mapdata.section_labels([section]).get(section, "") if section else ""


@register.filter
def size_label(size: str) -> str:
    try:
        return SizeClass(size).label
    except ValueError:
        return size


@register.filter
def bar_pct(value, maximum) -> str:
    """Width in percent of a bar for `value` on a scale to `maximum` (at least 1% when non-zero)."""
    try:
        value, maximum = float(value), float(maximum)
    except (TypeError, ValueError):
        return "0"
    if maximum <= 0 or value <= 0:
        return "0"
    return f"{max(1.0, 100.0 * value / maximum):.1f}"


@register.filter
def max_count(rows, key="n"):
    """Largest count in a list of dicts (`key`) or of (label, count) pairs."""
    values = [r[key] if isinstance(r, dict) else r[1] for r in rows or []]
    return max(values, default=0)


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, css: str = ""):
    """A column header that sorts the list by `key` (toggling direction), keeping the filters."""
    request = context["request"]
    current = context.get("sort", "name")
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if current == key else key
    url = "?" + query.urlencode()
    if current == key:
        aria, arrow = "ascending", " ▲"
    elif current == f"-{key}":
        aria, arrow = "descending", " ▼"
    else:
        aria, arrow = "none", ""
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a href="{}" hx-get="{}" hx-target="#results" '
        'hx-push-url="true" class="sort-link">{}{}</a></th>', css, aria, url, url, label, arrow)
