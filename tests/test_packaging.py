"""The wheel: one top-level name (`automate`), every package and data file, nothing from tests/.

The wheel is built from a copy of the working tree (so a stale `build/` of the
checkout cannot leak into it and parallel builds do not share one), with the
setuptools of this interpreter, offline. Installing it beside another
distribution whose top-level name is `agents` is checked twice: offline against
a stub built here, and (it needs PyPI, which CI reaches) beside the real
`openai-agents`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = {".git", ".venv", "build", "dist", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
DATA = ("py.typed", "configs/*.yaml", "configs/workflows/*.yaml", "runtime/api/static/*")
CO_INSTALL = (
    "import agents, automate; from agents import Agent; from automate import Runtime; "
    "print(Agent.__module__, Runtime.__module__)"
)


def run(*args: str | Path, timeout: float = 120, env: dict[str, str] | None = None) -> str:
    """Run a command; its stdout, or a failure showing what it printed."""
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    assert done.returncode == 0, f"{args[:4]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(source: Path, out: Path) -> Path:
    """Build `source` into one wheel in `out` with this interpreter's setuptools, offline."""
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, source)
    (wheel,) = out.glob("*.whl")
    return wheel


def copy_tree(target: Path) -> Path:
    """The checkout's files in `target`, without VCS data, virtual envs, caches or build output."""
    shutil.copytree(
        ROOT,
        target,
        ignore=lambda _dir, names: {n for n in names if n in LEFT_OUT or n.endswith(".egg-info")},
    )
    return target


