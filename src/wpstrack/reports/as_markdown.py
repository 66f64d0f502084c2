"""The report as Markdown (GitHub-flavoured tables): for review in a repository or a wiki.

Charts are SVG and stay out of the Markdown: the tables under each chart in the HTML carry
the same figures, and those tables are written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wpstrack.reports import text
from wpstrack.reports.model import ActivityEntry, IndicatorRow, MoneyLine, Report


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A pipe table; numbers are right-aligned by the caller's header ending in ':'."""
    names = [h.rstrip(":") for h in header]
    align = ["---:" if h.endswith(":") else "---" for h in header]
    lines = ["| " + " | ".join(names) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _activities(items: list[ActivityEntry]) -> list[str]:
    lines = []
    for i, a in enumerate(items, 1):
        lines.append(f"{i}. **{_cell(text.activity_head(a))}**")
        lines += [f"   - {label}: {value}" for label, value in text.activity_detail(a)]
    return [*lines, ""]


def _indicators(rows: list[IndicatorRow]) -> list[str]:
    header = [h if i < 2 else h + ":" for i, h in enumerate(text.INDICATOR_HEADER)]
    return table(header, (text.indicator_cells(r) for r in rows))


def _money(lines: list[MoneyLine], what: str, total: tuple[str, str]) -> list[str]:
    rows: list[Sequence[object]] = [
        (m.label, text.money(m.commitment), text.money(m.disbursement)) for m in lines
    ]
    rows.append(("**Total**", *total))
    return table((what, "Committed:", "Disbursed:"), rows)


def _figures(report: Report) -> list[str]:
    f = report.figures
    un = ", ".join(f"{c.label} ({c.count})" for c in f.un_entities)
    lines = [
        f"## {text.SECTION_FIGURES}",
        "",
        f"- Activities in the period: {f.activities}",
        f"- Share of women among named participants: {text.women_line(report)}",
        f"- UN entities engaged: {len(f.un_entities)}" + (f": {un}" if un else ""),
        f"- Funding committed ({f.currency}): {text.money(f.commitment)}",
        f"- Funding disbursed ({f.currency}): {text.money(f.disbursement)}",
        "",
        "### Activities by type",
        "",
        *table(("Type", "Activities:"), ((c.label, c.count) for c in f.by_type)),
        "### Activities by pillar",
        "",
        *table(("Pillar", "Activities:"), ((c.label, c.count) for c in f.by_pillar)),
        f"### Funding by pillar ({f.currency})",
        "",
        *_money(
            f.funding_by_pillar, "Pillar", (text.money(f.commitment), text.money(f.disbursement))
        ),
        f"### Funding by recipient ({f.currency})",
        "",
        *_money(
            f.funding_by_recipient,
            "Recipient",
            (text.money(f.commitment), text.money(f.disbursement)),
        ),
    ]
    return lines


def _sections(report: Report) -> list[str]:
    lines: list[str] = []
    for sec in report.sections:
        lines += [f"## {sec.title}", ""]
        if sec.description:
            lines += [sec.description, ""]
        if sec.code:
            lines += [
                f"Activities tagged with this pillar in {report.period.label}: "
                f"**{sec.tagged_activities}**.",
                "",
            ]
        if sec.indicators:
            lines += ["### Indicators", "", *_indicators(sec.indicators)]
        if not sec.items:
            lines += ["_The plan has no measure under this pillar._", ""]
        for item in sec.items:
            lines += [f"### {item.kind.capitalize()} {item.code}: {item.title}", ""]
            if item.activities:
                lines += _activities(item.activities)
            else:
                lines += [f"_No activity linked in {report.period.label}._", ""]
        if sec.other_activities:
            lines += ["### Other activities under this pillar", ""]
            lines += _activities(sec.other_activities)
    return lines


def _annex(report: Report) -> list[str]:
    a = report.annex
    header = [h + ":" if h in ("Amount", "Converted") else h for h in text.ANNEX_HEADER]
    rows = [
        (
            c.date.isoformat(),
            c.donor,
            c.recipient,
            f"{text.money(c.amount)} {c.currency}",
            text.money(c.converted),
            f"{c.gender_marker} {c.marker_label}",
            c.pillar or "",
            c.transaction_type,
            c.reference,
        )
        for c in a.lines
    ]
    lines = [
        f"## {text.SECTION_ANNEX}",
        "",
        f"Contributions counted in {report.period.year} and scored significant (1) or "
        f"principal (2) on the OECD DAC gender equality policy marker; converted into "
        f"{a.currency} with the rates in the database.",
        "",
    ]
    if rows:
        lines += table(header, rows)
    else:
        lines += [f"_No contribution of {report.period.year} is scored 1 or 2._", ""]
    total = (text.money(a.commitment), text.money(a.disbursement))
    return [*lines, *_money(a.by_marker, "Marker", total)]


def render_markdown(report: Report) -> str:
    """The report as Markdown text: the same report gives the same text."""
    lines = [f"# {text.report_title(report)}", ""]
    lines += [f"{line}  " for line in text.title_lines(report)] + [""]
    if report.notes:
        lines += ["**Notes on the data**", "", *[f"- {n}" for n in report.notes], ""]
    lines += _figures(report)
    lines += _sections(report)
    if report.indicators_without_item:
        lines += [f"## {text.SECTION_PLAN_INDICATORS}", ""]
        lines += _indicators(report.indicators_without_item)
    if report.unlinked:
        lines += [f"## {text.SECTION_UNLINKED}", "", *_activities(report.unlinked)]
    lines += _annex(report)
    return "\n".join(lines).rstrip("\n") + "\n"
