"""Every `transaction.on_commit` in the code runs its callback with robust=True.

A callback runs after the change has committed: if it raises, the change is made
but the caller gets a 500 and the callbacks queued after it never run. With
robust=True Django logs the error and carries on. A callback that must not be
robust says why on the line of the call or the line above it:
`# on_commit not robust: <reason>`.

The callback is a function or a lambda, never a functools.partial: Django (5.2)
logs a robust callback's error with the callback's __qualname__, which a partial
lacks, so the logging itself raises and the callback is not robust after all.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "saduak", ROOT / "config"]
EXCUSE = "on_commit not robust:"


def source_files() -> list[Path]:
    return sorted(
        path
        for folder in SOURCES
        for path in folder.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and "migrations" not in path.parts
    )


def is_on_commit(call: ast.Call) -> bool:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr == "on_commit"
    return isinstance(function, ast.Name) and function.id == "on_commit"


def is_robust(call: ast.Call) -> bool:
    return not is_partial(call) and any(
        keyword.arg == "robust"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in call.keywords
    )


def is_partial(call: ast.Call) -> bool:
    """Whether the callback is `partial(...)` or `functools.partial(...)`."""
    callback = call.args[0] if call.args else None
    if not isinstance(callback, ast.Call):
        return False
    function = callback.func
    name = function.attr if isinstance(function, ast.Attribute) else None
    if isinstance(function, ast.Name):
        name = function.id
    return name == "partial"


def excused(lines: list[str], line_number: int) -> bool:
    nearby = lines[max(line_number - 2, 0) : line_number]
    return any(EXCUSE in line for line in nearby)


def fragile_on_commits(path: Path, text: str) -> list[str]:
    """`path:line` of each on_commit call without robust=True nor an excuse."""
    lines = text.splitlines()
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(ast.parse(text, filename=str(path)))
        if isinstance(node, ast.Call)
        and is_on_commit(node)
        and not is_robust(node)
        and not excused(lines, node.lineno)
    ]


def test_every_on_commit_in_the_code_is_robust():
    found = [
        place
        for path in source_files()
        for place in fragile_on_commits(path, path.read_text(encoding="utf-8"))
    ]

    assert found == [], (
        "transaction.on_commit without robust=True, or with a functools.partial "
        f"(add robust=True and use a lambda, or give the reason in a comment "
        f"'# {EXCUSE} ...'): {found}"
    )


def test_the_scan_finds_the_calls_it_must_refuse():
    """The check itself: it can fail."""
    text = (
        "from django.db import transaction\n"
        "from django.db.transaction import on_commit\n"
        "transaction.on_commit(lambda: None)\n"
        "on_commit(print)\n"
        "transaction.on_commit(print, robust=False)\n"
        "transaction.on_commit(print, robust=True)\n"
        f"# {EXCUSE} it must fail the request\n"
        "transaction.on_commit(print)\n"
        "transaction.on_commit(partial(print, 1), robust=True)\n"
    )

    found = fragile_on_commits(ROOT / "saduak" / "example.py", text)

    assert found == [
        "saduak/example.py:3",
        "saduak/example.py:4",
        "saduak/example.py:5",
        "saduak/example.py:9",
    ]


@pytest.mark.parametrize("folder", SOURCES)
def test_the_scan_reads_the_code(folder):
    assert any(path.is_relative_to(folder) for path in source_files())


@pytest.mark.django_db(transaction=True)
def test_a_robust_partial_callback_is_not_robust_in_this_django():
    """Why the scan refuses partials: if a Django release fixes this, the test
    says so and the rule can go. Outside a transaction Django runs the callback
    at once, through the same robust path as after a commit."""
    from functools import partial

    from django.db import transaction

    def fail(reason: str) -> None:
        raise RuntimeError(reason)

    transaction.on_commit(lambda: fail("storage down"), robust=True)  # logged only
    with pytest.raises(AttributeError, match="__qualname__"):
        transaction.on_commit(partial(fail, "storage down"), robust=True)
