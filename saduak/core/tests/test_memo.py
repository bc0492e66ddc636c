"""core/memo.py: the process memo, once-per-process answers, and the rule that
every other memo in saduak/ is a pure function's (docs/layout.md)."""

import ast
from pathlib import Path

import time_machine

from saduak.core.memo import ProcessMemo, clear_all_memos, once_per_process

SADUAK = Path(__file__).resolve().parents[2]

# Every functools.cache / lru_cache in saduak/, with why it is pure (rule 1):
# built only from its arguments and from code. A memo of something read from
# the database, the cache or the settings belongs in core/memo.py instead.
PURE_MEMOS = {
    # SQL text from model and column names for one database alias.
    ("core/rows.py", "_layout"),
    ("core/rows.py", "_insert_values_sql"),
    ("feedback/sql.py", "cast_counted_sql"),
    ("feedback/sql.py", "rollup_move_sql"),
    ("feedback/sql.py", "vote_upsert_sql"),
    # Parsing what the arguments hold (the settings' values are passed in).
    ("core/uploads/crypto.py", "_master_keys"),
    ("identity/oidc/keys.py", "jwk_from_pem"),
    # A key file named by its path, parsed once (a new key means a restart).
    ("audit/keys.py", "_private_key_from"),
    ("audit/keys.py", "_public_key_from"),
    # A word list shipped with pythainlp.
    ("feedback/selectors/words.py", "_stopwords"),
    # A data file shipped with the code, named by its path (the GECC standard's
    # criteria): a new file comes with a new release.
    ("performance/services/gecc.py", "criteria_from_file"),
    # The default screening rules shipped with the code (social/data/).
    ("social/services/rules.py", "default_rules"),
}
# Module-level dicts written by functions that are registries, not caches.
REGISTRIES = {
    ("notifications/templates.py", "_REGISTRY"),
    ("core/measures.py", "_SOURCES"),
    ("core/referral_targets.py", "_TARGET"),
}
MEMO_DECORATORS = ("functools.cache", "functools.lru_cache", "cache", "lru_cache")


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SADUAK.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts):
            continue
        found.append((path.relative_to(SADUAK).as_posix(), ast.parse(path.read_text())))
    return found


def _is_memo(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in MEMO_DECORATORS


def test_every_functools_memo_is_a_listed_pure_function():
    memos = {
        (name, node.name)
        for name, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(_is_memo(decorator) for decorator in node.decorator_list)
    }
    assert memos, "the scan found no memo at all: is it looking in saduak/?"
    assert memos <= PURE_MEMOS, (
        f"not listed as pure: {sorted(memos - PURE_MEMOS)}; see core/memo.py"
    )


def test_no_module_level_dict_is_used_as_a_cache():
    written = set()
    for name, tree in _sources():
        empty_dicts = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Dict)
            and not node.value.keys
            for target in (
                node.targets if isinstance(node, ast.Assign) else [node.target]
            )
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in empty_dicts
            ):
                written.add((name, node.value.id))
    assert written <= REGISTRIES, f"use core/memo.py: {sorted(written - REGISTRIES)}"


def test_an_answer_is_remembered_until_it_expires():
    memo = ProcessMemo(seconds=60)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        memo.set("k", "v")
        traveller.shift(59)
        assert memo.get("k") == "v"
        traveller.shift(2)
        assert memo.get("k") is None


def test_a_shorter_life_is_kept_but_never_a_longer_one():
    memo = ProcessMemo(seconds=10)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        memo.set("short", 1, seconds=2)
        memo.set("long", 2, seconds=1000)
        traveller.shift(3)
        assert memo.get("short") is None
        assert memo.get("long") == 2
        traveller.shift(8)
        assert memo.get("long") is None
    memo.set("never", 3, seconds=0)
    assert memo.get("never") is None


def test_the_oldest_go_first_when_full():
    memo = ProcessMemo(seconds=60, size=2)
    memo.set("a", 1)
    memo.set("b", 2)
    memo.set("a", 3)  # a is now the newest
    memo.set("c", 4)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (3, None, 4)


def test_get_or_set_computes_once_and_never_remembers_none():
    memo = ProcessMemo(seconds=60)
    calls: list[str] = []

    def compute() -> str:
        calls.append("x")
        return "answer"

    assert memo.get_or_set("k", compute) == "answer"
    assert memo.get_or_set("k", compute) == "answer"
    assert calls == ["x"]
    assert memo.get_or_set("none", lambda: None) is None
    assert memo.get("none") is None
    memo.forget("k")
    assert memo.get_or_set("k", compute) == "answer"
    assert calls == ["x", "x"]


def test_clear_all_memos_forgets_process_memos_and_once_per_process_answers():
    memo = ProcessMemo(seconds=60)
    reads: list[int] = []

    @once_per_process
    def read() -> int:
        reads.append(1)
        return len(reads)

    memo.set("k", "v")
    assert (read(), read()) == (1, 1)
    clear_all_memos()
    assert memo.get("k") is None
    assert read() == 2
