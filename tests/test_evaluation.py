"""The evaluation scores records by the corpus README's rules, on hand-made gold/pred pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wpstrack.errors import InvalidInput
from wpstrack.evaluation import (
    GOLD_FIELDS,
    Evaluation,
    empty_record,
    evaluate,
    evaluate_folder,
    load_gold,
    organisation_key,
    person_key,
    score_document,
)


def gold_line(doc_id: str = "d1", **fields: Any) -> dict[str, Any]:
    return {"id": doc_id, **empty_record(), **fields}


def person(name: str, title: str | None, affiliation: str | None) -> dict[str, Any]:
    return {"name": name, "title": title, "organisation_or_country": affiliation}


def score(gold: dict[str, Any], pred: dict[str, Any]) -> Evaluation:
    report = Evaluation()
    score_document(report, gold, {**empty_record(), **pred})
    return report


def test_scalars_match_after_trim_and_casefold_and_null_matches_null() -> None:
    report = score(
        gold_line(city="New York", country="US", date=None),
        {"city": "  new york ", "country": "us", "date": None, "event_type": "meeting"},
    )
    assert report.scores["city"].value == 1.0
    assert report.scores["country"].value == 1.0
    assert report.scores["date"].value == 1.0
    assert report.scores["event_type"].value == 0.0
    assert [e["field"] for e in report.errors] == ["event_type"]


def test_duration_and_women_count_compare_as_values() -> None:
    report = score(
        gold_line(duration_minutes=60, women_count_named=2),
        {"duration_minutes": 60, "women_count_named": 1},
    )
    assert report.scores["duration_minutes"].value == 1.0
    assert report.scores["women_count_named"].value == 0.0


@pytest.mark.parametrize(
    ("gold", "predicted"),
    [
        ("Yoko KAMIKAWA", "KAMIKAWA Yoko"),
        ("Yoko KAMIKAWA", "Ms. KAMIKAWA Yoko"),
        ("Retno Marsudi", "H.E. Ms. Retno Marsudi"),
        ("María José Gutiérrez Peña", "Maria Jose GUTIERREZ PENA"),
        ("Lindiwe Maseko-Brandt", "Lindiwe  Maseko‐Brandt"),
    ],
)
def test_person_names_match_in_either_order_without_case_accents_or_honorifics(
    gold: str, predicted: str
) -> None:
    assert person_key(gold) == person_key(predicted)


def test_different_people_do_not_match() -> None:
    assert person_key("Yoko KAMIKAWA") != person_key("Yoko KAMIKAWAS")
    assert person_key("Yoko KAMIKAWA") != person_key("KAMIKAWA")


def test_person_lists_score_f1_then_title_and_affiliation_on_matched_pairs() -> None:
    gold = gold_line(
        principal_actors=[
            person("Yoko KAMIKAWA", "Minister for Foreign Affairs", "Japan"),
            person("Ana LOPEZ", "Minister", "Spain"),
        ]
    )
    pred = {
        "principal_actors": [
            person("KAMIKAWA Yoko", "minister for foreign affairs ", "Japan"),
            person("Somebody ELSE", None, None),
        ]
    }
    report = score(gold, pred)
    people = report.scores["principal_actors"]
    assert (people.tp, people.fp, people.fn) == (1, 1, 1)
    assert people.value == pytest.approx(0.5)
    assert report.scores["principal_actors.title"].value == 1.0
    assert report.scores["principal_actors.organisation_or_country"].value == 1.0


def test_affiliation_written_as_acronym_matches_its_full_name() -> None:
    gold = gold_line(
        other_participants=[
            {
                "name": "Sarah Okoth",
                "title": "Chief",
                "organisation_or_country": (
                    "United Nations Entity for Gender Equality and the Empowerment of Women"
                ),
            }
        ]
    )
    pred = {
        "other_participants": [
            {"name": "Sarah OKOTH", "title": "Director", "organisation_or_country": "UN Women"}
        ]
    }
    report = score(gold, pred)
    assert report.scores["other_participants.organisation_or_country"].value == 1.0
    assert report.scores["other_participants.title"].value == 0.0


def test_organisations_resolve_acronyms_and_keep_unknown_names_as_written() -> None:
    assert organisation_key("UNDP") == organisation_key("United Nations Development Programme")
    assert organisation_key("WPSPN") == "wpspn"
    report = score(
        gold_line(organisations=["UNDP", "WPSPN", "UN Women"]),
        {"organisations": ["United Nations Development Programme", "wpspn", "UNICEF"]},
    )
    orgs = report.scores["organisations"]
    assert (orgs.tp, orgs.fp, orgs.fn) == (2, 1, 1)
    (error,) = [e for e in report.errors if e["field"] == "organisations"]
    assert error["missing"] == ["UN Women"]
    assert error["extra"] == ["UNICEF"]


def test_list_fields_are_micro_averaged_and_empty_documents_add_nothing() -> None:
    gold = [
        gold_line("a", resolutions=[1325, 1820], topics=["WPS"]),
        gold_line("b", resolutions=[2242]),
        gold_line("c"),
    ]
    preds = [
        ({**empty_record(), "resolutions": [1325], "topics": ["wps"]}, None),
        ({**empty_record(), "resolutions": [2242, 2467]}, None),
        (empty_record(), None),
    ]
    report = evaluate(gold, preds)
    res = report.scores["resolutions"]
    assert (res.tp, res.fp, res.fn) == (2, 1, 1)
    assert res.precision == pytest.approx(2 / 3)
    assert res.recall == pytest.approx(2 / 3)
    assert report.scores["topics"].value == 1.0
    # Nobody is named anywhere: nothing expected, nothing predicted, the field is correct.
    assert report.scores["principal_actors"].value == 1.0


def test_macro_is_the_mean_of_the_gold_fields() -> None:
    report = score(gold_line(city="Paris"), {"city": None})
    data = report.as_dict()
    assert len(GOLD_FIELDS) == 14
    assert data["macro"] == pytest.approx(13 / 14)


def write_corpus(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return gold


def test_folder_evaluation_scores_a_rejected_file_as_an_empty_record(tmp_path: Path) -> None:
    gold = write_corpus(tmp_path, [gold_line("empty-1"), gold_line("gone-2")])
    (tmp_path / "empty-1.txt").write_bytes(b"")
    report = evaluate_folder(gold, tmp_path)
    assert report.documents == 2
    assert report.scores["date"].value == 1.0
    assert report.errors == [
        {"id": "gone-2", "field": "document", "gold": "file", "predicted": None}
    ]


def test_bad_gold_line_names_its_line_number(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a"}\n\n{not json\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"gold.jsonl:3: invalid JSON"):
        load_gold(gold)
