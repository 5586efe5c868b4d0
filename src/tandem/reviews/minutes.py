"""The minutes of a review: who was there per side, the agenda as it was held (and what was
dropped, with why), the decisions and whether both sides confirmed them, the actions raised and
those carried over, the wins and whom to thank, and the general notes.

``minutes_for`` reads them in a fixed number of queries; ``render_html``, ``render_markdown`` and
``render_pdf`` write them in the active language (callers wrap them in ``translation.override``),
dates and times in the series' time zone. User text is always escaped for the format at hand, so a
title cannot add a link, a heading or markup to the minutes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import cm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tandem.core.models import Membership, Side
from tandem.core.pdf import FONT, numbered_canvas, register_fonts
from tandem.reviews.agenda import KIND_LABELS, action_age_days
from tandem.reviews.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    Review,
    ReviewSeries,
    Win,
)

TEMPLATE = "reviews/minutes_body.html"


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    kind: str  # the translated label of the item's kind
    link: str  # absolute address of the item's source, or ""


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    status: str  # "confirmed by both sides", "confirmed by IT only", ...


@dataclass(frozen=True)
class CarriedRow:
    action: ActionItem
    age_days: int  # days since it was raised, as of the review


@dataclass(frozen=True)
class WinRow:
    win: Win
    thanked: str  # the names of the people to thank, or ""


@dataclass
class Minutes:
    """What the minutes of one review say; the rows below translate when read, so one ``Minutes``
    renders in every language."""

    review: Review
    series: ReviewSeries
    present_business: list[Membership]
    present_it: list[Membership]
    absent: list[Membership]
    items: list[AgendaItem]  # kept, in agenda order
    dropped: list[AgendaItem]
    decisions: list[Decision]
    actions: list[ActionItem]  # raised in this review
    carried: list[ActionItem]  # still open, raised before this review and on its agenda
    wins: list[Win]
    present_other: list[Membership] = field(default_factory=list)  # present but of neither side

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.series.time_zone)

    @property
    def starts_at(self) -> datetime:
        """When the review was scheduled, on the series' wall clock."""
        return timezone.localtime(self.review.scheduled_at, self.zone)

    @property
    def day(self) -> date:
        """The day the review took place (closed), in the series' time zone: ages count to it."""
        return timezone.localtime(self.review.closed_at or self.review.scheduled_at, self.zone).date()

    @property
    def agenda_rows(self) -> list[AgendaRow]:
        return [AgendaRow(item, kind_label(item.kind), source_link(item.url)) for item in self.items]

    @property
    def decision_rows(self) -> list[DecisionRow]:
        return [DecisionRow(decision, confirmation_status(decision)) for decision in self.decisions]

    @property
    def carried_rows(self) -> list[CarriedRow]:
        return [CarriedRow(action, action_age_days(action, self.day)) for action in self.carried]

    @property
    def win_rows(self) -> list[WinRow]:
        return [WinRow(win, names(win.thanked.all())) for win in self.wins]


def minutes_for(review: Review) -> Minutes:
    """The minutes of ``review`` in ten queries or fewer, however long the review was."""
    series = review.series
    present = list(review.present.select_related("user"))
    attendees = series.attendees.filter(is_active=True).select_related("user")
    present_ids = {m.pk for m in present}
    items = list(review.items.select_related("action__owner__user"))
    kept = [item for item in items if not item.is_dropped]
    raised = list(review.actions.select_related("owner__user").order_by("due_on", "created_at", "id"))
    raised_ids = {action.pk for action in raised}
    carried = {
        item.action.pk: item.action
        for item in kept
        if item.action is not None
        and item.action.status == ActionStatus.OPEN
        and item.action.pk not in raised_ids
    }
    return Minutes(
        review=review,
        series=series,
        present_business=[m for m in present if m.side == Side.BUSINESS],
        present_it=[m for m in present if m.side == Side.IT],
        present_other=[m for m in present if m.side not in (Side.BUSINESS, Side.IT)],
        absent=[m for m in attendees if m.pk not in present_ids],
        items=kept,
        dropped=[item for item in items if item.is_dropped],
        decisions=list(review.decisions.prefetch_related("confirmations").order_by("created_at", "id")),
        actions=raised,
        carried=sorted(carried.values(), key=lambda action: (action.due_on, action.pk)),
        wins=list(review.wins.prefetch_related("thanked__user").order_by("created_at", "id")),
    )


# --- The words every format shares ----------------------------------------------------------------


def kind_label(kind: str) -> str:
    """The translated label of an agenda item's kind ("added by hand" for people's own items)."""
    return str(KIND_LABELS.get(kind, kind))


