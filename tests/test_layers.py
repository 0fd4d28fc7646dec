"""The one-way stack of apps (docs/architecture.md) holds: import-linter's contract in pyproject.toml, run
as CI runs it, over the code as it is. A new import from a lower app to a higher one fails here, with
import-linter's account of the offending line."""

import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_apps_import_only_the_apps_below_them():
    lint_imports = pathlib.Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_lists_every_app_of_the_portal():
    """An app left out of the contract would be free to import anything: every folder with an apps.py is in
    it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    layers = {name.strip() for layer in config["contracts"][0]["layers"] for name in layer.split("|")}
    assert apps <= set(config["root_packages"]) == layers
