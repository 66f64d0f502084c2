"""The report as Markdown (GitHub-flavoured tables): for review in a repository or a wiki.

It writes the blocks of :func:`wpstrack.reports.document.layout`, as the HTML, PDF and DOCX
do. Markdown has no drawing, so a chart is its caption; the numbered table that follows it
carries the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wpstrack.reports import blocks as d
from wpstrack.reports.document import layout
from wpstrack.reports.model import Report


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = ()
) -> list[str]:
    """A pipe table, the ``numeric`` columns aligned right."""
    right = set(numeric)
    align = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _block(block: d.Block) -> list[str]:
    if isinstance(block, d.Cover):
        lines = [f"{x}  " for x in block.lines]
        # A fictional plan's notice comes straight under the title, before anything else.
        notice = [f"> **{block.mark}** {block.notice}", ""] if block.notice else []
        return [f"# {block.title}", "", *notice, f"_{block.kicker}_", "", *lines, ""]
    if isinstance(block, d.Contents):
        entries = [
            f"{i}. [{words}](#{anchor})" for i, (anchor, words) in enumerate(block.entries, 1)
        ]
        return [f"## {block.title}", "", *entries, ""]
    if isinstance(block, d.Heading):
        return [f"{'#' * (block.level + 1)} {block.text}", ""]
    if isinstance(block, d.Paragraph):
        shown = {"none": f"_{block.text}_", "note": f"> {block.text}"}.get(block.kind, block.text)
        return [shown, ""]
    if isinstance(block, d.Table):
        rows = [
            [f"**{c}**" for c in row] if block.total and i == len(block.rows) else row
            for i, row in enumerate(block.rows, 1)
        ]
        return [f"**{block.caption}**", "", *table(block.header, rows, block.numeric)]
    if isinstance(block, d.Chart):
        return [f"_{block.caption}_", ""]
    if isinstance(block, d.Facts):
        return [*[f"- **{label}:** {value}" for label, value in block.pairs], ""]
    assert isinstance(block, d.Activities)
    lines = []
    for i, (head, details) in enumerate(block.entries, 1):
        lines.append(f"{i}. **{_cell(head)}**")
        lines += [f"   - {label}: {value}" for label, value in details]
    return [*lines, ""]


def render_markdown(report: Report) -> str:
    """The report as Markdown text: the same report gives the same text."""
    lines: list[str] = []
    for block in layout(report).blocks:
        lines += _block(block)
    return "\n".join(lines).rstrip("\n") + "\n"
