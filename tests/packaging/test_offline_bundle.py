"""The offline bundle: the Linux folder installs with the network refused; the Windows
folder resolves, for CPython 3.11, 3.12 and 3.13, to Windows wheels alone."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from packaging.utils import parse_wheel_filename

from tests.packaging.smoke import outside_env, smoke

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]

NO_NET = ("unshare", "--net", "--")
PYTHONS = ("3.11", "3.12", "3.13")


def require_unshare() -> None:
    try:
        done = subprocess.run([*NO_NET, "true"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("`unshare` is not installed, so the network cannot be refused here")
    if done.returncode != 0:
        pytest.skip(
            "`unshare --net` is not permitted here (it needs root or user namespaces): "
            + done.stderr.strip()
        )


def test_network_is_really_refused_inside_unshare() -> None:
    require_unshare()
    probe = "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)"
    done = subprocess.run([*NO_NET, sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 1
    assert "Network is unreachable" in done.stderr or "OSError" in done.stderr


def test_linux_bundle_installs_offline_and_runs(bundles: dict[str, Path], tmp_path: Path) -> None:
    require_unshare()
    folder = bundles["linux"]
    work = tmp_path / "desk"
    work.mkdir()
    app = tmp_path / "programs" / "convener"
    env = {**outside_env(), "PYTHON": sys.executable}
    del env["CONVENER_DB"]  # the installer names the default place, in the user data folder
    done = subprocess.run(
        [*NO_NET, "sh", str(folder / "install.sh"), str(app)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "Convener 0.1.0 is installed." in lines
    assert f"Start it: open a terminal and type: {app / 'bin' / 'convener'}" in lines
    home = Path(os.environ["HOME"])
    assert f"Your events are saved in {home}/.local/share/convener/convener.db" in lines
    smoke(app / "bin" / "convener", app / "venv" / "bin" / "python", work, wrap=NO_NET)


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", ["windows", "linux"])
def test_bundle_resolves_offline_to_its_platforms_wheels(
    bundles: dict[str, Path], bundler: ModuleType, platform: str, python: str
) -> None:
    folder = bundles[platform]
    target = bundler.TARGETS[platform]
    assert bundler.missing_requirements(folder, target, python) == []
    chosen = bundler.resolve_offline(folder, target, python, "0.1.0")
    names = {str(parse_wheel_filename(name)[0]): name for name in chosen}
    assert {"convener", "textual", "sqlcipher3", "lxml", "pyyaml", "sqlite-utils"} <= set(names)
    cp = "cp" + python.replace(".", "")
    assert names["sqlcipher3"].startswith("sqlcipher3-0.6.")
    assert f"-{cp}-{cp}-" in names["sqlcipher3"]
    for name in chosen:
        tags = parse_wheel_filename(name)[3]
        assert all(
            tag.platform == "any"
            or (
                tag.abi in (cp, "abi3", "none")
                and (
                    tag.platform == "win_amd64"
                    if platform == "windows"
                    else tag.platform.startswith("manylinux") and tag.platform.endswith("x86_64")
                )
            )
            for tag in tags
        ), name


def test_windows_folder_holds_only_windows_wheels_and_its_installers(
    bundles: dict[str, Path],
) -> None:
    folder = bundles["windows"]
    wheels = sorted(p.name for p in folder.glob("*.whl"))
    assert all(n.endswith(("-none-any.whl", "-win_amd64.whl")) for n in wheels), wheels
    for python in PYTHONS:
        cp = "cp" + python.replace(".", "")
        assert f"sqlcipher3-0.6.4-{cp}-{cp}-win_amd64.whl" in wheels or any(
            n.startswith("sqlcipher3-") and f"-{cp}-{cp}-win_amd64" in n for n in wheels
        )
    batch = (folder / "install.bat").read_bytes()
    assert b"install.py" in batch and b"\r\n" in batch and b"\n" not in batch.replace(b"\r\n", b"")
    assert (folder / "install.py").is_file() and (folder / "README.txt").is_file()
    assert not (folder / "install.sh").exists()
    assert json.loads((folder / "bundle.json").read_text("utf-8")) == {
        "convener": "0.1.0",
        "platform": "win_amd64",
        "python_platform": "win-amd64",
        "pythons": list(PYTHONS),
    }


def test_linux_folder_has_an_executable_install_script(bundles: dict[str, Path]) -> None:
    folder = bundles["linux"]
    assert stat.S_IMODE((folder / "install.sh").stat().st_mode) == 0o755
    assert not (folder / "install.bat").exists()
    assert all(
        n.name.endswith("-none-any.whl") or "manylinux" in n.name for n in folder.glob("*.whl")
    )
