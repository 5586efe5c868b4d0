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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.decorators import org_view
from tandem.core.errors import NotFound, TandemError
from tandem.core.forms import form_error_from
from tandem.strategy import spreadsheets
from tandem.strategy.access import can_plan, require, require_reader

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


@org_view()
@require_GET
def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The portfolio table, with the page's filters, as CSV or XLSX: for every reader."""
    membership = request.membership  # type: ignore[attr-defined]
    require_reader(membership, request)
    if fmt not in spreadsheets.EXPORT_FORMATS:
        raise NotFound()
    org = membership.organization
    filters = spreadsheets.filters_from_query(request.GET)
    content = spreadsheets.portfolio_export(org=org, filters=filters, fmt=fmt)
    name = f"{org.slug}-portfolio-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view()
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: choose and upload; step 2: the dry run's preview; step 3 (``step=commit``): save."""
    membership = request.membership  # type: ignore[attr-defined]
    require_reader(membership, request)
    require(can_plan(membership))
    if "template" in request.GET:
        return _template(request.GET["template"])
    if request.method == "POST" and request.POST.get("step") == "commit":
        return _commit(request)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in spreadsheets.KINDS else {}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        request.session.pop(PENDING, None)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(spreadsheets.MAX_BYTES + 1)
            try:
                report = spreadsheets.spreadsheet_import(
                    actor=membership, kind=form.cleaned_data["kind"], content=content, commit=False
                )
            except TandemError as error:
                error.field = "file" if error.field is None else error.field
                form_error_from(form, error)
            else:
                if not report.errors and report.rows:
                    _stash(request, report.kind, upload.name or "", content)
                return _preview(request, report, upload.name or "")
    context = {"form": form, "max_rows": f"{spreadsheets.MAX_ROWS:,}"}
    return render(request, "strategy/import.html", context, status=422 if form.errors else 200)


def _template(kind: str) -> HttpResponse:
    if kind not in spreadsheets.KINDS:
        raise NotFound()
    response = HttpResponse(spreadsheets.import_template(kind), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="tandem-{kind}-template.csv"'
    return response


def _stash(request: HttpRequest, kind: str, name: str, content: bytes) -> None:
    request.session[PENDING] = {
        "org": request.org.pk,  # type: ignore[attr-defined]
        "kind": kind,
        "name": name[-120:],
        "digest": hashlib.sha256(content).hexdigest(),
        "data": base64.b64encode(zlib.compress(content)).decode("ascii"),
    }


def _preview(
    request: HttpRequest, report: spreadsheets.ImportReport, filename: str, status: int = 200
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


def _commit(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
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
