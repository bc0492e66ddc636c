import io

import pytest

from saduak.core.errors import InvalidInput
from saduak.core.uploads import sniffing
from saduak.eservices.tests.document_fixtures import (
    ELF,
    EXE,
    HEIC,
    JPG,
    PDF,
    PNG,
    SCRIPT,
    WEBP,
    ZIP,
)

EVERY_KIND = ["pdf", "jpg", "png", "webp", "heic"]


@pytest.mark.parametrize(
    ("content", "name", "mime"),
    [
        (PDF, "pdf", "application/pdf"),
        (JPG, "jpg", "image/jpeg"),
        (PNG, "png", "image/png"),
        (WEBP, "webp", "image/webp"),
        (HEIC, "heic", "image/heic"),
    ],
)
def test_each_allowed_kind_is_recognised_by_its_content(content, name, mime):
    kind = sniffing.kind_of_upload(io.BytesIO(content), allowed=EVERY_KIND, field="f")
    assert (kind.name, kind.mime) == (name, mime)


@pytest.mark.parametrize(
    "content",
    [EXE, ELF, ZIP, SCRIPT, b"", b"just some text", b"<html><script>"],
    ids=["exe", "elf", "zip", "script", "empty", "text", "html"],
)
def test_executables_archives_scripts_and_unknown_content_are_refused(content):
    with pytest.raises(InvalidInput) as refused:
        sniffing.kind_of_upload(io.BytesIO(content), allowed=EVERY_KIND, field="doc")
    assert refused.value.code == "file-type"
    assert refused.value.field == "doc"
    assert "PDF, JPG, PNG, WebP, HEIC" in str(refused.value.message)
    assert refused.value.extra == {"allowed_types": EVERY_KIND}


def test_a_kind_we_know_but_the_field_does_not_allow_is_refused():
    with pytest.raises(InvalidInput, match="PDF") as refused:
        sniffing.kind_of_upload(io.BytesIO(PNG), allowed=["pdf"], field="doc")
    assert "PNG" not in str(refused.value.message)


def test_the_stream_is_left_at_its_start_for_what_reads_it_next():
    stream = io.BytesIO(PDF)
    stream.read(5)
    sniffing.kind_of_upload(stream, allowed=["pdf"], field="doc")
    assert stream.tell() == 0


def test_a_field_allowing_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="exe"):
        sniffing.kind_of_upload(io.BytesIO(PDF), allowed=["pdf", "exe"], field="f")
    assert sniffing.unknown_kinds(["pdf", "svg", "docx"]) == ["svg", "docx"]


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("scan.pdf", "pdf", "scan.pdf"),
        ("SCAN.PDF", "pdf", "SCAN.PDF"),
        ("photo.jpeg", "jpg", "photo.jpeg"),
        ("photo.heif", "heic", "photo.heif"),
        ("setup.exe", "pdf", "setup.exe.pdf"),
        ("no extension", "png", "no extension.png"),
        (".pdf", "pdf", ".pdf.pdf"),
    ],
)
def test_a_file_keeps_its_name_with_the_extension_of_what_it_really_is(
    name, kind, expected
):
    assert sniffing.name_for_kind(name, sniffing.KINDS[kind]) == expected
