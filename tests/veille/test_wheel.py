"""The built wheel carries what veille reads at run time (migrations, named SQL, templates) and, once
installed, migrates an empty database and writes a timeline on it.

How it is installed, and why: the wheel is built by ``python -m build --wheel`` (isolated, as
pip and PyPI users build it: setuptools comes from the package index) from a copy of the source
tree, so the build leaves nothing in the checkout. It is installed non-editable, ``--no-deps``,
into a fresh virtualenv created without system site-packages, whose site-packages comes first
on its ``sys.path``. Its dependencies (spaCy, psycopg, …) are not installed again, which would
take minutes and a network: a ``.pth`` file appends the test interpreter's site-packages after
the venv's own. A ``.pth`` line only adds a folder to ``sys.path``, it does not run the ``.pth``
files inside it, so the editable install of the checkout found there stays inert; the commands
run outside the checkout, without PYTHONPATH, and the test checks that ``veille``, ``reports``
and ``migrations`` are imported from the venv. What is tested is then exactly the wheel's own
files; a dependency missing from ``[project] dependencies`` would go unnoticed here.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# What a build must not copy: caches anywhere; the checkout's environment and outputs at its top only
# (reports/timeline/ is source, /timeline/ is output).
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")
OUTPUTS = {".git", ".venv", "build", "dist", "demo", "out", "timeline"}


def _not_source(folder: str, names: list[str]) -> set[str]:
    top = {n for n in names if n in OUTPUTS} if Path(folder) == ROOT else set()
    return top | CACHES(folder, names)


def _run(*args, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def _pip(target_python: Path, *args, cwd: Path) -> None:
    _run(sys.executable, "-m", "pip", "--python", target_python, "install", "--no-input", *args, cwd=cwd)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_not_source)
    if importlib.util.find_spec("build") is not None:  # the test extras' build
        frontend = [sys.executable]
    else:  # a test environment installed without the extras: build in a venv of its own
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", tmp / "buildenv"], check=True)
        frontend = [tmp / "buildenv" / "bin" / "python"]
        _pip(frontend[0], "build==1.6.1", cwd=tmp)
    _run(*frontend, "-m", "build", "--wheel", "--outdir", tmp / "dist", src, cwd=tmp)
    (found,) = (tmp / "dist").glob("veille-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The python of a fresh venv holding the wheel, the test interpreter's dependencies behind it."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    _pip(python, "--no-deps", "--no-index", wheel, cwd=venv.parent)
    purelib = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=venv.parent).stdout.strip()
    )
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    (purelib / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
    return python


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VEILLE_CONFIG", "PYTHONHOME")}
    return {**env, **extra}


def test_the_wheel_holds_the_migrations_and_the_named_sql(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))
    assert migrations and {f"migrations/{m}" for m in migrations} <= names
    shipped = {str(p.relative_to(ROOT)) for p in (ROOT / "reports").rglob("*.sql")}
    assert {"reports/queries.sql", "reports/digest/data.sql"} <= shipped <= names
    templates = {str(p.relative_to(ROOT)) for p in (ROOT / "reports" / "templates").rglob("*") if p.is_file()}
    assert templates <= names
    packages = {
        str(p.parent.relative_to(ROOT))
        for top in ("veille", "crawler", "nlp", "cases", "reports", "samples", "migrations")
        for p in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert {f"{p}/__init__.py" for p in packages} <= names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_the_installed_wheel_migrates_an_empty_database_and_writes_a_timeline(installed, empty_db_url, tmp_path):
    where = _run(
        installed,
        "-c",
        "import migrations, reports, veille; from reports.queries import QUERIES; "
        "print(veille.__file__, reports.__file__, migrations.__file__, sorted(QUERIES))",
        cwd=tmp_path,
        env=_env(),
    ).stdout.split()
    venv = installed.parent.parent
    assert all(Path(p).is_relative_to(venv) for p in where[:3]), where  # the wheel's files, not the checkout's
    assert "happenings" in " ".join(where[3:])

    env = _env(DATABASE_URL=empty_db_url)
    migrated = _run(installed, "-m", "veille", "db", "migrate", cwd=tmp_path, env=env)
    migrations = sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))
    assert f"{len(migrations)} migration(s) appliquée(s)" in migrated.stdout + migrated.stderr
    with psycopg.connect(empty_db_url) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [int(m[:4]) for m in migrations]

    # The data dictionary generated from the installed schema is the documented one.
    schema = _run(installed, "-m", "veille.schema_doc", cwd=tmp_path, env=env).stdout
    assert schema == (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")

    # The templates and the read queries, from the wheel: an (empty) timeline.
    _run(
        installed,
        "-m",
        "veille",
        "timeline",
        "--dossier",
        "coco",
        "--out",
        tmp_path / "chronologie",
        cwd=tmp_path,
        env=env,
    )
    page = (tmp_path / "chronologie" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in page
    assert (tmp_path / "chronologie" / "events.csv").exists()
