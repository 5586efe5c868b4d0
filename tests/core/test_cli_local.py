"""The `tandem` command after `make run`: the local demo's marker, and `tandem whycheck compare`
needing no key, no database and no data directory (docs/configuration.md, "The local demo marker")."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tandem import cli
from tandem.core.demo import local_marker_write
from tests.core.conftest import bare_env, copy_installation, run_tandem

# Each test starts `tandem` in a folder of its own, as a new shell would: never the test database.
pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "data" / "whycheck_pairs.jsonl"


def tandem(*args: str, cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """``tandem args`` as a new shell in ``cwd`` runs it (no Tandem variable but ``variables``)."""
    return run_tandem(*args, env_vars=bare_env(**variables), cwd=cwd, timeout=180)


def demo_mode(cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """`tandem shell` printing whether demo mode is on (it fails in production without a key)."""
    code = "from django.conf import settings; print('DEMO', settings.DEMO)"
    return tandem("shell", "--no-imports", "-c", code, cwd=cwd, **variables)


def write_marker(folder: Path, text: str = "TANDEM_DEMO=true\n", mode: int = 0o600) -> Path:
    data_dir = folder / "var"
    data_dir.mkdir(mode=0o700, exist_ok=True)
    marker = data_dir / cli.LOCAL_MARKER
    marker.write_text(text, encoding="utf-8")
    marker.chmod(mode)
    return marker


# --- After `make run`: a new shell in the same folder -------------------------------------------


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory, demo_installation: Path) -> Path:
    """A folder set up as `make run` does: `tandem upgrade` and `tandem demo` in demo mode (a copy of
    ``demo_installation``, which ran them)."""
    return copy_installation(demo_installation, tmp_path_factory.mktemp("checkout"))


@pytest.mark.slow
def test_the_demo_leaves_a_private_marker_that_switches_on_demo_mode_only(demo_folder: Path) -> None:
    marker = demo_folder / "var" / cli.LOCAL_MARKER
    assert stat.S_IMODE(marker.stat().st_mode) == 0o600
    assert cli.local_marker_read(marker) == {"TANDEM_DEMO": "true"}


@pytest.mark.slow
def test_a_new_shell_in_the_folder_creates_an_api_token_without_any_tandem_variable(
    demo_folder: Path,
) -> None:
    done = tandem("token", "create", "--email", "owner@example.com", "--org", "demo", cwd=demo_folder)
    assert done.returncode == 0, done.stderr
    (token,) = done.stdout.split()
    assert token.startswith("tdm_")
    assert "TANDEM_SECRET_KEY" not in done.stderr


@pytest.mark.slow
def test_a_new_shell_uses_the_demo_secret_key_not_a_new_one(demo_folder: Path) -> None:
    kept = (demo_folder / "var" / "secret_key").read_text(encoding="utf-8").strip()
    code = "from django.conf import settings; print('KEY', settings.SECRET_KEY)"
    done = tandem("shell", "--no-imports", "-c", code, cwd=demo_folder)
    assert done.returncode == 0, done.stderr
    assert f"KEY {kept}" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "variables",
    [{"TANDEM_DEMO": "false"}, {"TANDEM_DEBUG": "false"}, {"TANDEM_DATA_DIR": "elsewhere"}],
    ids=["demo-off", "debug-off", "another-data-dir"],
)
def test_explicit_variables_win_over_the_marker(demo_folder: Path, variables: dict[str, str]) -> None:
    done = demo_mode(demo_folder, **variables)
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY" in done.stderr


@pytest.mark.slow
def test_the_marker_applies_only_in_the_folder_that_holds_it(demo_folder: Path) -> None:
    done = demo_mode(demo_folder / "var")  # its own ./var does not exist
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY" in done.stderr


# --- Production stays production ----------------------------------------------------------------


@pytest.mark.parametrize("with_var", [False, True], ids=["no-var", "var-without-marker"])
def test_production_without_a_marker_still_refuses_to_start_without_a_key(
    tmp_path: Path, with_var: bool
) -> None:
    if with_var:
        (tmp_path / "var").mkdir()
        (tmp_path / "var" / "secret_key").write_text("x" * 64, encoding="utf-8")
    done = demo_mode(tmp_path)
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY" in done.stderr
    assert "required in production mode" in done.stderr


def test_a_marker_others_could_change_is_ignored(tmp_path: Path) -> None:
    write_marker(tmp_path, mode=0o620)
    done = demo_mode(tmp_path)
    assert done.returncode != 0
    assert "no other account can change" in done.stderr
    assert "TANDEM_SECRET_KEY" in done.stderr


def test_a_marker_that_is_a_link_is_ignored(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.env"
    elsewhere.write_text("TANDEM_DEMO=true\n", encoding="utf-8")
    elsewhere.chmod(0o600)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / cli.LOCAL_MARKER).symlink_to(elsewhere)
    done = demo_mode(tmp_path)
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY" in done.stderr


def test_a_marker_sets_nothing_but_tandem_demo(tmp_path: Path) -> None:
    marker = write_marker(tmp_path, "# comment\nTANDEM_DEMO=true\nTANDEM_ALLOWED_HOSTS=*\nnonsense\n")
    done = demo_mode(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "DEMO True" in done.stdout
    assert f"Tandem ignores line 3 of {marker}" in done.stderr
    assert f"Tandem ignores line 4 of {marker}" in done.stderr


def test_the_marker_is_written_only_in_demo_mode_for_its_own_database() -> None:
    # The test settings: production mode, a database of their own; neither makes a marker.
    assert local_marker_write() is None
    with override_settings(DEMO=True):
        assert local_marker_write() is None  # the database is not DATA_DIR/tandem.sqlite3
    assert not (Path(settings.DATA_DIR) / cli.LOCAL_MARKER).exists()


# --- tandem whycheck compare: no key, no database, no data directory --------------------------------


def test_whycheck_compare_runs_in_an_empty_folder_without_any_tandem_variable(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()[:2]]
    source = tmp_path / "pairs.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    done = tandem("whycheck", "compare", "--input", str(source), "--engine", "lexical", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in out] == [row["id"] for row in rows]
    assert all(line["verdict"] in ("aligned", "partial", "misaligned") for line in out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pairs.jsonl"]  # no var/, no database


def test_whycheck_compare_reads_its_engine_from_tandem_text_embedder(tmp_path: Path) -> None:
    done = tandem("whycheck", "compare", "--input", "-", cwd=tmp_path, TANDEM_TEXT_EMBEDDER="no-such-engine")
    assert done.returncode != 0
    assert "no-such-engine" in done.stderr
    assert "TANDEM_SECRET_KEY" not in done.stderr