def source_link(url: str) -> str:
    """The absolute address of a source path; anything but a path of this site gives no link."""
    if not url.startswith("/") or url.startswith("//"):
        return ""
    return f"{settings.SITE_URL}{url}"


def confirmation_status(decision: Decision) -> str:
    """Whether both sides confirmed ``decision``, one of them, or nobody yet."""
    sides = {confirmation.side for confirmation in decision.confirmations.all()}
    if decision.is_confirmed or {Side.BUSINESS, Side.IT} <= sides:
        return _("confirmed by both sides")
    if Side.BUSINESS in sides:
        return _("confirmed by the business only")
    if Side.IT in sides:
        return _("confirmed by IT only")
    return _("not confirmed yet")


def member_name(member: Membership | None) -> str:
    return member.user.display_name if member is not None else "—"


def names(members: Iterable[Membership]) -> str:
    return ", ".join(member_name(m) for m in members)


def when(minutes: Minutes) -> str:
    """The review's date and time on the series' wall clock, with the time zone named."""
    return f"{date_format(minutes.starts_at, 'DATETIME_FORMAT')} ({minutes.series.time_zone})"


def time_box(item: AgendaItem) -> str:
    n = item.minutes or 0
    return ngettext("%(n)s minute", "%(n)s minutes", n) % {"n": n}


