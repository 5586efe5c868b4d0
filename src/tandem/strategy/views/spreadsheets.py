"""Spreadsheet import (upload, preview, commit: one URL) and the portfolio export.

Between the preview and the commit the uploaded bytes wait in the person's session (at most
2 MB, compressed), keyed by organisation and checked against a digest posted with the commit,
so what is committed is exactly what was previewed; nothing is written to disk.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import Need, OrgRequest, refuse
from tandem.core.decorators import org_view
from tandem.core.errors import TandemError
from tandem.core.forms import form_error_from, posted, render_form
from tandem.strategy import spreadsheets

PENDING = "tandem_import"
PREVIEW_ROWS = 500
KIND_LABELS = {"initiatives": gettext_lazy("initiatives"), "objectives": gettext_lazy("objectives")}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("The file holds"),
        choices=[("initiatives", gettext_lazy("Initiatives")), ("objectives", gettext_lazy("Objectives"))],
        widget=forms.RadioSelect,
        initial="initiatives",
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX, up to 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


@org_view(Need.READER)
@require_GET
def portfolio_export(request: OrgRequest, fmt: str) -> HttpResponse:
    """The portfolio table, with the page's filters, as CSV or XLSX: for every reader."""
    if fmt not in spreadsheets.EXPORT_FORMATS:
        raise refuse("no such export format", org=request.org)
    org = request.org
    filters = spreadsheets.filters_from_query(request.GET)
    content = spreadsheets.portfolio_export(org=org, filters=filters, fmt=fmt)
    name = f"{org.slug}-portfolio-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def import_upload(request: OrgRequest) -> HttpResponse:
    """Step 1: choose and upload; step 2: the dry run's preview; step 3 (``step=commit``): save."""
    if "template" in request.GET:
        return _template(request, request.GET["template"])
    if request.method == "POST" and request.POST.get("step") == "commit":
        return _commit(request)
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in spreadsheets.KINDS else {}
    form = ImportForm(posted(request), request.FILES or None, initial=initial)
    if request.method == "POST":
        request.session.pop(PENDING, None)
        if preview := _dry_run(request, form):
            return preview
    context = {"form": form, "max_rows": f"{spreadsheets.MAX_ROWS:,}"}
    return render_form(request, "strategy/import.html", context, form)


def _dry_run(request: OrgRequest, form: ImportForm) -> HttpResponse | None:
    """The preview of an uploaded file (kept for the commit when every row passes), or ``None``
    when the form or the file is refused (the refusal is shown on the form)."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    content = upload.read(spreadsheets.MAX_BYTES + 1)
    kind = form.cleaned_data["kind"]
    try:
        report = spreadsheets.spreadsheet_import(
            actor=request.membership, kind=kind, content=content, commit=False
        )
    except TandemError as error:
        error.field = "file" if error.field is None else error.field
        form_error_from(form, error)
        return None
    if not report.errors and report.rows:
        _stash(request, report.kind, upload.name or "", content)
    return _preview(request, report, upload.name or "")


def _template(request: OrgRequest, kind: str) -> HttpResponse:
    if kind not in spreadsheets.KINDS:
        raise refuse("no such import template", org=request.org)
    response = HttpResponse(spreadsheets.import_template(kind), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="tandem-{kind}-template.csv"'
    return response


def _stash(request: OrgRequest, kind: str, name: str, content: bytes) -> None:
    request.session[PENDING] = {
        "org": request.org.pk,
        "kind": kind,
        "name": name[-120:],
        "digest": hashlib.sha256(content).hexdigest(),
        "data": base64.b64encode(zlib.compress(content)).decode("ascii"),
    }


def _preview(
    request: OrgRequest, report: spreadsheets.ImportReport, filename: str, status: int = 200
) -> HttpResponse:
    pending = request.session.get(PENDING) or {}
    context: dict[str, Any] = {
        "report": report,
        "kind_label": KIND_LABELS[report.kind],
        "digest": pending.get("digest", ""),
        "filename": filename,
        "rows": report.rows[:PREVIEW_ROWS],
        "hidden_rows": max(0, len(report.rows) - PREVIEW_ROWS),
    }
    return render(request, "strategy/import_preview.html", context, status=status)


def _commit(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    pending = request.session.get(PENDING)
    if (
        not isinstance(pending, dict)
        or pending.get("org") != membership.organization_id
        or pending.get("digest") != request.POST.get("digest")
    ):
        messages.error(request, _("That preview is no longer available. Upload the file again."))
        return redirect("strategy:import", org_slug=membership.organization.slug)
    content = zlib.decompress(base64.b64decode(pending["data"]))
    try:
        report = spreadsheets.spreadsheet_import(
            actor=membership, kind=pending["kind"], content=content, commit=True, filename=pending["name"]
        )
    except TandemError as error:
        request.session.pop(PENDING, None)
        messages.error(request, error.message)
        return redirect("strategy:import", org_slug=membership.organization.slug)
    if not report.committed:
        request.session.pop(PENDING, None)
        messages.error(request, _("Nothing was imported: some rows now fail. Correct them and upload again."))
        return _preview(request, report, pending["name"], status=422)
    request.session.pop(PENDING, None)
    messages.success(
        request,
        _("Imported %(n)s %(kind)s: %(c)s created, %(u)s updated.")
        % {"n": len(report.rows), "kind": KIND_LABELS[report.kind], "c": report.created, "u": report.updated},
    )
    target = "strategy:portfolio" if report.kind == "initiatives" else "strategy:objectives"
    return redirect(target, org_slug=membership.organization.slug)
