"""Content-Security-Policy: a strict policy on every page, and templates that need nothing inline to work
under it. The browser side (no violation on the main pages) is tests/e2e/test_csp.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import triplec
from triplec.web.security import tile_source

SRC = Path(triplec.__file__).resolve().parent
TEMPLATES = sorted(p for p in SRC.rglob("templates/**/*.html"))

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_templates_are_found():
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_needs_nothing_inline(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not HANDLER_ATTRIBUTE.search(text), "on...= event handler: bind it from a static script"
    assert "javascript:" not in text.lower(), "javascript: URL"
    assert not re.search(r"\s(?:data-)?hx-(?:on\b|vars=)", text), "htmx evaluates these: not allowed under the policy"
    assert not re.search(r"hx-vals=[\"']\s*(?:js|javascript):", text), "htmx evaluates js: values"
    assert not STYLE_ATTRIBUTE.search(text), "style= attribute: use a class (bars: the width_class filter)"
    assert "<style" not in text.lower(), "<style> block: put it in a static stylesheet"


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/docs", "/no-such-page/"])
def test_every_page_has_a_strict_policy(db, url):
    response = Client().get(url)
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_htmx_is_configured_to_need_no_eval_and_no_inline_style(world):
    client = Client()
    client.force_login(world.users["programme-officer"])
    html = client.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html)
    assert config, "htmx config meta tag missing"
    import json

    values = json.loads(config.group(1))
    assert values["allowEval"] is False
    assert values["includeIndicatorStyles"] is False
    assert values["allowScriptTags"] is False


@pytest.mark.parametrize("template, expected", [
    ("", []),
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
    ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", ["https://*.tile.example.org:8443"]),
    ("/tiles/{z}/{x}/{y}.png", []),  # same origin: 'self' covers it
])
def test_a_configured_tile_server_is_allowed_as_an_image_source(template, expected):
    assert tile_source(template) == expected

