"""The point-table options that `triplec map` and `triplec curves` share, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

SectorCol = Annotated[str, typer.Option(help="Column of sector codes.")]
IdCol = Annotated[str, typer.Option(help="Column of establishment ids (unique).")]
LonCol = Annotated[str | None, typer.Option(help="Longitude column (degrees); great-circle km.")]
LatCol = Annotated[str | None, typer.Option(help="Latitude column (degrees).")]
XCol = Annotated[str | None, typer.Option(help="Projected x column.")]
YCol = Annotated[str | None, typer.Option(help="Projected y column.")]
Unit = Annotated[str, typer.Option(help="Unit of --x-col/--y-col: km or m.")]
