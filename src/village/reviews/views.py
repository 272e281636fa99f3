"""The reviews app's pages: thin views that check, call a selector and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from village.pdf import PdfUnavailable
from village.people.models import Member
from village.reviews import access
from village.reviews.home import partnership_home
from village.reviews.models import Review
from village.reviews.pack import ReviewPack, review_pack
from village.reviews.pack_render import CONTENT_TYPES, pack_docx, pack_filename, pack_pdf


def _member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


# The review pack: print view, PDF and Word document. Everyone who may read the review may
# read its pack (the pack holds panel figures only as the disclosure guard releases them).


def _pack(request: HttpRequest, pk: int) -> ReviewPack:
    review: Review = access.access_review(pk=pk, member=_member(request))
    return review_pack(review=review)


def _download(pack: ReviewPack, fmt: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{pack_filename(pack, fmt)}"'
    return response


@login_required
@require_GET
def pack_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reviews/pack_print.html", {"pack": _pack(request, pk)})


@login_required
@require_GET
def pack_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk)
    try:
        data = pack_pdf(pack)
    except PdfUnavailable:
        return render(request, "reviews/pack_no_pdf.html", {"pack": pack}, status=503)
    return _download(pack, "pdf", data)


@login_required
@require_GET
def pack_docx_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk)
    return _download(pack, "docx", pack_docx(pack))


# The partnership home: this quarter at a glance (reviews/home.py says what it reads).


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        raise PermissionDenied
    return render(request, "reviews/home.html", {"home": partnership_home(member=member)})
