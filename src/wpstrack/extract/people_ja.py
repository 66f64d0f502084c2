"""People in Japanese-language releases (MOFA style), read from the analyser's words.

SudachiPy marks a Japanese name's parts (名詞,固有名詞,人名,姓 / 名) and gives their reading,
so a name is found and read by the dictionary instead of guessed from runs of kanji. A
foreign name is a run of katakana words joined by ・. What follows the name up to its
particle is the office (``上川陽子外務大臣は``, ``ニャラジ・ムテシ国連女性機関（UN Women）
事務局次長との間で``): its last words are the title, the words before them the body or
state the person serves. ``Xの<name>`` gives the affiliation too.

Roles come from the particles: the subject (は/が) of the sentence that reports the event
leads it; ``AとBとの間で…署名`` and co-chairs (``…と共に…共同議長``) lead it together;
everyone else named took part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from wpstrack import japanese
from wpstrack.extract import lexicon
from wpstrack.extract.japanese_names import (
    find_holder,
    hepburn,
    reading,
    romanise_foreign,
    terms,
)
from wpstrack.extract.sentences import sentence_bounds
from wpstrack.japanese import Token

# (gold field, {name, title, organisation_or_country[, gender]}, start, end)
Participant = tuple[str, dict[str, Any], int, int]

_KATAKANA_RE = re.compile("^[\u30a1-\u30fa\u30fc]+$")
_KANJI_RE = re.compile("^[\u4e00-\u9fff\u3005]+$")
_CJK_RE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
_JOINERS = frozenset({"・", "＝", "="})
_RUN_POS = frozenset({"名詞", "接尾辞", "接頭辞"})
_HONORIFIC_SUFFIXES = lexicon.ordered("honorifics", "ja_suffixes")
# Sentences that report the event: its subject leads it.
_EVENT_RE = re.compile(
    r"会談|意見交換|表敬|会合|対話|署名|書簡の交換|交換公文|挨拶|ステートメント|演説|スピーチ"
    r"|出席|参加|開催|共同議長|談話|訪問|視察|登壇|発言|協議|会議"
)
_CO_LEAD_RE = re.compile(r"共同議長|共催|共同で")
# "AとBとの間で ... 書簡の交換／署名": both sides of an exchange or a signature lead it.
_BETWEEN_RE = re.compile(r"との間で[^。]*(?:署名|書簡の交換|交換公文)")
_MISSION_RE = re.compile(r"代表部|大使館|総領事館|領事館")
_BRACKETS_RE = re.compile(r"（[^）]*）|\([^)]*\)")
_ASCII_BRACKET_RE = re.compile(r"[（(]([A-Za-z][A-Za-z .&-]{1,30})[）)]")
_ENTITY_PREFIX_RE = re.compile(
    r"^(?:認定)?(?:特定非営利活動法人|NPO法人|公益財団法人|一般財団法人|公益社団法人"
    r"|一般社団法人|独立行政法人|学校法人|社会福祉法人)"
)


def is_japanese(text: str) -> bool:
    """Whether the text is mostly Japanese (kana and kanji)."""
    if text.isascii():  # a flag CPython keeps on the string; the search reads every character
        return False
    sample = text[:2000]
    cjk = len(_CJK_RE.findall(sample))
    return cjk > 20 and cjk > len(sample) * 0.2


@dataclass
class _Person:
    written: str
    start: int
    name: str
    title: str | None
    affiliation: str | None
    family: str
    role: str = "other"
    gender: str | None = None


@dataclass
class _Mention:
    person: _Person
    start: int
    particle: str  # the word after the name and its office: は, が, と, の ...
    after: str  # the word after that ("と共に")
    end: int  # where the name and its office end


def romanise_name(written: str, family_length: int | None = None) -> str:
    """``上川陽子`` -> ``Yoko KAMIKAWA``; ``ファリダ・ノーリ`` -> ``Farida Nori``."""
    if "・" in written:
        return " ".join(romanise_foreign(p) for p in written.split("・"))
    size = family_length or (2 if len(written) >= 3 else 1)
    family, given = _readings(written, size)
    return f"{hepburn(given).capitalize()} {hepburn(family).upper()}".strip()


def _readings(written: str, size: int) -> tuple[str, str]:
    """The readings of a kanji name's first ``size`` characters and of the rest: from the
    whole name when the analyser cuts it there (新田俊介 reads ニッタ, 新田 alone シンタ)."""
    toks = japanese.tokens(written)
    if any(t.end == size for t in toks):
        return (
            "".join(t.reading for t in toks if t.end <= size),
            "".join(t.reading for t in toks if t.start >= size),
        )
    return reading(written[:size]), reading(written[size:])


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


@lru_cache(maxsize=2048)
def translate_org(written: str) -> str:
    """An organisation's English name: from the reference data, else word by word.

    Kept per name: a body recurs from release to release, and its English is read with the
    analyser word by word.
    """
    from wpstrack.extract.organisation_japanese import translate

    written = _ENTITY_PREFIX_RE.sub("", written.strip("「」『』"))
    known = terms()["ministries"].get(written) or _reference_names().get(written)
    return str(known) if known else translate(written)


# A word's script as the reader asks it of every word of a release: only a word all in kanji
# may be a family name, only one all in katakana a foreign name. Looked up by the word (one
# string per distinct word, :mod:`wpstrack.japanese`), so each word's regexes run once.
_KANJI, _KATAKANA, _OTHER = "kanji", "katakana", "other"


@lru_cache(maxsize=20_000)  # distinct words kept
def _script(surface: str) -> str:
    if _KANJI_RE.match(surface):
        return _KANJI
    if _KATAKANA_RE.match(surface):
        return _KATAKANA
    return _OTHER


def _is_katakana(token: Token) -> bool:
    return _script(token.surface) is _KATAKANA


def _is_blank(token: Token) -> bool:
    return token.pos[0] == "空白" or not token.surface.strip()


def _run_end(toks: list[Token], k: int) -> int:
    """Index past the office words after a name: nouns and suffixes, brackets inside them."""
    limit = min(len(toks), k + 14)
    while k < limit:
        token = toks[k]
        if token.surface in ("（", "("):
            close = next(
                (j for j in range(k + 1, min(len(toks), k + 20)) if toks[j].surface in "）)"),
                None,
            )
            if close is None or close + 1 >= len(toks) or toks[close + 1].pos[0] not in _RUN_POS:
                return k
            k = close + 1
            continue
        if token.surface in _JOINERS:  # "財務・計画・経済開発省": a joined office goes on
            if k + 1 >= limit or toks[k + 1].pos[0] not in _RUN_POS or _is_katakana(toks[k + 1]):
                return k
        elif token.pos[0] not in _RUN_POS or token.pos[2] == "人名":
            return k
        k += 1
    return k


def _title(clean: str) -> tuple[str | None, str]:
    """(the office ending the words, the words before it)."""
    titles: dict[str, str] = terms()["titles"]
    for size in range(min(len(clean), 12), 0, -1):
        if clean[-size:] in titles:
            return clean[-size:], clean[:-size]
    return None, clean


def _longest_prefix(text: str, table: dict[str, str]) -> str | None:
    """The longest key of ``table`` that ``text`` starts with: the text's beginnings looked
    up longest first, rather than every key of the table tried in turn."""
    for size in range(min(len(text), _longest_key(id(table), table)), 0, -1):
        if text[:size] in table:
            return text[:size]
    return None


_LONGEST: dict[int, int] = {}


def _longest_key(key: int, table: dict[str, str]) -> int:
    """The length of the table's longest key (the glossary tables load once)."""
    if key not in _LONGEST:
        _LONGEST[key] = max(map(len, table), default=0)
    return _LONGEST[key]


