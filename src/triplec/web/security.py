"""Pieces of the Content-Security-Policy that depend on configuration (used by settings.py)."""

from __future__ import annotations

from urllib.parse import urlsplit


def tile_source(template: str) -> list[str]:
    """The CSP source of a {z}/{x}/{y} tile URL template: its origin, with Leaflet's {s} subdomain
    placeholder as a wildcard. Empty when no tile server is configured or the tiles are same-origin."""
    if not template:
        return []
    parts = urlsplit(template.replace("{s}", "__s__"))
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc.replace("__s__", "*")
    if "*" in host and not host.startswith("*."):
        host = "*." + host.split(".", 1)[-1]  # CSP wildcards are whole left-most labels only
    return [f"{parts.scheme}://{host}"]
