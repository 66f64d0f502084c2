"""People in Japanese-language releases (MOFA style).

MOFA writes a person as name + office (``上川陽子外務大臣``), office + の + name + 氏
(``代表の森田真理子氏``) or organisation + の + name + office (``東洋国際大学の大塚健一教授``),
and later by family name + office (``上川大臣``). Names are romanised with pykakasi
(Hepburn, long vowels without macrons), family name in capitals, in ``Given FAMILY`` order;
foreign names in katakana keep their written order. Offices and organisation names are put
into English through a small glossary of the terms MOFA uses; words outside it are
romanised. The subject (``は``) of the sentence that reports the event leads it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# (gold field, {name, title, organisation_or_country[, gender]}, start, end)
Participant = tuple[str, dict[str, Any], int, int]

_KANJI = "一-龯々"
_KATAKANA = "ァ-ヴー"
# Offices, longest first so that 外務大臣政務官 wins over 外務大臣.
_TITLES = {
    "外務大臣政務官": "Parliamentary Vice-Minister for Foreign Affairs",
    "外務副大臣": "State Minister for Foreign Affairs",
    "外務大臣": "Minister for Foreign Affairs",
    "副大臣": "State Minister",
    "大臣": "Minister",
    "特命全権大使": "Ambassador Extraordinary and Plenipotentiary",
    "大使": "Ambassador",
    "准教授": "Associate Professor",
    "教授": "Professor",
    "事務総長": "Secretary-General",
    "事務局次長": "Deputy Executive Director",
    "常駐代表": "Resident Representative",
    "事務次長": "Deputy Secretary-General",
    "事務局長": "Secretary General",
    "局長": "Director-General",
    "審議官": "Deputy Director-General",
    "総裁": "President",
    "理事長": "Chairperson",
    "会長": "President",
    "議長": "Chair",
    "所長": "Director",
    "代表": "Representative",
    "女性人権活動家": "women's human rights activist",
    "人権活動家": "human rights activist",
    "活動家": "activist",
    "研究員": "Research Fellow",
}
_GOVERNMENT = ("大臣", "大使", "局長", "審議官")
# Words of organisation names, put into English in the order written.
_GLOSSARY = {
    "特定非営利活動法人": "",
    "公益財団法人": "",
    "一般社団法人": "",
    "国連": "United Nations",
    "平和": "Peace",
    "女性": "Women",
    "ネットワーク": "Network",
    "国際": "International",
    "大学": "University",
    "研究所": "Institute",
    "協会": "Association",
    "財団": "Foundation",
    "センター": "Centre",
    "基金": "Fund",
    "機関": "Agency",
    "委員会": "Committee",
    "と": "and",
    "の": "",
}
_COUNTRIES = {
    "アフガニスタン": "Afghanistan",
    "ウクライナ": "Ukraine",
    "ミャンマー": "Myanmar",
    "スーダン": "Sudan",
    "南スーダン": "South Sudan",
    "シリア": "Syria",
    "イエメン": "Yemen",
    "パレスチナ": "Palestine",
    "コロンビア": "Colombia",
    "フィリピン": "Philippines",
    "インドネシア": "Indonesia",
    "ケニア": "Kenya",
    "コンゴ民主共和国": "Democratic Republic of the Congo",
    "イラク": "Iraq",
    "日本": "Japan",
}
_TITLE_ALT = "|".join(sorted(_TITLES, key=len, reverse=True))
# name + office, or name + 氏 (office or description before it with の / である).
_NAME_OFFICE_RE = re.compile(
    rf"(?<![{_KANJI}])(?P<name>[{_KANJI}]{{2,6}}?)(?:駐[{_KATAKANA}{_KANJI}]{{1,12}}?)?"
    rf"(?P<title>{_TITLE_ALT})"
)  # "<name>駐<country>日本国特命全権大使": an ambassador's post names the host country
# A foreign name in katakana, then its body and office: "<カナ・カナ>国連人口基金事務局次長".
_KANA_OFFICE_RE = re.compile(
    rf"(?P<name>[{_KATAKANA}]+(?:・[{_KATAKANA}]+)+)(?P<org>[^、。\s「」]{{0,30}}?)"
    rf"(?P<title>{_TITLE_ALT})"
)
# "AとBとの間で ... 書簡の交換／署名": both sides of an exchange or a signature lead it.
_BETWEEN_RE = re.compile(r"との間で[^。]*(?:署名|書簡の交換|交換公文)")
# Kanji that belong to offices, topics, bodies and states, never to a person's name.
_NOT_NAME_RE = re.compile(
    r"女性|人権|国際|平和|外務|政府|日本|国連|大学|安全|事務|機関|委員|駐|共和国|王国|連邦"
)
_STATE_SUFFIX_RE = re.compile(r"(?:民主共和国|共和国|王国|連邦)$")
_NAME_SHI_RE = re.compile(
    rf"(?:(?P<before>[^、，。\s（）()]*?)(?:の|である))?(?P<name>[{_KANJI}]{{3,6}}"
    rf"|[{_KATAKANA}]+・[{_KATAKANA}]+)氏"
)
_FEMALE_RE = re.compile(rf"女性(?:の)?(?:[{_KANJI}]{{0,4}})(?:{_TITLE_ALT}|議員|指導者)")


def is_japanese(text: str) -> bool:
    """Whether the text is mostly Japanese (kana and kanji)."""
    sample = text[:2000]
    cjk = len(_CJK_RE.findall(sample))
    return cjk > 50 and cjk > len(sample) * 0.2


_CJK_RE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


@cache
def _kakasi() -> Any:
    """One pykakasi converter per process (its dictionaries load once)."""
    import pykakasi

    return pykakasi.kakasi()


def _hepburn(text: str, *, native: bool = True) -> str:
    """Romanise; Japanese long vowels lose their doubling as they would lose a macron."""
    roman = "".join(part["hepburn"] for part in _kakasi().convert(text)).replace("'", "")
    if native:
        roman = re.sub(r"(o)[ou](?=[^aeiou]|$)|(u)u(?=[^aeiou]|$)", r"\1\2", roman)
    return roman


def romanise_name(written: str, family_length: int | None = None) -> str:
    """``上川陽子`` -> ``Yoko KAMIKAWA``; ``ファリダ・ノーリ`` -> ``Farida Noori``."""
    if "・" in written:
        parts = [_hepburn(p, native=False).capitalize() for p in written.split("・")]
        return " ".join(parts)
    size = family_length or (2 if len(written) >= 3 else 1)
    family, given = written[:size], written[size:]
    return f"{_hepburn(given).capitalize()} {_hepburn(family).upper()}".strip()


@cache
def _reference_names() -> dict[str, str]:
    """Japanese names and aliases of the reference organisations -> their English name."""
    from wpstrack.reference import organisations

    names: dict[str, str] = {}
    for entry in organisations():
        for form in [entry.get("name_ja"), *(entry.get("aliases") or [])]:
            if form and not form.isascii():
                names.setdefault(form, entry["name"])
    return names


def translate_org(written: str) -> str:
    """An organisation's English name: from the reference data, else word by word."""
    written = written.strip("「」『』")
    if written in _reference_names():
        return _reference_names()[written]
    words: list[str] = []
    index = 0
    unknown = ""
    while index < len(written):
        match = next(
            (w for w in sorted(_GLOSSARY, key=len, reverse=True) if written.startswith(w, index)),
            None,
        )
        if match is None:
            unknown += written[index]
            index += 1
            continue
        if unknown:
            words.append(_hepburn(unknown).capitalize())
            unknown = ""
        if _GLOSSARY[match]:
            words.append(_GLOSSARY[match])
        index += len(match)
    if unknown:
        words.append(_hepburn(unknown).capitalize())
    return " ".join(words)


