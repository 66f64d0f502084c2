"""How the report writes numbers, dates, counts and citations, in its language.

Keeping these in one place means the PDF, the DOCX, the HTML and the Markdown print a figure
the same way. Each function writes in the language being served
(:func:`wpstrack.i18n.language`), which the renderers set to the report's: dates as
``18 March 2024`` or ``2024年3月18日``, counts through the catalogue's plural forms
(``1 activity``, ``2 activities``; ``2件``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wpstrack.i18n import _, format_day, format_period, ngettext
from wpstrack.reports.model import ActivityEntry, Citation, IndicatorRow, Report


def money(amount: Decimal | None) -> str:
    """1,234,567.89; an em dash when there is nothing to show."""
    return "—" if amount is None else f"{amount:,.2f}"


def number(value: float | None) -> str:
    """A value as briefly as it is exact: 12, 40.5; an em dash for none."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def percent(value: float | Decimal | None) -> str:
    """A percentage already scaled to 0..100, one decimal."""
    return "—" if value is None else f"{float(value):.1f} %"


def day(value: date | None) -> str:
    """A date as the report's language writes it; 'undated' when there is none."""
    return format_day(value) if value else _("undated")


def period(label: str) -> str:
    """A reporting period as the language writes it: 2024, 2024年, 令和6年度（2024年度）."""
    return format_period(label)


def activities(count: int) -> str:
    """``1 activity``, ``3 activities``; ``3件``."""
    return ngettext("%(num)d activity", "%(num)d activities", count)


def women_line(report: Report) -> str:
    """The share of women among named participants, with its counts."""
    f = report.figures
    if not f.named_participants:
        return _("No participant is named in the period's activities.")
    share = percent(100 * f.women_share) if f.women_share is not None else "—"
    line = _(
        "%(share)s (%(women)s of %(named)s)",
        share=share,
        women=ngettext("%(num)d woman", "%(num)d women", f.women),
        named=ngettext(
            "%(num)d named participant", "%(num)d named participants", f.named_participants
        ),
    )
    if f.gender_unknown:
        line += _("; gender not stated for %(num)d", num=f.gender_unknown)
    return line


def citation(c: Citation | None, number: int | None = None) -> str:
    """The source release: title, publisher and date, and its number in the annex."""
    if c is None:
        return _("no source document recorded")
    parts = [f"“{c.title}”" if c.title else _("untitled release")]
    if c.publisher:
        parts.append(c.publisher)
    parts.append(day(c.published_on) if c.published_on else _("date not stated"))
    shown = ", ".join(parts)
    return _("%(source)s [source %(num)d]", source=shown, num=number) if number else shown


def activity_head(a: ActivityEntry) -> str:
    """Date, type and title of an activity on one line."""
    title = a.title or _("(untitled)")
    return f"{day(a.date)} · {a.type} · {title}"


def activity_detail(
    a: ActivityEntry, measures: list[str] | None = None, source_number: int | None = None
) -> list[tuple[str, str]]:
    """The labelled lines under an activity's head."""
    lines = [(_("Place"), a.place or _("not stated"))]
    if measures:
        lines.append((_("Plan items"), "; ".join(measures)))
    if a.people:
        lines.append((_("Participants"), "; ".join(a.people)))
    if a.organisations:
        lines.append((_("Organisations"), ", ".join(a.organisations)))
    lines.append((_("Source"), citation(a.citation, source_number)))
    return lines


def indicator_header() -> list[str]:
    """The indicator table's columns: baseline, target, actual and progress."""
    return [_("Code"), _("Indicator"), _("Baseline"), _("Target"), _("Actual"), _("Progress")]


def indicator_cells(r: IndicatorRow) -> list[str]:
    """One indicator table row: baseline, target, latest approved value and progress."""

    def at(value: float | None, when: str | None) -> str:
        return number(value) + (f" ({period(when)})" if value is not None and when else "")

    unit = f" [{r.unit}]" if r.unit and r.unit != "count" else ""
    return [
        r.code,
        r.name + unit,
        at(r.baseline, r.baseline_period),
        at(r.target, r.target_period),
        at(r.latest, r.latest_period),
        percent(r.progress_pct),
    ]


def report_title(report: Report) -> str:
    """The report's title: its kind and period."""
    return _("Annual implementation report %(period)s", period=period(report.period.label))
