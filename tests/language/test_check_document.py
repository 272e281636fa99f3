"""Checking a pasted or uploaded document: findings in place, downloads, who may use it, and
hostile input (empty, huge, wrong type, broken files, HTML and script, formula injection)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for
from tests.engines.lens.conftest import docx_bytes
from village.people.models import Role

pytestmark = pytest.mark.django_db

CHECK = reverse("language:check")
DOWNLOAD = reverse("language:check_download")
WORDS = "Mum was non-compliant.\nThe family were hard to reach."


@pytest.fixture
def staff(make_member: Any) -> Client:
    return client_for(make_member(Role.STAFF))


def _upload(client: Client, name: str, data: bytes) -> str:
    response = client.post(CHECK, {"document": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_every_member_may_check_words(role: str, make_member: Any) -> None:
    client = client_for(make_member(role))
    assert client.get(CHECK).status_code == 200
    assert "<mark>non-compliant</mark>" in client.post(CHECK, {"text": WORDS}).content.decode()


def test_someone_not_signed_in_is_sent_to_sign_in() -> None:
    assert Client().get(CHECK).status_code == 302
    assert Client().post(DOWNLOAD, {"text": WORDS, "format": "csv"}).status_code == 302


def test_pasted_words_are_highlighted_in_place_with_kinder_words_and_why(
    staff: Client,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = staff.post(CHECK, {"text": WORDS}).content.decode()
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT")]
    assert "Mum was <mark>non-compliant</mark>." in page
    assert "<mark>hard to reach</mark>" in page
    assert "“seldom heard”" in page
    assert "Line 2:" in page


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.txt", WORDS.encode()),
        ("notes.md", ("# Notes\n\n" + WORDS).encode()),
        ("notes.html", f"<p>{WORDS}</p><script>alert('non-compliant')</script>".encode()),
    ],
)
def test_text_markdown_and_web_pages_are_read(staff: Client, name: str, data: bytes) -> None:
    page = _upload(staff, name, data)
    assert "<mark>non-compliant</mark>" in page
    assert "alert(" not in page


def test_a_word_document_is_read(staff: Client) -> None:
    page = _upload(staff, "plan.docx", docx_bytes("Mum was non-compliant.", "All good."))
    assert "<mark>non-compliant</mark>" in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ({}, None, "Paste some words or choose a document first."),
        ({"text": "   "}, None, "Paste some words or choose a document first."),
        ({"text": "x" * 200_001}, None, "more than 200,000 characters"),
        ({}, ("notes.exe", b"MZ\x00\x00"), "Village can read .docx, .pdf, .txt, .md and .html"),
        ({}, ("notes.doc", b"\xd0\xcf\x11\xe0"), "Village can read .docx, .pdf"),
        ({}, ("broken.docx", b"PK\x03\x04 not really"), "Village could not read that file"),
        ({}, ("broken.pdf", b"%PDF-1.4 broken"), "Village could not read that file"),
        ({}, ("binary.txt", b"\x00\x01\x02" * 100), "Village could not read that file"),
        ({}, ("empty.txt", b""), "no words in that file"),
        ({"text": "also words"}, ("notes.txt", b"words"), "not both"),
    ],
)
def test_hostile_input_gets_a_clear_error(
    staff: Client, data: dict[str, str], name: tuple[str, bytes] | None, message: str
) -> None:
    if name:
        data = {**data, "document": SimpleUploadedFile(*name)}  # type: ignore[dict-item]
    page = staff.post(CHECK, data).content.decode()
    assert message in page
    assert "What Village found" not in page


def test_a_file_over_the_limit_is_refused(staff: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    page = _upload(staff, "big.txt", b"a " * (5 * 1024 * 1024 + 1))
    assert "larger than 10 MB" in page


def test_script_in_pasted_words_comes_back_as_plain_text(staff: Client) -> None:
    page = staff.post(CHECK, {"text": "<script>alert(1)</script> non-compliant"}).content
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;" in page


def test_csv_download_is_safe_to_open_in_a_spreadsheet(staff: Client) -> None:
    words = "=HYPERLINK(1) non-compliant\n@SUM hard to reach"
    response = staff.post(DOWNLOAD, {"text": words, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="language-check.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["line", "column", "words"]
    assert [row[2] for row in rows[1:]] == ["non-compliant", "hard to reach"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_json_download_has_every_finding(staff: Client) -> None:
    response = staff.post(DOWNLOAD, {"text": WORDS, "format": "json"})
    findings = json.loads(response.content)["findings"]
    assert [f["text"] for f in findings] == ["non-compliant", "hard to reach"]
    assert findings[0]["alternatives"] and findings[0]["reason"]


def test_a_download_without_words_or_of_an_unknown_kind_is_refused(staff: Client) -> None:
    assert staff.post(DOWNLOAD, {"format": "csv"}).status_code == 400
    assert staff.post(DOWNLOAD, {"text": WORDS, "format": "xlsx"}).status_code == 400
    assert staff.get(DOWNLOAD).status_code == 405
