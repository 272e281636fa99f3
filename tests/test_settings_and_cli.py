"""Settings refuse unsafe production setups; the village command and the demo work."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from village.circles.models import Circle, Phase
from village.demo import DEMO_PASSWORD
from village.people.models import Agency, Member, Role


def _settings_import(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import village.config.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_debug() -> None:
    result = _settings_import(DJANGO_ENV="production", DEBUG="true", SECRET_KEY="s" * 50)
    assert result.returncode != 0 and "DEBUG must be off" in result.stderr


def test_production_refuses_the_development_key() -> None:
    result = _settings_import(DJANGO_ENV="production")
    assert result.returncode != 0 and "Set SECRET_KEY" in result.stderr


def test_production_starts_when_configured() -> None:
    result = _settings_import(DJANGO_ENV="production", SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr


def test_a_web_server_process_builds_the_lens_before_its_first_request() -> None:
    """Found with bench/circle_load.py: built on first use, the lens was built by the first
    posts after a start, in every thread at once, and held every request up for seconds."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import village.config.wsgi\n"
            "from village.engines.lens.matcher import default_matcher\n"
            "print(default_matcher.cache_info().currsize)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


@pytest.mark.django_db
def test_demo_loads_every_role_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    first = capsys.readouterr().out
    call_command("demo")
    second = capsys.readouterr().out
    assert "Loaded" in first and "Already loaded" in second
    assert DEMO_PASSWORD in first and "http://127.0.0.1:8000" in first
    assert Agency.objects.count() == 6
    assert 50 <= Member.objects.count() <= 70  # the pulse demo adds teams of 2-6 staff
    roles = {role for member in Member.objects.all() for role in member.roles}
    assert roles == set(Role.values)
    # The demo's open circle, and a learning space's: both codes are printed.
    open_circles = list(Circle.objects.filter(phase=Phase.REFLECT))
    assert all(circle.join_code in first for circle in open_circles)
    assert any(circle.reflections.count() > 0 for circle in open_circles)
    closed = Circle.objects.get(phase=Phase.ENDED)
    assert closed.themes.filter(dots__gt=0).exists() and closed.actions.exists()


def test_village_command_wraps_django_admin() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "village.cli", "help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "demo" in result.stdout


@pytest.mark.django_db
def test_demo_sign_ins_work_and_admins_give_the_printed_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.core.cache import caches
    from django.test import Client
    from django.urls import reverse

    caches["default"].clear()
    call_command("demo")
    assert "village demo_code" in capsys.readouterr().out
    staff = Client()
    staff.post(reverse("people:login"), {"login": "staff@demo.village", "password": DEMO_PASSWORD})
    assert "Sam Staff" in staff.get(reverse("people:home")).content.decode()
    admin = Client()
    admin.post(reverse("people:login"), {"login": "admin@demo.village", "password": DEMO_PASSWORD})
    call_command("demo_code")
    code = capsys.readouterr().out.split()[0]
    admin.post(reverse("mfa_authenticate"), {"code": code})
    assert admin.get(reverse("people:members")).status_code == 200
