"""Build the offline installer: per platform, one folder that installs Convener with no network.

Each folder holds Convener's wheel, a wheel of every library it needs for CPython 3.11,
3.12 and 3.13, the install scripts (scripts/offline/) and a manifest they read. It is
what goes on the USB stick for a laptop that has never been online; Python itself cannot
be included (see README.txt in the folder). `make bundle` runs this; it needs the package
registry.

    python scripts/bundle.py [--out DIR] [--platform linux|windows ...] [--wheel WHEEL]

pip downloads for another platform with `--platform`, but evaluates environment markers
(`colorama; platform_system == "Windows"`) for the machine it runs on, so a Windows folder
would miss Windows-only libraries. Every wheel's requirements are therefore checked again
with the target's markers, and what is missing is downloaded too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename

REPO = Path(__file__).resolve().parents[1]
OFFLINE = REPO / "scripts" / "offline"
PYTHONS = ("3.11", "3.12", "3.13")
MAX_ROUNDS = 5


@dataclass(frozen=True)
class Target:
    """A platform the bundle is built for."""

    key: str  # what --platform takes
    name: str  # the folder's suffix and the manifest's "platform"
    tags: tuple[str, ...]  # pip --platform values, most preferred first
    markers: dict[str, str]  # that platform's environment markers
    scripts: tuple[str, ...]  # installers from scripts/offline/
    python_platform: str  # sysconfig.get_platform() of a Python that can install it


MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1))
TARGETS = {
    t.key: t
    for t in (
        Target(
            "linux",
            "manylinux_x86_64",
            (*MANYLINUX, "manylinux2014_x86_64"),
            {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
            ("install.sh", "install.py"),
            "linux-x86_64",
        ),
        Target(
            "windows",
            "win_amd64",
            ("win_amd64",),
            {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
            ("install.bat", "install.py"),
            "win-amd64",
        ),
    )
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist" / "bundle")
    parser.add_argument("--platform", action="append", choices=sorted(TARGETS))
    parser.add_argument("--wheel", type=Path, help="Convener's wheel (default: build it)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or build_wheel(Path(tmp))
        for key in args.platform or sorted(TARGETS):
            folder = build_bundle(wheel, TARGETS[key], args.out)
            size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            count = len(list(folder.glob("*.whl")))
            print(f"{folder}: {count} wheels, {size:.0f} MB")
    return 0


def build_wheel(out: Path) -> Path:
    """Build the sdist, then the wheel from it: what is not in the sdist cannot ship."""
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)])
    [wheel] = out.glob("convener-*.whl")
    return wheel


def build_bundle(wheel: Path, target: Target, out: Path) -> Path:
    """Write `<out>/convener-<version>-<platform>/` afresh and prove it resolves offline."""
    version = str(parse_wheel_filename(wheel.name)[1])
    folder = out / f"convener-{version}-{target.name}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy2(wheel, folder)
    for python in PYTHONS:
        print(f"{target.name}, Python {python}: downloading wheels", flush=True)
        # Without extras: head office's Datasette (`convener[hq]`) never goes to the field.
        download(folder, target, python, [str(wheel)])
        for _ in range(MAX_ROUNDS):
            missing = missing_requirements(folder, target, python)
            if not missing:
                break
            download(folder, target, python, missing)
        else:
            raise SystemExit(f"{target.name}, Python {python}: still missing {missing}")
        resolve_offline(folder, target, python, version)
    write_installers(folder, target, version)
    return folder


def pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


def platform_args(target: Target, python: str) -> list[str]:
    tags = [arg for tag in target.tags for arg in ("--platform", tag)]
    return [*tags, "--python-version", python, "--implementation", "cp", "--only-binary=:all:"]


def download(folder: Path, target: Target, python: str, requirements: Iterable[str]) -> None:
    run(
        pip(
            "download",
            "--quiet",
            "--dest",
            str(folder),
            *platform_args(target, python),
            *requirements,
        )
    )


def target_environment(target: Target, python: str) -> dict[str, str]:
    return {
        **target.markers,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }


def missing_requirements(folder: Path, target: Target, python: str) -> list[str]:
    """Requirements of the wheels in `folder` that apply on `target` but have no wheel there."""
    wheels: dict[NormalizedName, list[Path]] = {}
    for path in folder.glob("*.whl"):
        wheels.setdefault(parse_wheel_filename(path.name)[0], []).append(path)
    environment = target_environment(target, python)
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[Requirement, frozenset[str]]] = [(Requirement("convener"), frozenset())]
    while queue:
        requirement, extras = queue.pop()
        name = canonicalize_name(requirement.name)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        if name not in wheels:
            missing.append(str(Requirement(f"{requirement.name}{requirement.specifier}")))
            continue
        for path in wheels[name]:
            for line in requires_dist(path):
                needed = Requirement(line)
                if applies(needed.marker, environment, extras):
                    queue.append((needed, frozenset(needed.extras)))
    return sorted(set(missing))


def applies(marker: Marker | None, environment: dict[str, str], extras: frozenset[str]) -> bool:
    if marker is None:
        return True
    return any(marker.evaluate({**environment, "extra": e}) for e in extras or {""})


def requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode("utf-8"))
    return metadata.get_all("Requires-Dist") or []


def resolve_offline(folder: Path, target: Target, python: str, version: str) -> list[str]:
    """What pip would install on `target` from `folder` alone (no index, no config): the
    wheel file names. Fails if anything does not resolve."""
    report = folder.parent / f".resolve-{target.name}-{python}.json"
    args = ["install", "--dry-run", "--ignore-installed", "--no-index", "--quiet"]
    args += ["--find-links", str(folder), "--report", str(report)]
    run(pip(*args, *platform_args(target, python), f"convener=={version}"), offline=True)
    try:
        installs = json.loads(report.read_text("utf-8"))["install"]
    finally:
        report.unlink(missing_ok=True)
    return sorted(Path(item["download_info"]["url"]).name for item in installs)


def write_installers(folder: Path, target: Target, version: str) -> None:
    manifest = {
        "convener": version,
        "platform": target.name,
        "python_platform": target.python_platform,
        "pythons": list(PYTHONS),
    }
    (folder / "bundle.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    for name in (*target.scripts, "README.txt"):
        text = (OFFLINE / name).read_text("utf-8")
        newline = "\r\n" if target.key == "windows" and name != "install.py" else "\n"
        (folder / name).write_bytes(text.replace("\n", newline).encode("utf-8"))
    if "install.sh" in target.scripts:
        os.chmod(folder / "install.sh", 0o755)


def offline_env() -> dict[str, str]:
    """The environment without pip's settings: only the folder may be used."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def run(command: list[str], *, offline: bool = False) -> None:
    """Run quietly; on failure show what the command said and stop."""
    done = subprocess.run(
        command,
        env=offline_env() if offline else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stdout)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}")


if __name__ == "__main__":
    raise SystemExit(main())
