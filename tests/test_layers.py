"""The order of the apps (docs/layout.md, "Layers") is held by import-linter's
contracts in pyproject.toml. `make lint` runs them; these tests make sure that no
app is left out of them (a new app must be given its place) and that they hold
when only pytest runs (CI's PostgreSQL run)."""

import pkgutil
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

import saduak

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _apps() -> set[str]:
    return {
        f"saduak.{module.name}"
        for module in pkgutil.iter_modules(saduak.__path__)
        if module.ispkg
    }


def test_every_app_has_its_place_in_the_layers():
    layers = _contracts()["apps-in-layers"]["layers"]
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    assert layered == _apps()


def test_the_service_apps_are_the_ones_of_the_service_layer():
    layers = _contracts()["apps-in-layers"]["layers"]
    service_layer = next(layer for layer in layers if "saduak.eservices" in layer)
    independent = _contracts()["service-apps-independent"]["modules"]
    assert {name.strip() for name in service_layer.split("|")} == set(independent)


def test_the_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == 0
