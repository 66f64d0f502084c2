"""The word lists of the ``roles`` component: what official releases write around a name.

Data, not code: each cue is a regular expression and the role (``wpstrack.roles`` codes) it
gives the organisation it touches. ``BEFORE`` cues end where the name starts ("funded by
UN Women"), ``AFTER`` cues start where it ends ("UN Women's programme", "UN Women主催").
They are conventions of official English and Japanese, never phrases of one document.
"""

from __future__ import annotations

_THE = r"(?:the\s+)?"
_AMOUNT = r"(?:[^.;\n]{0,50}?\s)?"  # "a contribution of USD 2 million to", "grant aid of"

BEFORE: tuple[tuple[str, str], ...] = (
    ("funder", rf"(?:funded|financed|sponsored|supported\s+financially)\s+by\s+{_THE}$"),
    ("funder", rf"(?:financial\s+)?(?:contributions?|funding|grants?|donations?)\s+from\s+{_THE}$"),
    ("funder", rf"with\s+{_THE}(?:generous\s+)?(?:financial\s+)?support\s+(?:of|from)\s+{_THE}$"),
    (
        "implementer",
        rf"(?:implemented|carried\s+out|conducted|run|delivered|managed|executed)\s+by\s+{_THE}$",
    ),
    ("implementer", rf"(?:through|via|in\s+partnership\s+with)\s+{_THE}$"),
    (
        "principal",
        r"(?:hosted|co-hosted|organi[sz]ed|co-organi[sz]ed|convened|co-convened|chaired|"
        rf"co-chaired)\s+by\s+{_THE}$",
    ),
    ("principal", rf"at\s+the\s+invitation\s+of\s+{_THE}$"),
    (
        "recipient",
        rf"(?:grants?|grant\s+aid|contributions?|donations?|assistance|funding|aid)\s+{_AMOUNT}"
        rf"(?:to|for)\s+{_THE}$",
    ),
    (
        "recipient",
        rf"(?:provided|granted|disbursed|allocated|contributed|donated|extended|pledged)\s+"
        rf"{_AMOUNT}to\s+{_THE}$",
    ),
)

AFTER: tuple[tuple[str, str], ...] = (
    ("implementer", r"^['’]s\s+(?:[\w-]+\s+){0,3}?(?:programmes?|programs?|projects?)\b"),
    ("implementer", r"^\s+(?:will\s+|has\s+|have\s+)?(?:implements?|implemented|runs|delivers)\b"),
    ("principal", r"^\s+(?:hosted|hosts|organi[sz]ed|organi[sz]es|convened|convenes)\b"),
    (
        "funder",
        r"^\s+(?:will\s+|has\s+|have\s+)?(?:fund(?:s|ed)?|financ(?:es|ed)|donat(?:es|ed)|"
        r"contribut(?:es|ed)|pledg(?:es|ed))\b",
    ),
    ("principal", r"^(?:が|の)?(?:主催|共催)"),
    ("implementer", r"^(?:を通じ|を通して|が実施|により実施|の実施する)"),
    ("funder", r"^(?:が|は)?(?:資金を?提供|拠出(?:し|する|した))"),
    ("recipient", r"^(?:への|に対する|に対し(?:て)?)(?:拠出|支援|供与|無償資金協力|資金)"),
)

# Verbs that end a title's subject: the country named before one of them is the government
# the release is about ("UK hosts ...", "Norway increases support ...").
TITLE_VERBS = (
    r"meets?|holds?|hosts?|receives?|pays|announces?|signs?|increases?|pledges?|opens?|"
    r"visits?|attends?|launches?|provides?|welcomes?|calls|sees|delivers?|joins?|co-hosts?|"
    r"supports?|commits?|funds?|contributes?|to\s+host|to\s+provide|to\s+fund|and\s+[A-Z]"
)

# A sentence about work done somewhere: its countries are where the work happens (a
# programme location), as against the venue of a meeting.
WORK_WORDS = (
    r"programmes?|programs?|projects?|assistance|grants?|funding|implement\w*|"
    r"humanitarian|peacebuilding\s+(?:work|efforts)|support(?:s|ing)?\s+(?:for\s+)?women|"
    r"(?:women|girls)['’]?s?\s+(?:centres?|centers?|organi[sz]ations)|safe\s+spaces?|"
    r"shelters?|training|capacity[- ]building"
)

# A government that pays for the work: cues around a country name ("Japan-funded",
# "funded by the Government of Japan", "a grant from Japan", "Japan's contribution").
_GOVERNMENT = r"(?:the\s+)?(?:(?:Government|people)\s+of\s+(?:the\s+)?)?"
FUNDING_COUNTRY_BEFORE: tuple[str, ...] = (
    rf"(?:funded|financed|sponsored|made\s+possible)\s+by\s+{_GOVERNMENT}$",
    rf"(?:funding|contributions?|grants?|grant\s+aid|donations?|financial\s+support)\s+"
    rf"(?:[^.;\n]{{0,30}}?\s)?from\s+{_GOVERNMENT}$",
)
FUNDING_COUNTRY_AFTER: tuple[str, ...] = (
    r"^-(?:funded|financed|sponsored)\b",
    # "Japan's contribution" is as often to a debate as to a fund: only money words here.
    r"^['’]s\s+(?:financial\s+contributions?|funding|grants?|grant\s+aid|donations?)\b",
)
# Japanese releases write the giver as 日本 / 我が国 (Japan), before the kind of money.
FUNDING_JAPAN_JA = r"(?:日本|我が国)(?:政府)?(?:の|から|による)(?:資金|拠出|無償資金協力|緊急無償)"
