"""Reading a PDF the way a person does: its pages rendered to images
(pdftoppm, Debian's poppler-utils) and read back by Tesseract with its Thai and
English data (tesseract-ocr, tesseract-ocr-tha). Text extracted from a PDF is
not enough: a PDF can carry the right text while drawing the wrong glyphs.

Without those tools the tests skip, unless SADUAK_REQUIRE_OCR is set (CI
installs them and sets it), and then they fail."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = ("pdftoppm", "tesseract")


def _tools_ready() -> bool:
    if not all(shutil.which(tool) for tool in TOOLS):
        return False
    languages = subprocess.run(  # noqa: S603
        ["tesseract", "--list-langs"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return "tha" in languages and "eng" in languages


def read_as_printed(pdf: bytes, *, resolution: int = 150) -> str:
    """What the PDF's pages say when looked at, with white space removed (OCR
    spaces words unevenly, Thai does not space them at all)."""
    if not _tools_ready():
        message = "needs pdftoppm and tesseract with Thai (apt-get install " + (
            "poppler-utils tesseract-ocr tesseract-ocr-tha)"
        )
        if os.environ.get("SADUAK_REQUIRE_OCR"):
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", str(resolution), "-png", str(source), f"{folder}/page"],  # noqa: S607
            check=True,
        )
        pages = []
        for image in sorted(Path(folder).glob("page*.png")):
            pages.append(
                subprocess.run(  # noqa: S603
                    ["tesseract", str(image), "-", "-l", "tha+eng"],  # noqa: S607
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
    return "".join("".join(pages).split())