def wheel_names(wheel: Path) -> list[str]:
    """Every file the wheel's RECORD lists."""
    with zipfile.ZipFile(wheel) as archive:
        record = next(n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
        lines = archive.read(record).decode().splitlines()
    return [line.rsplit(",", 2)[0] for line in lines if line]


def source_packages() -> set[Path]:
    """Every directory of the source tree holding an `__init__.py` (relative), outside tests/ and build/."""
    found = set()
    for directory, subdirs, files in os.walk(ROOT):
        subdirs[:] = [d for d in subdirs if d not in LEFT_OUT | {"tests"} and not d.startswith(".")]
        if "__init__.py" in files:
            found.add(Path(directory).relative_to(ROOT))
    return found


def installed_name(relative: Path) -> str:
    """Where a path of the source tree lands in the wheel."""
    return "/".join(("automate", *relative.parts))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once for this module."""
    base = tmp_path_factory.mktemp("wheel")
    return build_wheel(copy_tree(base / "src"), base / "dist")


@pytest.fixture(scope="module")
def stub_agents_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of another distribution, `agents-stub`, whose top-level package is `agents`."""
    base = tmp_path_factory.mktemp("stub")
    (base / "src" / "agents").mkdir(parents=True)
    (base / "src" / "agents" / "__init__.py").write_text(
        'class Agent:\n    """The stand-in for openai-agents\' Agent."""\n'
    )
    (base / "src" / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [build-system]
            requires = ["setuptools>=77"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "agents-stub"
            version = "1.0"

            [tool.setuptools]
            packages = ["agents"]
            """
        )
    )
    return build_wheel(base / "src", base / "dist")


class Venv:
    """A fresh virtual environment driven by its own interpreter."""

    def __init__(self, path: Path, *, with_pip: bool) -> None:
        run(sys.executable, "-m", "venv", *([] if with_pip else ["--without-pip"]), path, timeout=120)
        self.path = path
        self.python = path / "bin" / "python"
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": str(path / "home")}

    def pip(self, *args: str | Path, timeout: float = 120) -> str:
        """Run pip on this environment (the test interpreter's pip when the venv has none)."""
        own = (self.path / "bin" / "pip").is_file()
        prefix = [self.python, "-m", "pip"] if own else [sys.executable, "-m", "pip", "--python", self.python]
        return run(*prefix, "--disable-pip-version-check", *args, timeout=timeout, env=self.env)

    def python_c(self, code: str) -> subprocess.CompletedProcess[str]:
        """Run `python -c code` in this environment, from a neutral directory."""
        return subprocess.run(
            [str(self.python), "-c", code],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.path,
            env=self.env,
            check=False,
        )

    def site_packages(self) -> Path:
        """This environment's site-packages directory."""
        return Path(run(self.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())


def installed_dirs() -> list[Path]:
    """The directories of this interpreter's path that hold installed distributions."""
    candidates = [Path(sysconfig.get_path("purelib")), *(Path(p) for p in sys.path if p)]
    found: list[Path] = []
    for path in candidates:
        if path.is_dir() and path != ROOT and path not in found and any(path.glob("*.dist-info")):
            found.append(path)
    return found


@pytest.fixture
def offline_venv(tmp_path: Path) -> Iterator[Venv]:
    """A fresh venv that borrows automate's dependencies from the test environment (no network).

    A directory of links to the test environment's installed packages (from every directory of
    its path holding distributions), less automate's own (editable) install and the packaging
    tools, is put on the venv's path with a `.pth` line.
    """
    borrowed = tmp_path / "deps"
    borrowed.mkdir()
    own = ("automate", "__editable__", "pip", "setuptools", "_distutils_hack", "distutils-precedence")
    for source in installed_dirs():
        for entry in source.iterdir():
            link = borrowed / entry.name
            if not entry.name.startswith(own) and entry.suffix != ".pth" and not link.exists():
                link.symlink_to(entry)
    venv = Venv(tmp_path / "venv", with_pip=False)
    (venv.site_packages() / "_borrowed_deps.pth").write_text(f"{borrowed}\n")
    yield venv


class TestWheel:
    def test_top_level_names_are_automate_and_its_dist_info(self, wheel: Path) -> None:
        """The wheel's RECORD holds nothing outside `automate/` and `automate_agents-*.dist-info/`."""
        tops = {name.split("/")[0] for name in wheel_names(wheel)}
        (dist_info,) = tops - {"automate"}
        assert "automate" in tops
        assert dist_info.startswith("automate_agents-") and dist_info.endswith(".dist-info")

    def test_every_source_package_is_shipped(self, wheel: Path) -> None:
        """Each directory of the tree with an `__init__.py` (tests/ aside) is in the wheel."""
        shipped = {name.rsplit("/", 1)[0] for name in wheel_names(wheel) if name.endswith("/__init__.py")}
        assert {installed_name(package) for package in source_packages()} - shipped == set()

    def test_every_module_is_shipped(self, wheel: Path) -> None:
        """Each `.py` file beside those packages' `__init__.py` is in the wheel too."""
        modules = {
            installed_name(module.relative_to(ROOT))
            for package in source_packages()
            for module in (ROOT / package).glob("*.py")
        }
        assert modules - set(wheel_names(wheel)) == set()

    @pytest.mark.parametrize("pattern", DATA)
    def test_data_files_are_shipped(self, wheel: Path, pattern: str) -> None:
        """The typing marker, shipped configs and workflows, and the web page's files are in the wheel."""
        expected = {installed_name(path.relative_to(ROOT)) for path in ROOT.glob(pattern)}
        assert expected, f"no file matches {pattern}"
        assert expected - set(wheel_names(wheel)) == set()

    def test_nothing_from_tests_or_build(self, wheel: Path) -> None:
        """No file of tests/ or build/ (at any depth) is in the wheel."""
        stray = [n for n in wheel_names(wheel) if {"tests", "build"} & set(n.split("/")[:-1])]
        assert stray == []

    def test_metadata_names_the_distribution(self, wheel: Path) -> None:
        """The distribution is published as `automate-agents` and installs the `automate` command."""
        with zipfile.ZipFile(wheel) as archive:
            info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = archive.read(info).decode()
            scripts = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
        target = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["automate"]
        assert "\nName: automate-agents\n" in metadata
        assert f"automate = {target}" in scripts and target.startswith("automate.")


class TestCoInstall:
    def test_beside_a_stub_agents_package(
        self, offline_venv: Venv, wheel: Path, stub_agents_wheel: Path
    ) -> None:
        """Both import side by side, and uninstalling automate-agents leaves `agents` working."""
        offline_venv.pip("install", "--no-deps", "--no-index", "-q", wheel, stub_agents_wheel)
        both = offline_venv.python_c(CO_INSTALL)
        assert both.stdout.split() == ["agents", "automate.runtime.runtime"], both.stderr
        offline_venv.pip("uninstall", "-y", "-q", "automate-agents")
        assert offline_venv.python_c("from agents import Agent").returncode == 0
        assert "No module named 'automate'" in offline_venv.python_c("import automate").stderr

    def test_beside_openai_agents(self, tmp_path: Path, wheel: Path) -> None:
        """With the real openai-agents from PyPI, one `pip install`, then uninstalling automate-agents."""
        venv = Venv(tmp_path / "venv", with_pip=True)
        venv.pip("install", "-q", wheel, "openai-agents", timeout=300)
        both = venv.python_c(CO_INSTALL)
        assert both.stdout.split() == ["agents.agent", "automate.runtime.runtime"], both.stderr
        venv.pip("uninstall", "-y", "-q", "automate-agents")
        assert venv.python_c("from agents import Agent").returncode == 0
        assert "No module named 'automate'" in venv.python_c("import automate").stderr
