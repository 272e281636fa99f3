"""The review pack drawn three ways from one ``pack.ReviewPack``: the print page's HTML, a PDF
(WeasyPrint, through ``village.pdf``) and a Word document (python-docx). Word has no SVG, so
each chart goes into the document as the table that stands beside it on the page."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from village.pdf import pdf_from_html
from village.reviews.models import Source
from village.reviews.pack import ReviewPack

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def pack_filename(pack: ReviewPack, fmt: str) -> str:
    return f"values-review-{pack.quarter}.{fmt}"


def pack_pdf(pack: ReviewPack) -> bytes:
    """The pack as a PDF; ``village.pdf.PdfUnavailable`` when WeasyPrint cannot load here."""
    return pdf_from_html(render_to_string("reviews/pack_pdf.html", {"pack": pack}))


def _table(document: Any, caption: str, headings: list[str], rows: list[list[str]]) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _cell(score: str, note: str) -> str:
    return score or note


def pack_docx(pack: ReviewPack) -> bytes:
    """The pack as a Word document, in the same order and words as the print page."""
    import docx

    document = docx.Document()
    document.core_properties.title = pack.title
    document.add_heading(pack.title, level=0)
    document.add_paragraph(
        _("Charter version %(version)s · %(state)s. Made on %(day)s.")
        % {"version": pack.version, "state": pack.state, "day": f"{pack.made_on:%d %B %Y}"}
    )
    document.add_paragraph(
        _(
            "Ratings use the six-point scale of self-evaluation: 6 excellent, 5 very good, "
            "4 good, 3 adequate, 2 weak, 1 unsatisfactory."
        )
    )
    doing, knowing, next_steps = pack.questions

    document.add_heading(doing, level=1)
    _table(
        document,
        _("Every value at a glance"),
        [
            _("Value"),
            _("Agencies' own rating (average)"),
            _("Family panel"),
            _("Frontline staff"),
            _("Gaps of two points or more"),
        ],
        [
            [
                value.name,
                value.own_average_words or _("Not rated yet"),
                *(_cell(row.words, row.note) for row in value.rows[-2:]),
                str(len(value.gaps)),
            ]
            for value in pack.values
        ],
    )
    document.add_paragraph(pack.note)
    document.add_heading(_("Where the family panel or frontline staff see it differently"), level=2)
    if pack.gaps:
        for gap in pack.gaps:
            document.add_paragraph(f"{gap.value}: {gap}", style="List Bullet")
    else:
        document.add_paragraph(
            _("No agency's own rating is two points or more from either panel's.")
        )
    for value in pack.values:
        document.add_heading(value.name, level=2)
        document.add_paragraph(value.plain)
        _table(
            document,
            _("%(name)s: ratings") % {"name": value.name},
            [_("Who"), _("Rating"), _("People")],
            [
                [
                    row.label,
                    _cell(row.words, row.note),
                    _("about %(n)s") % {"n": row.people} if row.people else "",
                ]
                for row in value.rows
            ],
        )
        if value.stage_rows:
            _table(
                document,
                _("%(name)s: the panels by career stage") % {"name": value.name},
                [_("Panel"), _("Career stage"), _("Rating"), _("People")],
                [
                    [
                        row.panel,
                        row.stage,
                        _cell(row.words, _("Not shown: %(why)s") % {"why": row.hidden_because}),
                        _("about %(n)s") % {"n": row.people} if row.people else "",
                    ]
                    for row in value.stage_rows
                ],
            )

    document.add_heading(knowing, level=1)
    for value in pack.values:
        document.add_heading(value.name, level=2)
        for item in value.evidence:
            heading = f"{item.agency}: {item.words}" if item.score else item.agency
            paragraph = document.add_paragraph()
            paragraph.add_run(heading).bold = True
            if item.score:
                text = item.evidence or _("No evidence written.")
                text = "\n".join([text, *item.links])
            elif item.not_rated_because:
                text = _("Not rated: %(because)s") % {"because": item.not_rated_because}
            else:
                text = _("Not rated yet.")
            document.add_paragraph(text)
        for panel, because in value.panel_not_rated:
            paragraph = document.add_paragraph()
            paragraph.add_run(panel).bold = True
            document.add_paragraph(_("Not rated: %(because)s") % {"because": because})
        document.add_heading(_("Where the system doesn't meet this, and why not"), level=3)
        if value.shortfalls:
            for shortfall in value.shortfalls:
                document.add_paragraph(
                    f"{shortfall.get_barrier_display()}: {shortfall.text}", style="List Bullet"
                )
        else:
            document.add_paragraph(_("None recorded."))

    document.add_heading(next_steps, level=1)
    if pack.actions:
        rows = []
        for action in pack.actions:
            lines = [action.text]
            if action.carried_from:
                lines.append(
                    _("Carried from %(quarter)s") % {"quarter": action.carried_from.review.quarter}
                )
            elif action.source != Source.REVIEW:
                lines.append(str(action.get_source_display()))
            lines += [
                f"– {m.text}{f' ({m.due_on:%d %b %Y})' if m.due_on else ''}: "
                + (_("done") if m.done else _("not done yet"))
                for m in action.milestones.all()
            ]
            status = str(action.get_status_display())
            if action.stuck_because:
                status = f"{status}: {action.stuck_because}"
            rows.append(
                [
                    "\n".join(lines),
                    action.value.name if action.value else "",
                    action.owner_agency.name,
                    f"{action.due_on:%d %b %Y}",
                    status,
                ]
            )
        _table(
            document,
            _("Actions"),
            [_("Action"), _("Value"), _("Owner"), _("Due"), _("Status")],
            rows,
        )
    else:
        document.add_paragraph(_("No actions have been agreed yet."))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pack_bytes(pack: ReviewPack, fmt: str) -> bytes:
    if fmt == "pdf":
        return pack_pdf(pack)
    if fmt == "docx":
        return pack_docx(pack)
    raise ValueError(f"not a pack format: {fmt!r}")