def age(days: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def minutes_title(minutes: Minutes) -> str:
    return _("Minutes: %(series)s") % {"series": minutes.series.name}


# --- HTML ---------------------------------------------------------------------------------------


def render_html(minutes: Minutes) -> str:
    """The minutes as an HTML fragment for the minutes page and the e-mail: no scripts and no style
    attributes, which the page's content security policy would refuse."""
    return render_to_string(TEMPLATE, {"minutes": minutes})


# --- Markdown -----------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_BLOCK = re.compile(r"^([#+\-=])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: str, *, indent: str = "") -> str:
    """User text as literal Markdown: every character that could open a link, an image, emphasis,
    code or HTML is backslash-escaped, and so is one that would start a heading, list or quote at
    the start of a line. Lines after the first are indented by ``indent`` (to stay in a list item)."""
    lines = []
    for line in text.strip().splitlines():
        escaped = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", line.strip()))
        escaped = _MD_ORDERED.sub(r"\1\\\2", _MD_BLOCK.sub(r"\\\1", escaped))
        lines.append(escaped)
    return f"\n{indent}".join(lines)


def render_markdown(minutes: Minutes) -> str:
    """The minutes as Markdown (the text part of the e-mail; readable as plain text too)."""
    out = [f"# {md_escape(minutes_title(minutes))}", "", when(minutes), ""]
    out += _md_present(minutes)
    out += _md_agenda(minutes)
    out += _md_decisions(minutes)
    out += _md_actions(minutes)
    out += _md_wins(minutes)
    if minutes.review.notes.strip():
        out += [f"## {_('Notes')}", "", md_escape(minutes.review.notes), ""]
    return "\n".join(out).rstrip() + "\n"


def _md_present(minutes: Minutes) -> list[str]:
    nobody = _("nobody")
    out = [f"## {_('Present')}", ""]
    out.append(f"- **{Side.BUSINESS.label}:** {md_escape(names(minutes.present_business)) or nobody}")
    out.append(f"- **{Side.IT.label}:** {md_escape(names(minutes.present_it)) or nobody}")
    if minutes.present_other:
        out.append(f"- **{_('Also present')}:** {md_escape(names(minutes.present_other))}")
    if minutes.absent:
        out.append(f"- **{_('Absent')}:** {md_escape(names(minutes.absent))}")
    return [*out, ""]


def _md_agenda(minutes: Minutes) -> list[str]:
    out = [f"## {_('Agenda')}", ""]
    for n, row in enumerate(minutes.agenda_rows, start=1):
        out += _md_agenda_item(n, row)
    if not minutes.items:
        out.append(_("None."))
    if minutes.dropped:
        out += ["", f"## {_('Dropped items')}", ""]
        for item in minutes.dropped:
            reason = _("Reason: %(reason)s") % {"reason": md_escape(item.drop_reason, indent="  ")}
            out.append(f"- {md_escape(item.title, indent='  ')} — {reason}")
    return [*out, ""]


def _md_agenda_item(n: int, row: AgendaRow) -> list[str]:
    item, pad = row.item, " " * (len(str(n)) + 2)
    title = md_escape(item.title, indent=pad)
    if row.link:
        title = f"[{title}](<{row.link}>)"
    facts = [md_escape(row.kind)] + ([time_box(item)] if item.minutes else [])
    out = [f"{n}. **{title}** — {' · '.join(facts)}"]
    if item.detail.strip():
        out.append(f"{pad}{md_escape(item.detail, indent=pad)}")
    if item.notes.strip():
        out.append(f"{pad}{_('Notes')}: {md_escape(item.notes, indent=pad)}")
    return out


def _md_decisions(minutes: Minutes) -> list[str]:
    out = [f"## {_('Decisions')}", ""]
    for row in minutes.decision_rows:
        decision = row.decision
        out += [f"### {md_escape(decision.title)}", "", f"*{row.status}*", ""]
        out += [f"**{_('Rationale')}:** {md_escape(decision.rationale)}", ""]
        if decision.options_considered.strip():
            out += [f"**{_('Options considered')}:** {md_escape(decision.options_considered)}", ""]
    if not minutes.decisions:
        out += [_("None."), ""]
    return out


def _md_actions(minutes: Minutes) -> list[str]:
    out = [f"## {_('Actions raised')}", ""]
    out += [f"- {md_escape(a.title, indent='  ')} — {_md_owner_due(a)}" for a in minutes.actions]
    if not minutes.actions:
        out.append(_("None."))
    if minutes.carried:
        out += ["", f"## {_('Carried over')}", ""]
        for row in minutes.carried_rows:
            open_for = _("open for %(age)s") % {"age": age(row.age_days)}
            title = md_escape(row.action.title, indent="  ")
            out.append(f"- {title} — {_md_owner_due(row.action)}, {open_for}")
    return [*out, ""]


def _md_owner_due(action: ActionItem) -> str:
    return _("owner: %(owner)s, due %(due)s") % {
        "owner": md_escape(member_name(action.owner)),
        "due": date_format(action.due_on, "DATE_FORMAT"),
    }


def _md_wins(minutes: Minutes) -> list[str]:
    out = [f"## {_('Wins')}", ""]
    for row in minutes.win_rows:
        line = f"- {md_escape(row.win.title, indent='  ')}"
        if row.thanked:
            line += " — " + _("thanks to %(names)s") % {"names": md_escape(row.thanked)}
        out.append(line)
        if row.win.detail.strip():
            out.append(f"  {md_escape(row.win.detail, indent='  ')}")
    if not minutes.wins:
        out.append(_("None."))
    return [*out, ""]


# --- PDF ----------------------------------------------------------------------------------------


def pdf_text(text: str) -> str:
    """User text for reportlab's paragraph mark-up: escaped, its line breaks kept."""
    return "<br/>".join(xml_escape(line) for line in text.strip().splitlines())


class _Styles:
    def __init__(self) -> None:
        base = getSampleStyleSheet()
        bold = f"{FONT}-Bold"
        self.title = ParagraphStyle("MinutesTitle", parent=base["Title"], fontName=bold, alignment=0)
        self.h2 = ParagraphStyle("MinutesH2", parent=base["Heading2"], fontName=bold, keepWithNext=1)
        self.h3 = ParagraphStyle("MinutesH3", parent=base["Heading3"], fontName=bold, keepWithNext=1)
        self.body = ParagraphStyle("MinutesBody", parent=base["BodyText"], fontName=FONT)
        self.indented = ParagraphStyle("MinutesIndented", parent=self.body, leftIndent=0.6 * cm)
        self.muted = ParagraphStyle(
            "MinutesMuted", parent=self.indented, textColor=colors.HexColor("#555555")
        )
        self.cell = ParagraphStyle("MinutesCell", parent=self.body, fontSize=9, leading=11)
        self.head = ParagraphStyle("MinutesHead", parent=self.cell, fontName=bold)


def render_pdf(minutes: Minutes) -> bytes:
    """The minutes as an A4 PDF with its title in the document's properties and "page n of m" in
    every footer; the same minutes give the same bytes (reportlab's invariant mode)."""
    register_fonts()
    styles = _Styles()
    title = minutes_title(minutes)
    footer = f"{minutes.series.name} · {date_format(minutes.starts_at, 'DATE_FORMAT')}"
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author="Tandem",
        creator="Tandem",
        subject=when(minutes),
        lang=translation.get_language() or settings.LANGUAGE_CODE,
        invariant=1,
    )
    story = _pdf_story(minutes, styles)
    document.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _pdf_story(minutes: Minutes, s: _Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(xml_escape(minutes_title(minutes)), s.title)]
    story.append(Paragraph(xml_escape(when(minutes)), s.body))
    story += _pdf_present(minutes, s)
    story.append(Paragraph(xml_escape(_("Agenda")), s.h2))
    for n, row in enumerate(minutes.agenda_rows, start=1):
        story += _pdf_agenda_item(n, row, s)
    if not minutes.items:
        story.append(Paragraph(xml_escape(_("None.")), s.body))
    if minutes.dropped:
        story.append(Paragraph(xml_escape(_("Dropped items")), s.h2))
        for item in minutes.dropped:
            reason = xml_escape(_("Reason: %(reason)s") % {"reason": item.drop_reason})
            story.append(Paragraph(f"<b>{pdf_text(item.title)}</b> — {reason}", s.body))
    story += _pdf_decisions(minutes, s)
    story.append(Paragraph(xml_escape(_("Actions raised")), s.h2))
    story.append(_pdf_actions([(a, []) for a in minutes.actions], [], s))
    if minutes.carried:
        story.append(Paragraph(xml_escape(_("Carried over")), s.h2))
        rows = [(r.action, [age(r.age_days)]) for r in minutes.carried_rows]
        story.append(_pdf_actions(rows, [_("Open for")], s))
    story += _pdf_wins(minutes, s)
    if minutes.review.notes.strip():
        story.append(Paragraph(xml_escape(_("Notes")), s.h2))
        story.append(Paragraph(pdf_text(minutes.review.notes), s.body))
    return story


