"""The review pack: `village reviews pack` writes the demo's pack as a PDF and a Word document
that hold every value, every action and the three questions; the command refuses what it
cannot do and writes nothing; the print view and downloads are for the partnership only;
panel figures below the minimum group size stay hidden in the pack."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import docx
import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import LOGIN, MISSING, OK, access_outcome, client_for
from tests.reviews.conftest import Partners, person, rate_panel
from village.demo import demo_load
from village.people.models import Constituency, Partnership, Role
from village.reviews import selectors, services
from village.reviews.models import Panel, Review, Value
from village.reviews.pack import QUESTIONS, review_pack
from village.reviews.pack_render import pack_docx

HOSTILE = "<script>alert(1)</script> =SUM(A1) '; DROP TABLE reviews_action; --"


def _flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return _flat(" ".join(parts))


def _holds_everything(text: str, review: Review) -> None:
    for question in QUESTIONS:
        assert str(question) in text
    for value in Value.objects.filter(version_id=review.version_id):
        assert _flat(value.name) in text
    actions = list(selectors.actions_of(review=review))
    assert actions
    for action in actions:
        assert _flat(action.text) in text


def test_the_demo_pack_from_the_command_line(db: None, tmp_path: Path) -> None:
    partnership, _created = demo_load()
    current, last = selectors.reviews_for(partnership=partnership)
    for review in (last, current):
        for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
            out = tmp_path / f"{review.quarter}.{fmt}"
            call_command(
                "reviews", "pack", "--review", str(review.pk), "--format", fmt, "--out", str(out)
            )
            text = read(out.read_bytes())
            _holds_everything(text, review)
            if review == last:
                assert "rates itself 2 points higher than the family panel does" in text
            else:
                assert f"Carried from {last.quarter}" in text


def _filled(review: Review, partners: Partners, complete: Callable[[Review], None]) -> Review:
    complete(review)
    services.action_add(
        review=review,
        actor=partners.facilitator,
        text=HOSTILE,
        owner_agency=partners.agencies[0],
        due_on=timezone.localdate() + timedelta(days=30),
    )
    return review


def test_command_refuses_what_it_cannot_do_and_writes_nothing(
    review: Review, partners: Partners, complete: Callable[[Review], None], tmp_path: Path
) -> None:
    _filled(review, partners, complete)
    out = tmp_path / "pack.docx"

    def pack(number: str, fmt: str, path: Path, *more: str) -> None:
        call_command(
            "reviews", "pack", "--review", number, "--format", fmt, "--out", str(path), *more
        )

    for number in ("999999", "one", "-1", "1" * 40, "１"):
        with pytest.raises(CommandError, match="There is no review"):
            pack(number, "docx", out)
    for fmt in ("odt", "", "pdf; rm -rf /"):
        with pytest.raises(CommandError, match="must be pdf or docx"):
            pack(str(review.pk), fmt, out)
    with pytest.raises(CommandError, match="There is no folder"):
        pack(str(review.pk), "docx", tmp_path / "missing" / "pack.docx")
    with pytest.raises(CommandError, match="is a folder"):
        pack(str(review.pk), "docx", tmp_path)
    assert list(tmp_path.iterdir()) == []

    out.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists already"):
        pack(str(review.pk), "docx", out)
    assert out.read_bytes() == b"keep me"
    pack(str(review.pk), "DOCX", out, "--force")
    _holds_everything(docx_text(out.read_bytes()), review)


def test_panel_figures_below_the_minimum_stay_hidden(review: Review, partners: Partners) -> None:
    value = Value.objects.get(version_id=review.version_id, key="family-rights")
    for lead in partners.leads:
        assert lead.agency is not None
        services.self_rate(review=review, actor=lead, agency=lead.agency, value=value, score=6)
    rate_panel(review, partners.family[:3], {"family-rights": 1})
    rate_panel(review, partners.frontline[:5], {"family-rights": 6})
    services.ratings_close(review=review, actor=partners.facilitator)

    pack = review_pack(review=review)
    [rights] = [v for v in pack.values if v.key == "family-rights"]
    assert not rights.family.shown and rights.frontline.shown
    assert pack.gaps == ()
    text = docx_text(pack_docx(pack))
    assert rights.family.hidden_because in text
    assert "1 (unsatisfactory)" not in text
    assert "6 (excellent)" in text


@pytest.fixture
def outsider(other_partnership: Partnership) -> object:
    return person(
        other_partnership, "Otto", roles=[Role.FACILITATOR], constituency=Constituency.OTHER
    )


@pytest.mark.parametrize("name", ["pack_print", "pack_pdf", "pack_docx"])
def test_pack_pages_by_role(
    name: str,
    review: Review,
    partners: Partners,
    complete: Callable[[Review], None],
    outsider: object,
) -> None:
    _filled(review, partners, complete)
    url = reverse(f"reviews:{name}", kwargs={"pk": review.pk})
    observer = person(
        partners.partnership, "Obi", roles=[Role.OBSERVER], constituency=Constituency.OTHER
    )
    for member in (
        partners.facilitator,
        partners.leads[1],
        partners.family[3],
        partners.frontline[3],
        observer,
    ):
        response = client_for(member).get(url)
        assert access_outcome(response) == OK, member
    assert access_outcome(client_for(None).get(url)) == LOGIN
    assert access_outcome(client_for(outsider).get(url)) == MISSING  # type: ignore[arg-type]
    missing = reverse(f"reviews:{name}", kwargs={"pk": review.pk + 1000})
    assert access_outcome(client_for(partners.family[3]).get(missing)) == MISSING
    assert client_for(partners.facilitator).post(url).status_code == 405


def test_print_view_holds_everything_and_escapes_what_people_wrote(
    review: Review, partners: Partners, complete: Callable[[Review], None]
) -> None:
    _filled(review, partners, complete)
    response = client_for(partners.family[0]).get(
        reverse("reviews:pack_print", kwargs={"pk": review.pk})
    )
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == Value.objects.filter(version_id=review.version_id).count()
    for question in QUESTIONS:
        assert str(question) in page
    pdf = client_for(partners.family[0]).get(reverse("reviews:pack_pdf", kwargs={"pk": review.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    _holds_everything(pdf_text(pdf.content), review)
    assert str(Panel.FAMILY.label) in pdf_text(pdf.content)
