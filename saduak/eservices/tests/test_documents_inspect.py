"""Issue 13, finding 6: uploads are decoded under strict limits
(documents/inspect.py). Each hostile file is made here, small on disk."""

import io
import zlib

import pytest
from django.utils import translation
from PIL import Image, ImageFile

from saduak.core.errors import InvalidInput
from saduak.core.uploads import inspect
from saduak.core.uploads.inspect import upload_inspect
from saduak.core.uploads.sniffing import KINDS
from saduak.eservices.tests.document_fixtures import (
    JPG,
    PAGE_OBJECTS,
    PDF,
    PNG,
    WEBP,
    image_file,
    pdf_file,
    pdf_stream,
    png_of_one_colour,
)

CATALOG, PAGES, PAGE = PAGE_OBJECTS


def deflated_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9)
    megabyte = bytes(1024 * 1024)
    data = b"".join(compressor.compress(megabyte) for _ in range(size // len(megabyte)))
    return data + compressor.flush()


def refusal(content: bytes, kind: str = "pdf") -> InvalidInput:
    stream = io.BytesIO(content)
    with pytest.raises(InvalidInput) as raised, translation.override("en"):
        upload_inspect(stream, kind=KINDS[kind], field="bank_book")
    assert stream.tell() == 0
    assert raised.value.field == "bank_book"
    return raised.value


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "pdf"), (PNG, "png"), (JPG, "jpg"), (WEBP, "webp")],
)
def test_ordinary_documents_and_photos_pass(content: bytes, kind: str) -> None:
    stream = io.BytesIO(content)
    upload_inspect(stream, kind=KINDS[kind], field="bank_book")
    assert stream.tell() == 0


def test_a_png_decompression_bomb_of_20000_by_20000_pixels_is_refused() -> None:
    bomb = png_of_one_colour(20_000)
    assert len(bomb) < 200_000

    error = refusal(bomb, "png")

    assert error.code == "image-too-large"
    assert "400 million pixels" in str(error.message)
    assert error.extra["max_pixels"] == inspect.MAX_IMAGE_PIXELS


def test_an_image_just_over_the_pixel_limit_is_refused_before_it_is_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inspect, "MAX_IMAGE_PIXELS", 64 * 48 - 1)
    assert refusal(PNG, "png").code == "image-too-large"


