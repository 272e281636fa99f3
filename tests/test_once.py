"""One-time form tokens: concurrent and repeated posts of one form create once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from village.once import run_once

TOKEN = "k" * 22


def _post(token: str = TOKEN, **fields: str) -> object:
    return RequestFactory().post("/circles/c/ABCD2345/reflect/", {"form_token": token, **fields})


def test_ten_simultaneous_posts_of_one_form_create_once() -> None:
    """Finding: 10 simultaneous submits of one reflection stored 10 copies."""
    created: list[int] = []
    lock = threading.Lock()

    def create() -> HttpResponse:
        time.sleep(0.2)  # a slow save: the other nine arrive while it runs
        with lock:
            created.append(1)
        return HttpResponseRedirect("/circles/c/ABCD2345/")

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(
            pool.map(lambda _n: run_once(_post(text="Same words"), create), range(10))  # type: ignore[arg-type]
        )
    assert len(created) == 1
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {"/circles/c/ABCD2345/"}


def test_a_failed_save_frees_the_token_for_sending_again() -> None:
    calls: list[str] = []

    def fail() -> HttpResponse:
        calls.append("fail")
        raise ConnectionError("database unreachable")

    def save() -> HttpResponse:
        calls.append("save")
        return HttpResponseRedirect("/saved/")

    with pytest.raises(ConnectionError):
        run_once(_post(text="Words"), fail)  # type: ignore[arg-type]
    assert run_once(_post(text="Words"), save).status_code == 302  # type: ignore[arg-type]
    assert run_once(_post(text="Words"), save)["Location"] == "/saved/"  # type: ignore[arg-type]
    assert calls == ["fail", "save"]


def test_a_form_error_frees_the_token() -> None:
    calls: list[int] = []

    def refuse() -> HttpResponse:
        calls.append(1)
        return HttpResponse("There is a problem")

    run_once(_post(text=""), refuse)  # type: ignore[arg-type]
    run_once(_post(text=""), refuse)  # type: ignore[arg-type]
    assert calls == [1, 1]


def test_different_forms_on_one_page_are_told_apart() -> None:
    calls: list[str] = []

    def save() -> HttpResponse:
        calls.append("save")
        return HttpResponseRedirect("/done/")

    run_once(_post(instrument="cbi"), save)  # type: ignore[arg-type]
    run_once(_post(instrument="swemwbs"), save)  # type: ignore[arg-type]
    assert calls == ["save", "save"]
