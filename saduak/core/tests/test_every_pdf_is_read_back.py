"""Every PDF the product makes is read back as printed (rendered and read by
Tesseract, `pdf_reading.read_as_printed`), not only as extracted text. A module
that starts making PDFs fails here until it is listed with the test that reads
its PDFs."""

import ast
from pathlib import Path

SADUAK = Path(__file__).resolve().parents[2]

# module that calls core.pdf.pdf_from_template -> the test file that reads its PDFs
READ_BACK_BY = {
    "feedback/posters.py": "feedback/tests/test_views.py",
    "identity/data_rights.py": "identity/tests/test_data_rights.py",
    "eservices/minutes.py": "eservices/tests/test_minutes.py",
    "performance/reports/pdf.py": "performance/tests/test_reports_pdf.py",
    "performance/letters/pdf.py": "performance/tests/test_letters.py",
    "performance/reports/collection_pdf.py": "performance/tests/test_collection_files.py",
}


def _calls_pdf_from_template(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            called = node.func
            name = getattr(called, "id", None) or getattr(called, "attr", None)
            if name == "pdf_from_template":
                return True
    return False


def _pdf_making_modules() -> set[str]:
    found = set()
    for path in SADUAK.rglob("*.py"):
        relative = path.relative_to(SADUAK).as_posix()
        if "/tests/" in f"/{relative}" or relative == "core/pdf.py":
            continue
        if _calls_pdf_from_template(path.read_text(encoding="utf-8")):
            found.add(relative)
    return found


def test_every_module_that_makes_a_pdf_is_listed_with_its_reading_test():
    assert _pdf_making_modules() == set(READ_BACK_BY)


def test_each_listed_test_reads_the_pdf_as_printed():
    for test_file in READ_BACK_BY.values():
        source = (SADUAK / test_file).read_text(encoding="utf-8")
        assert "read_as_printed(" in source, test_file


def test_the_scan_finds_a_call_however_it_is_imported():
    assert _calls_pdf_from_template("pdf.pdf_from_template('a.html', {})")
    assert _calls_pdf_from_template("pdf_from_template('a.html', {})")
    assert not _calls_pdf_from_template("render_to_string('a.html', {})")
