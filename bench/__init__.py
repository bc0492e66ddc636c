"""Load benchmarks: start the real server, drive it from another process, compare
every scenario with `/healthz/ping` measured in the same run. See bench/README.md."""
