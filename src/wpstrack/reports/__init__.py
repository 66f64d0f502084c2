"""The annual implementation report: built from the database, rendered in four formats.

:func:`build_report` gathers every figure, section and citation into a plain
:class:`Report`; :func:`render` lays it out as HTML (with print CSS), Markdown, PDF (through
WeasyPrint, from the HTML) or DOCX (through python-docx). The HTML and Markdown carry no
wall-clock time, so the same database gives the same bytes. ``wpstrack report`` and the web
application's report button both call these two functions.
"""

from wpstrack.reports.build import build_report
from wpstrack.reports.model import Period, Report
from wpstrack.reports.render import FORMATS, MEDIA_TYPES, check_format, file_name, render

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Period",
    "Report",
    "build_report",
    "check_format",
    "file_name",
    "render",
]