def _pdf_present(minutes: Minutes, s: _Styles) -> list[Flowable]:
    nobody = _("nobody")
    lines = [
        (str(Side.BUSINESS.label), names(minutes.present_business) or nobody),
        (str(Side.IT.label), names(minutes.present_it) or nobody),
    ]
    if minutes.present_other:
        lines.append((_("Also present"), names(minutes.present_other)))
    if minutes.absent:
        lines.append((_("Absent"), names(minutes.absent)))
    story: list[Flowable] = [Paragraph(xml_escape(_("Present")), s.h2)]
    story += [Paragraph(f"<b>{xml_escape(label)}:</b> {xml_escape(who)}", s.body) for label, who in lines]
    return story


def _pdf_agenda_item(n: int, row: AgendaRow, s: _Styles) -> list[Flowable]:
    item = row.item
    facts = [row.kind] + ([time_box(item)] if item.minutes else [])
    story: list[Flowable] = [
        Paragraph(f"{n}. <b>{pdf_text(item.title)}</b> — {xml_escape(' · '.join(facts))}", s.body)
    ]
    if item.detail.strip():
        story.append(Paragraph(pdf_text(item.detail), s.muted))
    if item.notes.strip():
        story.append(Paragraph(f"<i>{xml_escape(_('Notes'))}:</i> {pdf_text(item.notes)}", s.indented))
    return story


def _pdf_decisions(minutes: Minutes, s: _Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(xml_escape(_("Decisions")), s.h2)]
    for row in minutes.decision_rows:
        decision = row.decision
        story.append(Paragraph(pdf_text(decision.title), s.h3))
        story.append(Paragraph(f"<i>{xml_escape(row.status)}</i>", s.body))
        story.append(
            Paragraph(f"<b>{xml_escape(_('Rationale'))}:</b> {pdf_text(decision.rationale)}", s.body)
        )
        if decision.options_considered.strip():
            options = pdf_text(decision.options_considered)
            story.append(Paragraph(f"<b>{xml_escape(_('Options considered'))}:</b> {options}", s.body))
    if not minutes.decisions:
        story.append(Paragraph(xml_escape(_("None.")), s.body))
    return story


def _pdf_actions(rows: list[tuple[ActionItem, list[str]]], extra: list[str], s: _Styles) -> Flowable:
    """A table of actions (title, owner, due date and the ``extra`` columns), or "None."."""
    if not rows:
        return Paragraph(xml_escape(_("None.")), s.body)
    headers = [_("Action"), _("Owner"), _("Due date"), *extra]
    data = [[Paragraph(xml_escape(h), s.head) for h in headers]]
    for action, more in rows:
        cells = [pdf_text(action.title), xml_escape(member_name(action.owner))]
        cells += [xml_escape(date_format(action.due_on, "DATE_FORMAT")), *(xml_escape(m) for m in more)]
        data.append([Paragraph(cell, s.cell) for cell in cells])
    widths = [8.5 * cm, 4.5 * cm, 2.6 * cm] if not extra else [7 * cm, 4 * cm, 2.6 * cm, 2.4 * cm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
            ]
        )
    )
    return table


def _pdf_wins(minutes: Minutes, s: _Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(xml_escape(_("Wins")), s.h2)]
    for row in minutes.win_rows:
        line = f"• <b>{pdf_text(row.win.title)}</b>"
        if row.thanked:
            line += " — " + xml_escape(_("thanks to %(names)s") % {"names": row.thanked})
        story.append(Paragraph(line, s.body))
        if row.win.detail.strip():
            story.append(Paragraph(pdf_text(row.win.detail), s.muted))
    if not minutes.wins:
        story.append(Paragraph(xml_escape(_("None.")), s.body))
    story.append(Spacer(1, 0.2 * cm))
    return story
