from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench.app"
    label = "bench"
    verbose_name = "Benchmark tools"
