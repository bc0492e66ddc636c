"""The bench app: what only the benchmark's server has (bench/app/), and that
the project's own settings and URLs do not have it."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import Resolver404, resolve

from bench.app.management.commands import (
    eservices_generate_applications,
    feedback_generate_votes,
)
from bench.app.views import upload_plain
from saduak.areas.models import Office
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Application
from saduak.feedback.models import OfficeDayHappiness, Vote

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BENCH_COMMANDS = (
    "collection_generate",
    "complaints_generate",
    "eservices_generate_applications",
    "feedback_generate_votes",
    "performance_generate",
)
PDF = b"%PDF-1.4\n% a stand-in\n%%EOF\n"


def test_the_upload_baseline_is_routed_only_by_the_bench_urlconf():
    assert resolve("/bench/upload-plain/", urlconf="bench.app.urls").func is (
        upload_plain
    )
    # The project's own pages are all still there behind the bench's URLconf.
    assert resolve("/healthz/ping", urlconf="bench.app.urls").url_name == (
        resolve("/healthz/ping", urlconf="config.urls").url_name
    )
    progress = "/bench/collection-progress/0b9d0b9d-0b9d-4b9d-8b9d-0b9d0b9d0b9d/"
    assert resolve(progress, urlconf="bench.app.urls").url_name == (
        "bench-collection-progress"
    )
    for path in (
        "/bench/upload-plain/",
        "/eservices/documents/bench/upload-plain/",
        progress,
    ):
        with pytest.raises(Resolver404):
            resolve(path, urlconf="config.urls")


@pytest.mark.django_db
def test_the_project_answers_404_for_the_upload_baseline():
    response = Client().post(
        "/bench/upload-plain/", {"file": SimpleUploadedFile("a", PDF)}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_upload_baseline_stores_the_bytes_unencrypted(settings, tmp_path):
    settings.ROOT_URLCONF = "bench.app.urls"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client = Client()
    assert client.post("/bench/upload-plain/", {}).status_code == 400
    response = client.post(
        "/bench/upload-plain/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 201
    assert response.json()["size"] == len(PDF)
    (on_disk,) = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert on_disk.read_bytes() == PDF


def _commands_under(settings_module: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": "a-bench-test-secret-key-that-is-long-enough-0123456789",
        "ESERVICES_MASTER_KEYS": "t:" + "A" * 43 + "=",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_only_the_bench_settings_have_the_bulk_loaders():
    bench = _commands_under("bench.app.settings").split()
    production = _commands_under("config.settings.production").split()
    for command in BENCH_COMMANDS:
        assert command in bench
        assert command not in production
    assert "migrate" in production


@pytest.mark.django_db
def test_the_vote_loader_reports_what_it_made(small_map):
    out = StringIO()
    command = feedback_generate_votes.Command()
    call_command(
        command,
        "--votes=250",
        "--days=14",
        "--end=2026-03-31",
        "--seed=12",
        "--replace",
        stdout=out,
    )
    assert Vote.objects.count() == 250
    report = out.getvalue()
    assert "250 votes for 9 offices from 2026-03-18 to 2026-03-31" in report
    assert f"{OfficeDayHappiness.objects.count()} day" in report
    with pytest.raises(CommandError, match="seed 12"):
        call_command(feedback_generate_votes.Command(), "--votes=5", "--seed=12")


@pytest.mark.django_db
def test_the_application_loader_fills_the_focus_stage(small_map):
    focus = Office.objects.filter(kind="district_office").order_by("code").first()
    assert focus is not None
    out = StringIO()
    call_command(
        eservices_generate_applications.Command(),
        "--count=30",
        "--offices=2",
        f"--focus-office={focus.code}",
        "--focus-stage=intake",
        "--focus-count=12",
        stdout=out,
    )
    assert out.getvalue().strip() == "30"
    assert Application.objects.count() == 30
    at_focus = Application.objects.filter(office=focus, stage="intake")
    assert at_focus.count() >= 12
    assert set(Application.objects.values_list("status", flat=True)) <= {
        ApplicationStatus.IN_PROGRESS,
        ApplicationStatus.RETURNED,
    }
    with pytest.raises(CommandError, match="No stage"):
        call_command(
            eservices_generate_applications.Command(),
            "--count=1",
            "--focus-stage=nowhere",
        )
