"""The blocks a report is laid out in: what :func:`wpstrack.reports.document.layout` makes
and every renderer (HTML and PDF, DOCX, Markdown) draws.

Plain data with no behaviour but a listing of the headings: how a block looks is each
renderer's business, what it says is the layout's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    level: int  # 1: a section (in the contents), 2: a part of one
    text: str
    anchor: str


@dataclass
class Paragraph:
    text: str
    kind: str = "text"  # text | none (nothing to show) | note | lead (the cover's lines)


@dataclass
class Table:
    caption: str  # "Table 3: Indicators: Participation"
    header: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right
    total: bool = False  # the last row is a total


@dataclass
class Chart:
    caption: str  # "Figure 2: Activities by pillar"
    title: str
    data: list[tuple[str, float]]
    value_label: str
    category_label: str
    unit: str = ""


@dataclass
class Facts:
    pairs: list[tuple[str, str]]


@dataclass
class Activities:
    entries: list[tuple[str, list[tuple[str, str]]]]  # head, labelled details


@dataclass
class Contents:
    title: str
    entries: list[tuple[str, str]]  # anchor, heading text


@dataclass
class Cover:
    kicker: str
    title: str
    lines: list[str]
    # A fictional plan's cover says so first: the mark ("Fictional example") and a sentence
    # saying the plan describes nothing real. Both empty for a real plan.
    mark: str = ""
    notice: str = ""


Block = Heading | Paragraph | Table | Chart | Facts | Activities | Contents | Cover


@dataclass
class Document:
    """The report's blocks in order, with its title and language."""

    title: str
    language: str
    plan_code: str
    blocks: list[Block] = field(default_factory=list)
    # Printed in the running header of every page (and at the top of HTML and Markdown)
    # when the plan is fictional, so no page taken out of the report reads as real; empty
    # for a real plan.
    mark: str = ""

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]