@pytest.mark.parametrize("after_weasyprint", [False, True])
@pytest.mark.parametrize("pil_format", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused_as_unreadable(
    pil_format: str, after_weasyprint: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Importing WeasyPrint (any PDF rendered in the worker) sets this for
    # the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", after_weasyprint)
    whole = image_file(pil_format, (300, 300))
    kind = {"PNG": "png", "JPEG": "jpg"}[pil_format]

    error = refusal(whole[: len(whole) // 2], kind)

    assert error.code == "file-unreadable"
    assert "Save or scan it again" in str(error.message)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is after_weasyprint


def test_an_animated_image_is_refused() -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    assert refusal(buffer.getvalue(), "png").code == "image-animated"


def test_a_pdf_whose_stream_inflates_past_the_limit_is_refused() -> None:
    inflated = inspect.MAX_STREAM_BYTES + 1024 * 1024
    content = pdf_file(
        [*PAGE_OBJECTS, pdf_stream(deflated_zeros(inflated), b"/Filter /FlateDecode")]
    )
    assert len(content) < 200_000

    error = refusal(content)

    assert error.code == "pdf-too-large-inside"
    assert "40 MB" in str(error.message)


def test_a_pdf_whose_streams_inflate_past_the_total_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inspect, "MAX_PDF_DECODED_BYTES", 3 * 1024 * 1024)
    two_mb = pdf_stream(deflated_zeros(2 * 1024 * 1024), b"/Filter /FlateDecode")
    assert refusal(pdf_file([*PAGE_OBJECTS, two_mb, two_mb])).code == (
        "pdf-too-large-inside"
    )


def test_a_pdf_with_javascript_run_on_opening_is_refused() -> None:
    content = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
            PAGES,
            PAGE,
            pdf_stream(b"BT ET"),
            b"<< /Type /Action /S /JavaScript /JS (app.alert('hello')) >>",
        ]
    )
    error = refusal(content)
    assert error.code == "pdf-active-content"
    assert "Print it to a new PDF" in str(error.message)


@pytest.mark.parametrize(
    ("objects", "what"),
    [
        # JavaScript in the document's name tree, run by the viewer.
        (
            [
                b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 5 0 R >> >>",
                PAGES,
                PAGE,
                pdf_stream(b""),
                b"<< /Names [(x) << /S /JavaScript /JS (1) >>] >>",
            ],
            "JavaScript",
        ),
        # A link that launches a program.
        (
            [
                CATALOG,
                PAGES,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Annots [5 0 R] >>",
                pdf_stream(b""),
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                b"/A << /S /Launch /F (cmd.exe) >> >>",
            ],
            "launching a program",
        ),
        # The same, its action type given by reference.
        (
            [
                CATALOG,
                PAGES,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Annots [5 0 R] >>",
                pdf_stream(b""),
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                b"/A << /S 6 0 R /F (cmd.exe) >> >>",
                b"/Launch",
            ],
            "launching a program",
        ),
        # JavaScript behind names spelled with #-escapes (/J#53 is /JS).
        (
            [
                b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names "
                b"[(x) << /S /J#61vaScript /J#53 (1) >>] >> >> >>",
                PAGES,
                PAGE,
            ],
            "JavaScript",
        ),
        # An attached file.
        (
            [
                b"<< /Type /Catalog /Pages 2 0 R "
                b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >> >>",
                PAGES,
                PAGE,
                pdf_stream(b""),
                b"<< /Type /Filespec /F (a.exe) >>",
            ],
            "embedded files",
        ),
        # An XFA form.
        (
            [
                b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 4 0 R >> >>",
                PAGES,
                PAGE,
                pdf_stream(b"<xdp:xdp/>"),
            ],
            "an XFA form",
        ),
        # An action on opening that is not going to a page.
        (
            [
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Named "
                b"/N /Print >> >>",
                PAGES,
                PAGE,
            ],
            "an action that runs when the file is opened",
        ),
    ],
)
def test_a_pdf_with_active_content_is_refused_naming_it(
    objects: list[bytes], what: str
) -> None:
    error = refusal(pdf_file(objects))
    assert error.code == "pdf-active-content"
    assert error.extra["active_content"] == what
    assert what in str(error.message)


def test_a_pdf_that_opens_at_its_first_page_passes() -> None:
    content = pdf_file(
        [b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGES, PAGE]
    )
    upload_inspect(io.BytesIO(content), kind=KINDS["pdf"], field="bank_book")


def test_a_pdf_with_too_many_pages_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inspect, "MAX_PDF_PAGES", 2)
    pages = [
        b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>",
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>"] * 3,
    ]
    error = refusal(pdf_file([CATALOG, *pages]))
    assert error.code == "pdf-too-many-pages"
    assert error.extra["max_pages"] == 2


def test_a_pdf_image_declaring_too_many_pixels_is_refused_without_decoding() -> None:
    image = pdf_stream(
        b"\xff\xd8\xff\xd9",
        b"/Type /XObject /Subtype /Image /Width 30000 /Height 30000 "
        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode",
    )
    assert refusal(pdf_file([*PAGE_OBJECTS, image])).code == "image-too-large"


def test_a_password_protected_pdf_is_refused() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert refusal(buffer.getvalue()).code == "pdf-encrypted"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 8,  # a PDF header and nothing else
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",  # no pages, no xref
    ],
)
def test_what_only_looks_like_a_pdf_is_refused_as_unreadable(content: bytes) -> None:
    assert refusal(content).code == "file-unreadable"


def test_a_heic_photo_is_not_decoded() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x03" * 200
    upload_inspect(io.BytesIO(heic), kind=KINDS["heic"], field="photos")
