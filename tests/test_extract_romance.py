"""French and Spanish releases: each convention on a made-up sentence, through the pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from wpstrack.extract import extract_text
from wpstrack.extract.patterns import iter_dates

FR = (
    "Entretien de Paul Martin avec son homologue, Mme Inès Laurent (Lyon, 3 avril 2025)\n"
    "Le ministre délégué au Commerce extérieur, M. Paul MARTIN, en visite à Lyon, s'est "
    "entretenu le 3 avril à 10h00 (heure locale), pendant une heure, avec Mme Inès LAURENT, "
    "ministre des Affaires étrangères de la République du Sénégal.\n"
    "Ils ont évoqué la résolution 1325 et la coopération avec ONU Femmes et le PNUD.\n"
)
ES = (
    "Cartagena, 14 de octubre de 2025\n"
    "La ministra de Igualdad, Marta Gil Soto, y el viceministro de Defensa de Colombia, "
    "Andrés Ruiz, han firmado hoy en Cartagena un memorando de entendimiento con ONU Mujeres.\n"
    "En la reunión participó también la directora de ONU Mujeres, Ana Prieto.\n"
)


def _people(record: dict[str, Any], field: str) -> list[str]:
    return [p["name"] for p in record[field]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 5 mars 2024", (2024, 3, 5)),
        ("el 5 de marzo de 2024", (2024, 3, 5)),
        ("le 1er juillet 2025", (2025, 7, 1)),
        ("ce lundi 5 mai à 11h30", (None, 5, 5)),
    ],
)
def test_french_and_spanish_dates_are_read_day_first(
    text: str, expected: tuple[int | None, int, int]
) -> None:
    (mention,) = iter_dates(text)
    assert (mention.year, mention.month, mention.day) == expected


def test_english_words_that_start_like_a_month_are_not_dates() -> None:
    assert iter_dates("5 marsupials and 3 mayors") == []


def test_french_release_gives_when_where_who_and_what() -> None:
    record = extract_text(FR, language="fr")
    assert record["date"] == "2025-04-03"
    assert (record["start_time_local"], record["tz_stated"]) == ("10:00", "local")
    assert record["duration_minutes"] == 60
    assert (record["city"], record["country"]) == ("Lyon", "FR")
    assert _people(record, "principal_actors") == ["Paul MARTIN"]
    assert _people(record, "other_participants") == ["Inès Laurent"]
    assert record["other_participants"][0]["organisation_or_country"] == "Senegal"
    assert record["women_count_named"] == 1
    assert record["event_type"] == "bilateral_meeting"  # "son homologue"
    assert record["resolutions"] == [1325]
    assert set(record["organisations"]) == {
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "United Nations Development Programme",
    }


def test_spanish_joint_subject_leads_and_feminine_articles_mark_women() -> None:
    record = extract_text(ES, language="es")
    assert record["date"] == "2025-10-14"
    assert record["city"] == "Cartagena"
    assert _people(record, "principal_actors") == ["Marta Gil Soto", "Andrés Ruiz"]
    assert _people(record, "other_participants") == ["Ana Prieto"]
    assert record["principal_actors"][1]["organisation_or_country"] == "Colombia"
    assert record["women_count_named"] == 2
    assert record["event_type"] == "signing"


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("fr", "Déclaration de la porte-parole\nLa France salue l'adoption du texte.", "statement"),
        (
            "fr",
            "Discours du ministre\nMesdames et messieurs, je suis heureux d'être ici.",
            "speech",
        ),
        (
            "es",
            "Comunicado\nEl ministro mantuvo una conversación telefónica con su homólogo.",
            "telephone_talk",
        ),
        (
            "es",
            "Nota de prensa\nLa secretaria de Estado inauguró hoy el foro regional de mujeres.",
            "conference",
        ),
        (
            "fr",
            "Communiqué de presse\nLa ministre effectue une visite au Niger cette semaine.",
            "visit",
        ),
    ],
)
def test_fr_es_event_type_from_cue_lexicon(language: str, text: str, kind: str) -> None:
    assert extract_text(text, language=language)["event_type"] == kind


def test_fr_capitalised_family_name_after_honorific_is_no_organisation() -> None:
    record = extract_text(FR, language="fr")
    assert not {"MARTIN", "LAURENT"} & set(record["organisations"])


def test_unknown_fr_acronym_gives_nothing_rather_than_garbage() -> None:
    text = "Le ministre a rencontré le CNDH et l'ONU à Paris le 2 mai 2025."
    assert extract_text(text, language="fr")["organisations"] == ["United Nations"]
