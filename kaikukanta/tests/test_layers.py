"""The layers contract in pyproject.toml holds, and it names every app: drop any layer line and it breaks."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def _layer_lines(text: str) -> list[str]:
    block = re.search(r"layers = \[\n(.*?)\n\]", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def _lint(tmp_path: Path, config: str) -> subprocess.CompletedProcess:
    path = tmp_path / "layers.toml"
    path.write_text(config)
    return subprocess.run(
        [str(LINT_IMPORTS), str(path), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )


def test_the_layers_name_the_apps_top_to_bottom():
    lines = [line.strip().strip('",') for line in _layer_lines((ROOT / "pyproject.toml").read_text())]
    assert lines == [
        "kaikukanta", "devdata | public", "reports", "counter | access", "bookings", "cards", "venues | distributors",
        "regions", "core",
    ]


@pytest.mark.parametrize("index", range(9))
def test_removing_any_layer_line_breaks_the_contract(tmp_path, index):
    text = (ROOT / "pyproject.toml").read_text()
    line = _layer_lines(text)[index]
    result = _lint(tmp_path, text.replace(line + "\n", "", 1))
    assert result.returncode == 1, result.stdout
    assert "Every app must be in a layer; not in any:" in result.stdout


def test_the_contract_holds():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
