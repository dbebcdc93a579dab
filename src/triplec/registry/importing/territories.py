"""Find or plan the territories (country > region > municipality) named by the rows of one import.

All territories of the file's countries are read once; new ones are planned in memory and created
in bulk by `create_planned` (parents first), with history.

A level given by code is looked up by code under its parent; given by name only, by name (ignoring
case) under its parent, and created with the name as its code when missing. A municipality given
without its region is accepted when exactly one municipality of that code (or name) exists in the
country.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from triplec.registry.models import Territory

from . import messages as msg
from . import writer
from .writer import HistoryInfo

Key = tuple  # ("id", pk) for an existing territory, ("new", n) for a planned one


@dataclass
class _Planned:
    level: str
    code: str
    name: str
    parent: Key | None


class TerritoryResolver:
    def __init__(self, countries: set[str]):
        self.planned: dict[Key, _Planned] = {}
        self._by_code: dict[tuple[Key | None, str], Key] = {}
        self._by_name: dict[tuple[Key | None, str], list[Key]] = defaultdict(list)
        self._municipalities: dict[tuple[str, str], list[Key]] = defaultdict(list)  # (country, code/name)
        roots = list(Territory.objects.filter(parent__isnull=True, code__in=countries)
                     .values_list("id", "code", "name"))
        regions = list(Territory.objects.filter(parent_id__in=[r[0] for r in roots])
                       .values_list("id", "code", "name", "parent_id"))
        municipalities = list(Territory.objects.filter(parent_id__in=[r[0] for r in regions])
                              .values_list("id", "code", "name", "parent_id"))
        country_of_region = {}
        for pk, code, name in roots:
            self._add(("id", pk), None, code, name)
        root_code = {pk: code for pk, code, _ in roots}
        for pk, code, name, parent in regions:
            self._add(("id", pk), ("id", parent), code, name)
            country_of_region[pk] = root_code[parent]
        for pk, code, name, parent in municipalities:
            self._add(("id", pk), ("id", parent), code, name)
            self._index_municipality(country_of_region[parent], ("id", pk), code, name)

    def _add(self, key: Key, parent: Key | None, code: str, name: str) -> None:
        self._by_code.setdefault((parent, code), key)
        self._by_name[(parent, name.casefold())].append(key)

    def _index_municipality(self, country: str, key: Key, code: str, name: str) -> None:
        self._municipalities[(country, "code:" + code)].append(key)
        self._municipalities[(country, "name:" + name.casefold())].append(key)

    def _plan(self, level: str, code: str, name: str, parent: Key | None) -> Key:
        key = ("new", len(self.planned))
        self.planned[key] = _Planned(level, code, name or code, parent)
        self._add(key, parent, code, name or code)
        return key

    def _child(self, level: str, parent: Key | None, code: str, name: str, field: str) -> Key:
        """The child of `parent` with this code (or, with no code, this name); planned if missing."""
        if code:
            return self._by_code.get((parent, code)) or self._plan(level, code, name, parent)
        found = self._by_name.get((parent, name.casefold()), [])
        if len(found) > 1:
            several = msg.SEVERAL_REGIONS if level == "region" else msg.SEVERAL_MUNICIPALITIES_NAMED
            raise LookupError(field, several % {"value": repr(name)})
        if found:
            return found[0]
        if len(name) > Territory._meta.get_field("code").max_length:
            raise LookupError(field, (msg.NO_REGION if level == "region" else msg.NO_MUNICIPALITY)
                              % {"value": repr(name)})
        return self._by_code.get((parent, name)) or self._plan(level, name, name, parent)

    def resolve(self, country: str, spec: tuple[str, str, str, str]) -> Key:
        """Key of the deepest territory named by `spec`, or LookupError(field, reason)."""
        region_code, region_name, muni_code, muni_name = spec
        country_key = self._by_code.get((None, country)) or self._plan("country", country, country, None)
        region_key = None
        if region_code or region_name:
            region_key = self._child("region", country_key, region_code, region_name,
                                     "region_code" if region_code else "region_name")
        if not (muni_code or muni_name):
            return region_key or country_key
        field = "municipality_code" if muni_code else "municipality_name"
        if region_key is not None:
            key = self._child("municipality", region_key, muni_code, muni_name, field)
            if key[0] == "new":
                self._index_municipality(country, key, muni_code or muni_name, muni_name or muni_code)
            return key
        lookup = "code:" + muni_code if muni_code else "name:" + muni_name.casefold()
        found = list(dict.fromkeys(self._municipalities.get((country, lookup), [])))
        if len(found) == 1:
            return found[0]
        shown = muni_code or muni_name
        if found:
            raise LookupError(field, msg.SEVERAL_MUNICIPALITIES % {"value": repr(shown), "country": country})
        raise LookupError(field, msg.UNKNOWN_MUNICIPALITY % {"value": repr(shown), "country": country})

    def create_planned(self, info: HistoryInfo) -> dict[Key, int]:
        """Create the planned territories, level by level; returns planned key -> territory id.

        This is the bulk form of `services.ensure_territory` (find by parent and code, else create
        with history): the resolver already looked every planned territory up under its parent, and
        builds each level under the one above, which is the rule `Territory.clean` checks. Creating
        them one by one costs a validation, a save and a history row each (~10 ms): a file naming
        every French commune would spend minutes there.
        """
        ids: dict[Key, int] = {}
        base = writer.new_row(Territory, {})
        for level in ("country", "region", "municipality"):
            keys = [k for k, p in self.planned.items() if p.level == level]
            rows = []
            for key in keys:
                planned = self.planned[key]
                parent_id = None
                if planned.parent is not None:
                    parent_id = ids[planned.parent] if planned.parent[0] == "new" else planned.parent[1]
                rows.append({**base, "level": level, "code": planned.code, "name": planned.name,
                             "parent_id": parent_id})
            writer.insert(Territory, rows, info)
            ids.update({key: row["id"] for key, row in zip(keys, rows, strict=True)})
        return ids
