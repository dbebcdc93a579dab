"""A select that writes its HTML in Python: the register's filter form is on every list page, and
Django renders each option of a select through two included templates (a third of the form's cost,
benchmarks/bench_request_cpu.py). The markup is the one of Django's select.html, select_option.html
and attrs.html, character for character (tests/registry/test_widgets.py compares them)."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`: formatted with %s, escaped unless it was safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(f" {conditional_escape(name)}" + ("" if value is True else f'="{_string(value)}"')
                   for name, value in attrs.items() if value is not False)


class QuickSelect(forms.Select):
    def _render(self, template_name, context, renderer=None):
        if template_name != "django/forms/widgets/select.html":  # a subclass's own template
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(f'\n  <option value="{_string(option["value"])}"{_attrs(option["attrs"])}>'
                             f'{conditional_escape(option["label"])}</option>\n')  # the include's own newline
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