@lru_cache(maxsize=4096)
def _office_title(office: str) -> tuple[str | None, str]:
    """(the Japanese title ending an office, the words before it), brackets and 氏 left out.

    Whether a name has an office at all needs only this, not the English of the body the
    words before the title name (which reads them with the analyser again). Kept per
    office: every katakana word followed by nouns ("ジェンダー平等") is tried as a name
    with an office, and the same words recur from release to release.
    """
    clean = _BRACKETS_RE.sub("", office)
    for suffix in _HONORIFIC_SUFFIXES:
        clean = clean.removesuffix(suffix)
    return _title(clean)


@lru_cache(maxsize=2048)
def _office(office: str, before: str) -> tuple[str | None, str | None, str | None]:
    """(Japanese title, English title, affiliation) from the words after and before a name.

    Kept per (office, words before): offices recur from release to release ("外務大臣"),
    and each reading tries the glossary's titles, ministries and states in turn.
    """
    t = terms()
    title_ja, body = _office_title(office)
    english = t["titles"][title_ja] if title_ja else None
    affiliation = None
    if body.endswith("担当"):  # "国際安全保障担当次官補": a portfolio, part of the title
        body = ""
    posting = re.match("駐([^日]+?)(?=日本)", body)
    if posting:  # "駐ウガンダ日本国特命全権大使": the post names the host country
        body = body[posting.end() :]
    ministry = _longest_prefix(body, t["ministries"])
    if ministry:
        affiliation = t["ministries"][ministry]
        bureau = body[len(ministry) :] + ("局" if title_ja == "局長" else "")
        if bureau in t["bureaus"] and title_ja == "局長":
            english = f"Director-General of the {t['bureaus'][bureau]}"
        elif bureau in t["bureaus"] and title_ja == "審議官":
            english = f"Deputy Director-General, {t['bureaus'][bureau]}"
    elif _MISSION_RE.search(body):
        country = next((c for c in t["countries"] if c in body), None)
        affiliation = t["countries"][country] if country else None
    elif body:
        country = _longest_prefix(body, t["countries"])
        acronym = _ASCII_BRACKET_RE.search(office)
        if country and len(body) <= len(country) + 3:
            affiliation = t["countries"][country]
        elif country and body.endswith("省"):  # "<国>財務・計画・経済開発省"
            affiliation = _ministry(body[len(country) :]) or t["countries"][country]
        elif acronym:
            affiliation = acronym.group(1).strip()
        elif not _KATAKANA_RE.match(body):
            affiliation = translate_org(body) or None
    if affiliation is None and before:
        affiliation = _before(before)
    if affiliation is None and title_ja and title_ja.endswith(tuple(t["government_titles"])):
        affiliation = "Japan"
    return title_ja, english, affiliation


