"""The language lens where people write."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from village.errors import UserError
from village.exports import csv_text
from village.language import access, forms, selectors, services
from village.language.middleware import page_from_token
from village.language.models import TERM_MAX, GlossaryEntry
from village.once import run_once
from village.people import throttle

_BOX_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


@require_POST
def hints(request: HttpRequest) -> HttpResponse:
    """The hints for a draft as it is typed. A post, so a draft never sits in an address that
    proxies and browsers keep; it writes nothing and logs nothing. Anyone who can see a text
    box may ask: the answer depends on the words sent and, for a signed-in member, on their
    partnership's glossary. A client asking faster than any typist gets an empty panel (429)
    for the rest of the minute: the page keeps the hints it has, and a post shows them all
    the same."""
    try:
        throttle.check(request, action="hints")
    except throttle.Throttled:
        return HttpResponse("", status=429, headers={"Retry-After": str(throttle.MINUTE)})
    box = str(request.POST.get("for", ""))
    return render(
        request,
        "language/_hints.html",
        {
            "findings": selectors.hints_for(
                text=str(request.POST.get("text", "")),
                partnership_id=page_from_token(str(request.POST.get("glossary", "")))
                or access.reader_partnership_id(request),
            ),
            "box": box if _BOX_ID.fullmatch(box) else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_document(request: HttpRequest) -> HttpResponse:
    """Paste words or upload a document and see every flagged word in place. Nothing is
    kept: the words come back in the page, and the downloads send them again."""
    posted = request.method == "POST"
    form = forms.DocumentForm(request.POST if posted else None, request.FILES if posted else None)
    context: dict[str, object] = {"form": form}
    if posted and form.is_valid():
        text = form.cleaned_data["text"]
        findings = selectors.document_findings(
            text=text, partnership_id=access.reader_partnership_id(request)
        )
        context.update(
            findings=findings,
            pieces=selectors.pieces(text=text, findings=findings),
            download=forms.DownloadForm(initial={"text": text}),
            checked=True,
        )
    return render(request, "language/check.html", context)


@login_required
@require_POST
def check_download(request: HttpRequest) -> HttpResponse:
    """The findings of the words sent, as CSV (safe to open in a spreadsheet) or JSON."""
    form = forms.DownloadForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            "Check the words again, then download.", status=400, content_type="text/plain"
        )
    findings = selectors.document_findings(
        text=form.cleaned_data["text"], partnership_id=access.reader_partnership_id(request)
    )
    if form.cleaned_data["format"] == "json":
        response = HttpResponse(
            json.dumps({"findings": [f.as_dict() for f in findings]}, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = 'attachment; filename="language-check.json"'
        return response
    response = HttpResponse(
        csv_text(
            header=["line", "column", "words", "instead, perhaps", "why", "source"],
            rows=(
                [
                    f.line,
                    f.column,
                    f.text,
                    "; ".join(f.alternatives),
                    f.reason,
                    f.source.title,
                ]
                for f in findings
            ),
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="language-check.csv"'
    return response


@require_GET
def words_that_help(request: HttpRequest) -> HttpResponse:
    """Plain words for the vocabulary of trauma and shame recovery, for anyone: families and
    colleagues from other sectors meet these words in meetings and plans."""
    return render(request, "language/words.html", {"terms": selectors.words_that_help()})


GLOSSARY_PAGE_SIZE = 40


@login_required
@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    """Admins see every entry their partnership's lens uses, Village's and their own, and can
    search it and narrow it to the entries that are on, off, their own or changed."""
    admin = access.access_glossary_admin(request)
    search = str(request.GET.get("q", ""))[:TERM_MAX]
    show = str(request.GET.get("show", "all"))
    show = show if show in selectors.SHOW_CHOICES else "all"
    rows = selectors.glossary_rows(partnership=admin.partnership, search=search, show=show)
    page = Paginator(rows, GLOSSARY_PAGE_SIZE).get_page(request.GET.get("page"))
    keep = urlencode({"q": search, "show": show})
    return render(
        request,
        "language/glossary.html",
        {"page": page, "search": search, "show": show, "keep": keep, "count": len(rows)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def glossary_add(request: HttpRequest) -> HttpResponse:
    """Admins add a word the partnership wants flagged, with kinder words, why, and a source."""
    admin = access.access_glossary_admin(request)
    form = forms.OwnEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                entry = services.own_entry_add(
                    actor=admin, partnership=admin.partnership, **form.cleaned_data
                )
            except UserError as error:
                form.add_error(None, str(error))
                return render(request, "language/glossary_add.html", {"form": form})
            messages.success(
                request,
                _("“%(term)s” is in your glossary. Text boxes flag it from now on.")
                % {"term": entry.term},
            )
            return redirect("language:glossary")

        return run_once(request, create)
    return render(request, "language/glossary_add.html", {"form": form})


def _own_initial(entry: GlossaryEntry) -> dict[str, object]:
    """The entry's words as the form that changes them starts out."""
    return {name: getattr(entry, name) for name in forms.OwnEntryForm.field_order}


@login_required
@require_http_methods(["GET", "POST"])
def glossary_entry(request: HttpRequest, key: str) -> HttpResponse:
    """One entry: change its words (a new source for the new words), or turn it off or on."""
    admin, row, entry = access.access_glossary_entry(request, key)
    posted = request.POST if request.method == "POST" else None
    form: forms.WordsFields
    if entry.is_own:
        form = forms.OwnEntryForm(posted, initial=_own_initial(entry))
    else:
        form = forms.WordsFields(
            posted,
            initial={
                "alternatives": list(row.alternatives),
                "reason": row.reason,
                "source_title": entry.source_title,
                "source_url": entry.source_url,
            },
        )
    if posted is not None and form.is_valid():
        try:
            if entry.is_own:
                services.own_entry_update(actor=admin, entry=entry, **form.cleaned_data)
            else:
                services.builtin_entry_edit(actor=admin, entry=entry, **form.cleaned_data)
        except UserError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved. Text boxes use the new words from now on."))
            return redirect("language:glossary_entry", key=row.key)
    return render(request, "language/glossary_entry.html", {"row": row, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def glossary_off(request: HttpRequest, key: str) -> HttpResponse:
    """Turn an entry off, saying where the decision comes from. It can be turned on again."""
    admin, row, entry = access.access_glossary_entry(request, key)
    form = forms.TurnOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_turn_off(actor=admin, entry=entry, **form.cleaned_data)
        except UserError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("“%(term)s” is off. Text boxes no longer flag it. You can turn it on again.")
                % {"term": row.term},
            )
            return redirect("language:glossary_entry", key=row.key)
    return render(request, "language/glossary_off.html", {"row": row, "form": form})


@login_required
@require_POST
def glossary_on(request: HttpRequest, key: str) -> HttpResponse:
    """Turn an entry on again, as it was before it was turned off."""
    admin, row, entry = access.access_glossary_entry(request, key)
    try:
        services.entry_turn_on(actor=admin, entry=entry)
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(term)s” is on again.") % {"term": row.term})
    return redirect("language:glossary_entry", key=row.key)


@login_required
@require_POST
def glossary_reset(request: HttpRequest, key: str) -> HttpResponse:
    """Use Village's own words for one of its entries again."""
    admin, row, entry = access.access_glossary_entry(request, key)
    try:
        services.builtin_entry_reset(actor=admin, entry=entry)
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(term)s” uses Village's words again.") % {"term": row.term})
    return redirect("language:glossary_entry", key=row.key)
