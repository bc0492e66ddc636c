from bench.run import parse_args
from bench.server import PG_BENCH_DB


def test_the_bench_database_is_named_by_option_or_environment(monkeypatch):
    monkeypatch.delenv("BENCH_PG_DB", raising=False)
    assert parse_args([]).pg_db == PG_BENCH_DB
    assert parse_args(["--pg-db", "saduak_bench_rows"]).pg_db == "saduak_bench_rows"
    monkeypatch.setenv("BENCH_PG_DB", "saduak_bench_other")
    assert parse_args([]).pg_db == "saduak_bench_other"
