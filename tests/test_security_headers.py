"""Content-Security-Policy with no inline script or style, and HTTPS in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import village

TEMPLATES = sorted(Path(village.__file__).parent.rglob("templates/**/*.html"))
PRODUCTION_CHECK = """
import django
django.setup()
from django.test import Client, override_settings
from django.conf import settings
assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
plain = Client().get("/circles/join/")
print("http", plain.status_code, plain.get("Location", ""))
storage = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storage):
    secure = Client().get("/circles/join/", secure=True)
cookie = secure.cookies["csrftoken"]
print("https", secure.status_code, "secure" if cookie["secure"] else "not secure")
print("hsts", secure.get("Strict-Transport-Security", ""))
"""


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/circles/join/", "/sign-in/", "/no-such-page/"])
def test_every_page_has_a_strict_content_security_policy(url: str) -> None:
    """Finding: there was no Content-Security-Policy."""
    policy = Client().get(url)["Content-Security-Policy"]
    parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
    directives = {name: value for name, value in parts}
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_has_inline_script_style_or_event_handlers(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "inline <style>"
    assert not re.search(r"\sstyle=", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert not re.search(r"\shx-on", text), "hx-on needs eval"


def test_htmx_is_told_not_to_add_inline_styles_or_eval() -> None:
    base = (Path(village.__file__).parent / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base


def test_production_redirects_to_https_and_secures_cookies() -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment.update(
        DJANGO_ENV="production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="village.config.settings",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite://:memory:"),
    )
    result = subprocess.run(  # noqa: S603 (this interpreter, this file's own script)
        [sys.executable, "-c", PRODUCTION_CHECK],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["http"] == "301 https://testserver/circles/join/"
    assert lines["https"] == "200 secure"
    assert lines["hsts"].startswith("max-age=31536000")
