"""Component ``instant``: the UTC instant of the event start, checked against a stated JST.

The local date and time are read in the zone the text gives them: a fixed-offset
abbreviation as written ("CEST", "AEDT", "NPT"), a regional one ("ET") in the place's IANA
zone, otherwise the IANA zone of the event's place. Where the text also states the Japan
time and it names another instant, both stated values stay as they are and a warning says
so: a reviewer decides, the extractor never silently fixes a release.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.patterns import TZ_ABBREVIATIONS

JAPAN = ZoneInfo("Asia/Tokyo")
# Regional abbreviations without a fixed offset, where the place does not say which zone.
_REGIONAL = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}


def _zone(st: ExtractionState) -> tzinfo | None:
    """The zone the stated local time is written in, or None when the text does not say."""
    stated = st.get("tz_stated")
    place_zone = st.get("timezone")
    if stated and stated != "local":
        offset = TZ_ABBREVIATIONS.get(stated)
        if offset is not None:
            return timezone(timedelta(minutes=offset), stated)
        name = place_zone or _REGIONAL.get(stated)
    else:
        name = place_zone
    return _zone_named(name) if name else None


@lru_cache(maxsize=1024)  # more than the IANA database holds
def _zone_named(name: str) -> tzinfo | None:
    """The zone called ``name``, kept: ``ZoneInfo`` holds only its 8 latest zones, and one
    it let go is read from disk again (0.1 ms), which releases from many places did."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return None


def _local_datetime(st: ExtractionState) -> datetime | None:
    day, clock = st.get("date"), st.get("start_time_local")
    if not day or not clock:
        return None
    return datetime.fromisoformat(f"{day}T{clock}")


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The instant component (the last step of the pipeline)."""

    def component(doc: Doc) -> Doc:
        st = state(doc)
        local = _local_datetime(st)
        jst_text = st.get("start_time_jst")
        stated_jst = datetime.fromisoformat(jst_text).replace(tzinfo=JAPAN) if jst_text else None
        zone = _zone(st)
        anchor = st.scalars.get("start_time_local")
        if local is not None and anchor is not None and zone is not None:
            instant = local.replace(tzinfo=zone).astimezone(UTC)
            st.set("start_utc", instant.isoformat(), anchor.start, anchor.end, "instant.local_zone")
            if stated_jst is not None and stated_jst.astimezone(UTC) != instant:
                computed = instant.astimezone(JAPAN).strftime("%Y-%m-%dT%H:%M")
                st.warnings.append(
                    f"stated JST {jst_text} disagrees with the local time "
                    f"{local:%Y-%m-%dT%H:%M} in {zone} (which is {computed} JST); both kept"
                )
        elif stated_jst is not None:
            mention = st.scalars["start_time_jst"]
            instant = stated_jst.astimezone(UTC)
            st.set(
                "start_utc", instant.isoformat(), mention.start, mention.end, "instant.stated_jst"
            )
        elif local is not None:
            st.warnings.append("start time stated without a known zone: no UTC instant")
        return doc

    return component
