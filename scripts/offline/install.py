"""Install Convener from this folder, with no network.

    python install.py [FOLDER]

Run it with Python 3.11, 3.12 or 3.13 (install.bat and install.sh find one). It checks the
Python first, then makes a private environment in FOLDER (default: your programs folder),
installs Convener and its libraries from the wheels beside this file and nothing else,
and says how to start it. Running it again reinstalls; your events are kept elsewhere.

Only the standard library, and nothing newer than Python 3.7 before the version check,
so an older Python still gets a clear answer instead of a syntax error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PLATFORM_NAMES = {"win_amd64": "Windows (64-bit)", "manylinux_x86_64": "Linux (x86-64)"}


def main(argv: list[str]) -> int:
    manifest = json.loads((HERE / "bundle.json").read_text("utf-8"))
    problem = python_problem(sys.version_info[:2], sysconfig.get_platform(), manifest)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    home = Path(argv[0]).expanduser().absolute() if argv else default_home()
    env_dir = home / "venv"
    if env_dir.exists() and not (env_dir / "pyvenv.cfg").exists() and any(env_dir.iterdir()):
        print(
            f"{env_dir} exists and is not a Convener environment; choose another folder.",
            file=sys.stderr,
        )
        return 1
    print(f"Installing Convener {manifest['convener']} into {home} (no network needed) ...")
    steps = (
        ("make the environment", [sys.executable, "-m", "venv", "--clear", str(env_dir)]),
        ("install Convener from this folder", install_command(env_dir, manifest)),
        ("check the installation", [str(python_in(env_dir)), "-c", CHECK]),
    )
    for what, command in steps:
        done = subprocess.run(command, env=offline_env(), stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(f"Could not {what} (exit code {done.returncode}). {hint(what)}", file=sys.stderr)
            return 1
    data_file = done.stdout.strip()
    start = link_command(home, env_dir)
    print(f"\nConvener {manifest['convener']} is installed.")
    print(f"Start it: {start_hint(start)}")
    print(f"Your events are saved in {data_file}")
    return 0


def python_problem(version: tuple[int, int], platform: str, manifest: dict[str, Any]) -> str:
    """Why this Python cannot install the bundle, as a sentence naming what it needs."""
    wanted = [str(v) for v in manifest["pythons"]]
    have = "{}.{}".format(*version)
    names = ", ".join(wanted[:-1]) + " or " + wanted[-1]
    where = PLATFORM_NAMES.get(str(manifest["platform"]), str(manifest["platform"]))
    if have not in wanted:
        return (
            f"Convener needs Python {names}; this is Python {have} ({sys.executable}). "
            f"Install Python {wanted[-1]} from python.org (ticking 'Add python.exe to PATH' "
            "on Windows), then run this installer again."
        )
    if platform != manifest["python_platform"]:
        if platform == "win32":
            return (
                "This Python is the 32-bit one; Convener needs the 64-bit Python "
                f"{names} for Windows from python.org."
            )
        return (
            f"This folder installs Convener on {where}, but this Python runs on {platform}: "
            "use the folder made for this computer."
        )
    return ""


def default_home() -> Path:
    """A per-user programs folder, apart from the data (which platformdirs places)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "Programs" / "Convener"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "convener-app"


def python_in(env_dir: Path) -> Path:
    if sys.platform == "win32":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def install_command(env_dir: Path, manifest: dict[str, Any]) -> list[str]:
    return [
        str(python_in(env_dir)),
        *("-m", "pip", "install", "--no-index", "--find-links", str(HERE)),
        *("--only-binary=:all:", "--disable-pip-version-check", "--quiet"),
        f"convener=={manifest['convener']}",
    ]


# Imports the heaviest parts (the encrypted-database driver, the screens) and prints where
# the events will be saved.
CHECK = (
    "import sqlcipher3, convener.tui.app; "
    "from convener.storage.paths import default_db_path; print(default_db_path())"
)


def offline_env() -> dict[str, str]:
    """pip reads no configuration and no PIP_ variables: only this folder is used."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def hint(what: str) -> str:
    if what == "make the environment":
        return (
            "Close Convener if it is running. On Debian or Ubuntu, install python3-venv "
            "for this Python version."
        )
    return "Check that this folder was copied completely, then run this installer again."


def link_command(home: Path, env_dir: Path) -> str:
    """Put a `convener` command on the PATH when it can be done safely; return how to
    start Convener."""
    bin_dir = home / "bin"
    bin_dir.mkdir(exist_ok=True)
    if sys.platform == "win32":
        (bin_dir / "convener.cmd").write_text(
            '@"%~dp0..\\venv\\Scripts\\convener.exe" %*\r\n', "utf-8"
        )
        return "convener" if add_to_user_path(bin_dir) else str(bin_dir / "convener.cmd")
    link = bin_dir / "convener"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(env_dir / "bin" / "convener")
    local_bin = Path.home() / ".local" / "bin"
    on_path = str(local_bin) in os.environ.get("PATH", "").split(os.pathsep)
    user_link = local_bin / "convener"
    if on_path and (user_link.is_symlink() or not user_link.exists()):
        if user_link.is_symlink():
            user_link.unlink()
        user_link.symlink_to(link)
        return "convener"
    return str(link)


def add_to_user_path(folder: Path) -> bool:
    """Add `folder` to the user's PATH in the registry (what new terminals read)."""
    if sys.platform != "win32":
        return False
    import ctypes
    import winreg

    try:
        with winreg.OpenKey(
            winreg.HKEY_CURRENT_USER, "Environment", 0, winreg.KEY_READ | winreg.KEY_WRITE
        ) as key:
            try:
                current, kind = winreg.QueryValueEx(key, "Path")
            except FileNotFoundError:
                current, kind = "", winreg.REG_EXPAND_SZ
            parts = [p for p in str(current).split(";") if p]
            if str(folder).lower() not in (p.lower() for p in parts):
                winreg.SetValueEx(key, "Path", 0, kind, ";".join([*parts, str(folder)]))
    except OSError:
        return False
    # Tell Explorer, so terminals opened from now on see the new PATH.
    result = ctypes.c_ulong()
    ctypes.windll.user32.SendMessageTimeoutW(
        0xFFFF, 0x001A, 0, "Environment", 0x0002, 5000, ctypes.byref(result)
    )
    return True


def start_hint(command: str) -> str:
    if sys.platform == "win32" and command == "convener":
        return "open a NEW Windows Terminal window and type: convener"
    return f"open a terminal and type: {command}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
