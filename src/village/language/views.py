"""The language lens where people write."""

from __future__ import annotations

import json
import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from village.exports import csv_text
from village.language import forms, selectors
from village.people import throttle

_BOX_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


@require_POST
def hints(request: HttpRequest) -> HttpResponse:
    """The hints for a draft as it is typed. A post, so a draft never sits in an address that
    proxies and browsers keep; it writes nothing and logs nothing. Anyone who can see a text
    box may ask: the answer depends only on the words sent. A client asking faster than any
    typist gets an empty panel (429) for the rest of the minute: the page keeps the hints
    it has, and a post shows them all the same."""
    try:
        throttle.check(request, action="hints")
    except throttle.Throttled:
        return HttpResponse("", status=429, headers={"Retry-After": str(throttle.MINUTE)})
    box = str(request.POST.get("for", ""))
    return render(
        request,
        "language/_hints.html",
        {
            "findings": selectors.hints_for(text=str(request.POST.get("text", ""))),
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
        findings = selectors.document_findings(text=text)
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
    findings = selectors.document_findings(text=form.cleaned_data["text"])
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