def _affiliation(before: str) -> str | None:
    """A nationality (出身) or a quoted or named body before the name."""
    for written, country in _COUNTRIES.items():
        if before.startswith(written) and "出身" in before:
            return country
    quoted = re.search(r"「([^」]+)」", before)
    if quoted:
        return translate_org(quoted.group(1))
    org = re.search(rf"([{_KANJI}{_KATAKANA}]+(?:大学|研究所|協会|財団|センター|機関))$", before)
    return translate_org(org.group(1)) if org else None


def extract(text: str) -> tuple[list[Participant], list[tuple[int, int]]]:
    """(participant records, spans of the named women) of a Japanese release."""
    people: list[dict[str, Any]] = []
    for match in _NAME_OFFICE_RE.finditer(text):
        written = match.group("name")
        if _NOT_NAME_RE.search(written) or any(p["written"] == written for p in people):
            continue
        title = match.group("title")
        before = text[max(0, match.start() - 30) : match.start()]
        org_match = re.search(r"([^、，。\s（）()]+)の$", before)
        affiliation = _affiliation(org_match.group(1)) if org_match else None
        if affiliation is None and title.endswith(_GOVERNMENT):
            affiliation = "Japan"
        people.append(_person(written, match.start("name"), _TITLES[title], affiliation))
    for match in _KANA_OFFICE_RE.finditer(text) if "・" in text else ():
        parts = match.group("name").split("・")
        org = re.sub(r"（[^）]*）|\([^)]*\)", "", match.group("org"))
        if org.startswith("の"):  # "<ネットワーク>の共同議長": a body, not a person
            continue
        # "<名・姓>・<国>共和国外務大臣": a country joined by ・ belongs to the office
        while len(parts) > 2 and any(parts[-1].startswith(c) for c in _COUNTRIES):
            org = parts.pop() + org
        state = _STATE_SUFFIX_RE.sub("", org)
        if not state and org and len(parts) > 2:  # "・<国>共和国": a state the glossary lacks
            parts.pop()
            affiliation = None
        elif state in _COUNTRIES:  # a government's office: its country is the affiliation
            affiliation = _COUNTRIES[state]
        else:
            for written in _COUNTRIES:  # "UNDPウクライナ常駐代表": the country is where the post is
                org = org.removesuffix(written)
            # a romanised katakana run is no body: better none than garbage
            affiliation = translate_org(org) if org and "・" not in org else None
        written = "・".join(parts)
        people.append(_person(written, match.start(), _TITLES[match.group("title")], affiliation))
    for match in _NAME_SHI_RE.finditer(text):
        written = match.group("name")
        if any(p["written"] == written for p in people):
            continue
        before = match.group("before") or ""
        title = next((t for t in sorted(_TITLES, key=len, reverse=True) if before.endswith(t)), "")
        affiliation = _affiliation(before[: len(before) - len(title)].rstrip("の"))
        people.append(_person(written, match.start("name"), _TITLES.get(title), affiliation))
    people = [
        p
        for p in people
        if len(p["written"]) > 2
        or not any(q is not p and q["written"].startswith(p["written"]) for q in people)
    ]
    people = _merge_family_only(people)
    people.sort(key=lambda p: p["start"])
    _assign(text, people)
    women = _women(text, people)
    records: list[Participant] = []
    for p in people:
        value = {
            "name": romanise_name(p["written"], _family_length(text, p["written"])),
            "title": p["title"],
            "organisation_or_country": p["affiliation"],
        }
        if (p["start"], p["start"] + len(p["written"])) in women:
            value["gender"] = "f"  # Japanese marks women only (女性), never men
        field = "principal_actors" if p["role"] == "principal" else "other_participants"
        records.append((field, value, p["start"], p["start"] + len(p["written"])))
    return records, women