def _ministry(written: str) -> str | None:
    """A foreign ministry's English name from its portfolio words, or None if one is unknown."""
    words: dict[str, str] = terms()["portfolios"]
    parts = [p for p in re.split("[・、及び]", written.removesuffix("省")) if p]
    english = [words.get(p) for p in parts]
    if not parts or None in english:
        return None
    named = [e for e in english if e]
    joined = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"Ministry of {joined}"


def _before(before: str) -> str | None:
    """A nationality (出身), a state or a body named before the person with の."""
    t = terms()
    if before in t["countries"]:
        return str(t["countries"][before])
    origin = re.match(r"(.+?)出身", before)
    if origin and origin.group(1) in t["countries"]:
        return str(t["countries"][origin.group(1)])
    quoted = re.search(r"「([^」]+)」", before)
    if quoted:
        return translate_org(quoted.group(1))
    if re.search("(?:大学|研究所|協会|財団|センター|機関|省|基金|連合|機構|委員会)$", before):
        return translate_org(before)
    return None


def _noun_run_before(toks: list[Token], i: int) -> str:
    """The nouns before ``の`` ahead of token ``i`` ("防衛省の高橋..." -> 防衛省)."""
    if i < 2 or toks[i - 1].surface != "の":
        return ""
    j = i - 1
    while j > 0 and toks[j - 1].pos[0] in _RUN_POS and i - j < 8:
        j -= 1
    return "".join(t.surface for t in toks[j : i - 1])


def _described_before(text: str, at: int) -> tuple[str, str]:
    """(office, rest) written before a name: "「…ネットワーク」代表の森田…", "外務大臣　岡田 直美",
    "アフガニスタン出身の女性人権活動家であるファリダ…"; the rest may name a body or a state."""
    cut = max(text.rfind(c, 0, at) for c in "、，。\n（）)") + 1
    head = re.sub("(?:の|である|[ \u3000])+$", "", text[max(cut, at - 40) : at])
    head = re.sub(r"^[（(]?[0-9０-９]+[）)]?", "", head)
    title, rest = _title(head)
    return (title or ""), re.sub("の$", "", rest)


