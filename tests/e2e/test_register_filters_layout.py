"""The register's filter bar in English, Portuguese and Spanish: every filter's chosen option is shown
whole (issue 8: "Exporters and othe..." was cut), at a desktop and a narrow width."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# For each select of the filter form: the width its chosen option's text needs (font, padding and the
# arrow's room included) and the width it has.
MEASURE = """() => [...document.querySelectorAll('#filters select')].map(s => {
  const style = getComputedStyle(s), ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const text = s.options[s.selectedIndex].text;
  const need = ctx.measureText(text).width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return {name: s.name, text, need: Math.ceil(need), have: s.clientWidth};
})"""


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
@pytest.mark.parametrize("width", [1360, 800])
def test_no_filter_label_is_cut(world, page, login, shot, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(world.users["programme-officer"])
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": page.url}])
    page.goto("/enterprises/")
    cut = [m for m in page.evaluate(MEASURE) if m["need"] > m["have"]]
    shot(page, f"register-filters-{language}-{width}")
    assert not cut, cut
