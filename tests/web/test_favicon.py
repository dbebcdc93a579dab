"""The site's icon: /favicon.ico answers (browsers ask for it on every site) and pages link the SVG."""

import re

from django.test import Client


def test_favicon_ico_is_served(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert int.from_bytes(body[4:6], "little") >= 2  # several sizes (16, 32, 48 px)
    assert "max-age" in response["Cache-Control"]


def test_pages_link_the_svg_icon_and_it_is_served(db):
    client = Client()
    html = client.get("/accounts/login/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">', html)
    assert link, "the base template links no SVG icon"
    served = client.get(link.group(1))
    assert served.status_code == 200
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert body.lstrip().startswith(b"<svg") and b"<script" not in body
    assert re.search(r'<link rel="icon" href="/favicon.ico" sizes="any">', html)