class _Reader:
    """One pass over a release's words, collecting people and their mentions."""

    def __init__(self, text: str, day: date | None) -> None:
        self.text = text
        self.day = day
        self.toks = japanese.tokens(text)
        self.people: list[_Person] = []
        self.families: set[str] = set()
        self.mentions: list[_Mention] = []

    def read(self) -> None:
        toks, families = self.toks, self.families
        count = len(toks)
        i = 0
        while i < count:
            token = toks[i]
            surface = token.surface
            script = _script(surface)
            if script is _KANJI:
                pos = token.pos
                # a family name, or one already read ("上川" read as a place)
                if (pos[2] == "人名" and pos[3] == "姓") or surface in families:
                    i = self._japanese_name(i)
                    continue
            elif script is _KATAKANA and (i == 0 or not self._joined_to_previous(i)):
                i = self._foreign_name(i)
                continue
            i += 1

    def _joined_to_previous(self, i: int) -> bool:
        prev = self.toks[i - 1]
        return _is_katakana(prev) or prev.surface in _JOINERS

    def _particles(self, k: int) -> tuple[str, str, int]:
        """The two words after a name's office, and where the office ends."""
        toks = self.toks
        first = toks[k].surface if k < len(toks) else ""
        second = toks[k + 1].surface if k + 1 < len(toks) else ""
        return first, second, toks[k - 1].end if k else 0

    def _japanese_name(self, i: int) -> int:
        toks = self.toks
        j = i + 1
        if j < len(toks) and _is_blank(toks[j]) and len(toks[j].surface) == 1:
            j += 1  # "岡田 直美": a signature line spaces the name
        given = toks[j] if j < len(toks) and toks[j].pos[3] == "名" else None
        k = j + 1 if given else i + 1
        end = _run_end(toks, k)
        office = self.text[toks[k].start : toks[end - 1].end] if end > k else ""
        before = _noun_run_before(toks, i)
        particle = self._particles(end)
        if given is None:  # "上川大臣": the family name with an office refers to a person
            title_ja = _office_title(office)[0]
            if title_ja:
                self._back_reference(toks[i].surface, toks[i].start, title_ja, particle)
            return max(end, i + 1)
        written = toks[i].surface + given.surface
        family = hepburn(toks[i].reading).upper()
        name = f"{hepburn(given.reading).capitalize()} {family}"
        self._add(written, toks[i].start, name, office, before, toks[i].surface, particle)
        return max(end, j + 1)

    def _foreign_name(self, i: int) -> int:
        toks = self.toks
        parts: list[list[Token]] = [[]]
        k = i
        while k < len(toks):
            if _is_katakana(toks[k]) or (not parts[-1] and toks[k].pos[2] == "地名"):
                parts[-1].append(toks[k])
            elif (
                toks[k].surface in _JOINERS
                and k + 1 < len(toks)
                and (_is_katakana(toks[k + 1]) or toks[k + 1].pos[2] == "地名")
                and parts[-1]
            ):
                parts.append([])
            else:
                break
            k += 1
        words = ["".join(t.surface for t in part) for part in parts]
        name_end = k
        if len(words) > 1:
            countries = terms()["countries"]
            while len(words) > 1 and (
                words[-1] in countries or parts[-1][0].pos[3] == "国"
            ):  # "・ケニア共和国外務大臣": the state belongs to the office
                words.pop()
                name_end = parts.pop()[0].start
                name_end = next(n for n, t in enumerate(toks) if t.start == name_end)
        end = _run_end(toks, name_end)
        if end == name_end:
            return k  # no office or 氏 follows: a katakana word, not a name
        office = self.text[toks[name_end].start : toks[end - 1].end]
        title_ja = _office_title(office)[0]
        if not (title_ja or office.endswith(_HONORIFIC_SUFFIXES)):
            return k  # a katakana word without an office or 氏 is no person ("フォーラムの")
        particle = self._particles(end)
        written = "・".join(words)
        if len(words) == 1:  # "バフース事務局長": a family name alone
            self._back_reference(written, toks[i].start, title_ja or "", particle)
            return end
        holder = find_holder(written, title_ja or "", self.day)
        name = holder.name if holder else " ".join(romanise_foreign(w) for w in words)
        before = _noun_run_before(toks, i)
        self._add(written, toks[i].start, name, office, before, words[-1], particle)
        return end

    def _add(
        self,
        written: str,
        start: int,
        name: str,
        office: str,
        before: str,
        family: str,
        particle: tuple[str, str, int],
    ) -> None:
        person = next((p for p in self.people if p.written == written), None)
        if person is None:
            _title_ja, english, affiliation = _office(office, before)
            if _title_ja is None:  # no office after the name: one written before it
                title_before, rest = _described_before(self.text, start)
                _title_ja, english, affiliation = _office(title_before, rest)
            holder = find_holder(written, _title_ja or "", self.day)
            if holder is not None:
                name = holder.name
                affiliation = affiliation or holder.affiliation
            person = _Person(written, start, name, english, affiliation, family)
            self.people.append(person)
            self.families.add(person.family)
        self.mentions.append(_Mention(person, start, *particle))

    def _back_reference(
        self, family: str, start: int, title_ja: str, particle: tuple[str, str, int]
    ) -> None:
        person = next((p for p in self.people if p.family == family), None)
        if person is None:
            holder = find_holder(family, title_ja, self.day)
            if holder is None:
                return  # a family name no full mention explains cannot be read reliably
            person = _Person(family, start, holder.name, holder.office, holder.affiliation, family)
            self.people.append(person)
            self.families.add(person.family)
        self.mentions.append(_Mention(person, start, *particle))


