"""The "words that help" page: open to everyone, every term explained with its sources, and
linked from every hints panel."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import client_for
from village.engines.lens import default_vocabulary
from village.people.models import Role

pytestmark = pytest.mark.django_db

WORDS = reverse("language:words")


@pytest.mark.parametrize("role", [None, *Role.values])
def test_everyone_may_read_it(role: str | None, make_member: Any) -> None:
    client = client_for(make_member(role)) if role else Client()
    assert client.get(WORDS).status_code == 200


def test_it_is_only_read() -> None:
    assert Client().post(WORDS).status_code == 405


def test_every_term_is_explained_with_its_sources() -> None:
    page = Client().get(WORDS).content.decode()
    for term in default_vocabulary().terms:
        assert f'id="{term.id}"' in page
        assert f'href="#{term.id}"' in page
        for source in term.sources:
            assert escape(source.title) in page
    for wanted in (
        "co-regulation",
        "dissociation",
        "discombobulation",
        "repairing rupture",
        "safe debrief",
        "holding (in mind)",
        "softening and soothing",
    ):
        assert wanted in page


def test_hints_point_to_it() -> None:
    page = Client().post(reverse("language:hints"), {"text": "hard to reach"}).content.decode()
    assert f'href="{WORDS}"' in page


def test_every_page_links_to_it_and_members_see_the_document_check(make_member: Any) -> None:
    guest_page = Client().get(reverse("people:home")).content.decode()
    assert f'href="{WORDS}"' in guest_page
    assert f'href="{reverse("language:check")}"' not in guest_page
    member_page = client_for(make_member(Role.STAFF)).get(reverse("people:home")).content
    assert f'href="{reverse("language:check")}"'.encode() in member_page