def _merge_family_only(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A family-name mention ('上川外務大臣' in the headline) is the fully named person.

    Two kanji before an office with no full name to join may as well be a word ('共同議長'):
    without a full name the family name cannot be read, and nothing beats a wrong name.
    """
    return [p for p in people if len(p["written"]) > 2 or "・" in p["written"]]


def _person(written: str, start: int, title: str | None, affiliation: str | None) -> dict[str, Any]:
    """A person as found in the Japanese text."""
    return {"written": written, "start": start, "title": title, "affiliation": affiliation}


def _family_length(text: str, written: str) -> int | None:
    """The family name's length, from a later 'family + office' mention (``上川大臣``)."""
    if "・" in written:
        return None
    for size in (1, 2, 3):
        family = written[:size]
        if re.search(rf"{re.escape(family)}(?:{_TITLE_ALT})", text.replace(written, "")):
            return size
    return None


def _assign(text: str, people: list[dict[str, Any]]) -> None:
    """The subject (は) of the event sentence leads; everyone else took part."""
    principal = None
    for person in people:
        end = person["start"] + len(person["written"])
        if re.match(rf"(?:{_TITLE_ALT})?は", text[end : end + 12]):
            principal = person
            break
    between = signing_sides(text)
    for person in people:
        signed = between is not None and between[0] <= person["start"] < between[1]
        person["role"] = "principal" if signed or person is (principal or people[0]) else "other"


def signing_sides(text: str) -> tuple[int, int] | None:
    """The span naming both sides of an exchange of notes or a signature ('AとBとの間で')."""
    match = _BETWEEN_RE.search(text) if "との間で" in text else None
    if match is None:
        return None
    start = max(text.rfind("。", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    return start, match.start()


def _women(text: str, people: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Spans of the people that 女性 describes, nearest in the same sentence."""
    spans: list[tuple[int, int]] = []
    for match in _FEMALE_RE.finditer(text):
        sentence_start = max(text.rfind("。", 0, match.start()), text.rfind("\n", 0, match.start()))
        sentence_end = min(
            (i for i in (text.find("。", match.end()), text.find("\n", match.end())) if i >= 0),
            default=len(text),
        )
        best = None
        for person in people:
            family = person["written"][:2]
            for hit in re.finditer(re.escape(family), text[sentence_start + 1 : sentence_end]):
                distance = abs(sentence_start + 1 + hit.start() - match.start())
                if best is None or distance < best[0]:
                    best = (distance, person)
        if best is not None:
            person = best[1]
            span = (person["start"], person["start"] + len(person["written"]))
            if span not in spans:
                spans.append(span)
    return sorted(spans)