def _assign(text: str, reader: _Reader) -> None:
    """The subject (は/が) of the first event sentence leads; co-leads and signatories too."""
    leads: list[_Person] = []
    between = signing_sides(text)
    for mention in reader.mentions:
        if between is not None and between[0] <= mention.start < between[1]:
            leads.append(mention.person)
    for mention in reader.mentions:
        s, e = sentence_bounds(text, mention.start)
        if not _CO_LEAD_RE.search(text[s:e]):
            continue
        if mention.particle in ("は", "が") or (
            mention.particle == "と" and mention.after in ("共", "共に", "とも", "ともに")
        ):
            leads.append(mention.person)
    if not leads:
        subject = None
        for mention in reader.mentions:
            s, e = sentence_bounds(text, mention.start)
            if mention.particle in ("は", "が") and _EVENT_RE.search(text[s:e]):
                subject = mention.person
                break
        leads.append(subject or reader.people[0])
    for person in reader.people:
        person.role = "principal" if person in leads else "other"


def signing_sides(text: str) -> tuple[int, int] | None:
    """The span naming both sides of an exchange of notes or a signature ('AとBとの間で')."""
    match = _BETWEEN_RE.search(text) if "との間で" in text else None
    if match is None:
        return None
    start = max(text.rfind("。", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    return start, match.start()


# What may stand between 女性 and the name it describes: "女性人権活動家であるファリダ",
# "上川大臣から、自らも女性の外務大臣として", "高橋彩1等陸佐（女性自衛官として". Anything longer,
# or another の-phrase ("ベガ外相から、ペルーの…女性警察官"), is about women in general.
_FEMALE_BEFORE_RE = re.compile(r"(?:である|の|として|、)?")
_FEMALE_AFTER_RE = re.compile(r"(?:から|は|が)?[、，]?(?:自らも|自身も|も)?[（(]?")


def _describes(text: str, match: re.Match[str], mention: _Mention) -> bool:
    """Whether the 女性 phrase ``match`` is said of the person of ``mention``."""
    if match.end() <= mention.start:
        return _FEMALE_BEFORE_RE.fullmatch(text, match.end(), mention.start) is not None
    if mention.end <= match.start():
        return _FEMALE_AFTER_RE.fullmatch(text, mention.end, match.start()) is not None
    return False


@cache
def _female_re() -> re.Pattern[str]:
    """女性 before an office or a role ("女性の外務大臣", "女性自衛官"), not 女性の参画.

    Built once: the glossary's titles and roles, sorted and joined, make a pattern of a few
    thousand characters that ``re`` would otherwise hash again per release to find it cached.
    """
    roles = sorted([*terms()["titles"], *terms()["female_roles"]], key=len, reverse=True)
    return re.compile("女性(?:の)?[\u4e00-\u9fff]{0,4}?(?:" + "|".join(roles) + ")")


def _women(text: str, reader: _Reader) -> list[tuple[int, int]]:
    """Spans of the people that 女性 describes: the nearest mention in the same sentence."""
    spans: list[tuple[int, int]] = []
    for match in _female_re().finditer(text) if "女性" in text else ():
        if re.match("(?:である|の)両", text[match.end() : match.end() + 4]):
            described = list(reader.people)  # "共に女性外相である両大臣": both of them
        else:
            near = [m for m in reader.mentions if _describes(text, match, m)]
            if not near:  # "女性警察官の派遣": women in general, no one named
                continue
            described = [min(near, key=lambda m: abs(m.start - match.start())).person]
        for person in described:
            span = (person.start, person.start + len(person.written))
            if span not in spans:
                spans.append(span)
    return sorted(spans)


def extract(
    text: str, release_date: date | None = None
) -> tuple[list[Participant], list[tuple[int, int]]]:
    """(participant records, spans of the named women) of a Japanese release."""
    reader = _Reader(text, release_date)
    reader.read()
    if not reader.people:
        return [], []
    _assign(text, reader)
    women = _women(text, reader)
    records: list[Participant] = []
    for p in sorted(reader.people, key=lambda p: p.start):
        value: dict[str, Any] = {
            "name": p.name,
            "title": p.title,
            "organisation_or_country": p.affiliation,
        }
        span = (p.start, p.start + len(p.written))
        if span in women:
            value["gender"] = "f"  # Japanese marks women only (女性), never men
        field_name = "principal_actors" if p.role == "principal" else "other_participants"
        records.append((field_name, value, *span))
    return records, women
