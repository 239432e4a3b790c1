"""Build the installers: `python installers/build.py linux|windows|macos`.

Every target freezes the program with the shared PyInstaller spec (installers/cswb-desktop.spec)
into one folder holding both programs, then packs that folder for its platform:

- linux:   a .deb (installs to /opt/cswb-desktop, /usr/bin links, MIME type, .desktop file,
           icons) and a portable .tar.gz that runs from a USB stick and installs per user
- windows: a per-user Inno Setup installer (no administrator rights) and a portable .zip
- macos:   cswb-desktop.app (with the .cswb document type) in a .dmg

PyInstaller cannot build for another system, so each target is built on its own system (the
GitHub workflow .github/workflows/installers.yml does all three). Run it with the Python that has
the program's dependencies and PyInstaller installed: `python -m pip install . pyinstaller`, on
Python 3.12 or newer (build.py refuses an older one; see cswb_desktop/qt_guard.py).
Artefacts go to dist/installers/; intermediate files to build/installers/.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLERS = ROOT / "installers"
RESOURCES = ROOT / "resources"
BUILD = ROOT / "build" / "installers"
DIST = ROOT / "dist" / "installers"
ICONS = BUILD / "icons"
FROZEN = BUILD / "frozen"
APP = "cswb-desktop"
MIME_TYPE = "application/x-cswb-plan"
MIME_ICON = MIME_TYPE.replace("/", "-")
PLATFORMS = {"linux": "linux", "windows": "win32", "macos": "darwin"}
LINUX_ICON_SIZES = (48, 128, 256)
BUILD_PYTHON = (3, 12)  # the frozen programs carry this Python: no PySide6 reference-count defect

sys.path.insert(0, str(ROOT))
from cswb_desktop import __version__ as VERSION  # noqa: E402


def log(message: str) -> None:
    print(f"build: {message}", flush=True)


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    log(" ".join(str(c) for c in command))
    return subprocess.run([str(c) for c in command], check=True, **kwargs)


def folder_size(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


# --- icons ----------------------------------------------------------------------------------------

def render_png(svg: Path, size: int) -> bytes:
    """One PNG of `svg` at size × size, drawn by Qt's SVG renderer."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def write_ico(path: Path, pngs: dict[int, bytes]) -> None:
    """A Windows .ico whose entries are PNG images (read by Windows Vista and later)."""
    import struct

    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    path.write_bytes(header + entries + blobs)


ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"ic11": 32, b"ic12": 64, b"ic07": 128,
              b"ic13": 256, b"ic08": 256, b"ic14": 512, b"ic09": 512, b"ic10": 1024}


def write_icns(path: Path, pngs: dict[int, bytes]) -> None:
    """A macOS .icns whose entries are PNG images (the format since OS X 10.7)."""
    import struct

    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_TYPES.items())
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


def render_icons() -> None:
    """PNG, .ico and .icns of the program icon and of the plan-file icon, from resources/icons/."""
    ICONS.mkdir(parents=True, exist_ok=True)
    for name in ("cswb-desktop", "cswb-plan"):
        svg = RESOURCES / "icons" / f"{name}.svg"
        pngs = {size: render_png(svg, size) for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024)}
        for size, data in pngs.items():
            (ICONS / f"{name}-{size}.png").write_bytes(data)
        write_ico(ICONS / f"{name}.ico", {s: pngs[s] for s in (16, 24, 32, 48, 64, 128, 256)})
        write_icns(ICONS / f"{name}.icns", pngs)
    log(f"icons rendered into {ICONS}")


# --- the frozen folder ----------------------------------------------------------------------------

def freeze(keep_cache: bool = False) -> Path:
    """Run PyInstaller over the shared spec; returns the one-folder build (or the .app on macOS)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("build: PyInstaller is missing: python -m pip install pyinstaller")
    env = dict(os.environ, CSWB_ICON_DIR=str(ICONS))
    env.pop("QT_QPA_PLATFORM", None)
    run(sys.executable, "-m", "PyInstaller", "--noconfirm", *([] if keep_cache else ["--clean"]),
        "--workpath", BUILD / "pyinstaller", "--distpath", FROZEN,
        INSTALLERS / f"{APP}.spec", env=env)
    folder = FROZEN / APP
    log(f"frozen folder {folder}: {mb(folder_size(folder))}")
    return folder


# --- Linux ------------------------------------------------------------------------------------------

def install_desktop_files(share: Path, exec_path: str | None = None) -> None:
    """The .desktop file, the MIME type and the icons under a share/ folder (/usr/share or a copy)."""
    (share / "applications").mkdir(parents=True, exist_ok=True)
    desktop = (RESOURCES / "desktop" / f"{APP}.desktop").read_text(encoding="utf-8")
    if exec_path:
        desktop = desktop.replace(f"Exec={APP} %f", f'Exec="{exec_path}" %f').replace(
            f"TryExec={APP}", f"TryExec={exec_path}")
    (share / "applications" / f"{APP}.desktop").write_text(desktop, encoding="utf-8")
    (share / "mime" / "packages").mkdir(parents=True, exist_ok=True)
    shutil.copy(RESOURCES / "desktop" / f"{APP}.xml", share / "mime" / "packages" / f"{APP}.xml")
    hicolor = share / "icons" / "hicolor"
    for kind, icon, name in (("apps", "cswb-desktop", APP), ("mimetypes", "cswb-plan", MIME_ICON)):
        for size in LINUX_ICON_SIZES:
            folder = hicolor / f"{size}x{size}" / kind
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(ICONS / f"{icon}-{size}.png", folder / f"{name}.png")
        folder = hicolor / "scalable" / kind
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(RESOURCES / "icons" / f"{icon}.svg", folder / f"{name}.svg")


def _elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of a 64-bit little-endian ELF file: the libraries it links directly."""
    import struct

    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    needed = []
    for _name, kind, _flags, _addr, offset, size, link, *_rest in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab + value)
                needed.append(data[strtab + value:end].decode())
    return needed


def linux_dependencies(folder: Path) -> tuple[list[str], str]:
    """The Debian packages holding the libraries the bundle links directly from the system, and the
    newest glibc symbol version it needs. Every ELF file in the bundle (Qt plugins too) is asked."""
    outside: set[str] = set()
    glibc = (2, 17)
    missing = set()
    elves = _elf_files(folder)
    bundled = {path.name for path in folder.rglob("*")}  # found at run time via the bundle's own path
    for elf in elves:
        direct = set(elf_needed(elf)) - bundled
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            if name not in direct:
                continue
            if "=> not found" in line:
                missing.add(name)
            m = re.search(r"=> (/\S+)", line)
            if m:
                outside.add(m.group(1))
        for major, minor in re.findall(rb"GLIBC_(\d+)\.(\d+)", elf.read_bytes()):
            glibc = max(glibc, (int(major), int(minor)))
    if missing:
        log("WARNING: libraries not found on this system (their plugins will not load here): "
            + ", ".join(sorted(missing)))
    packages = set()
    for lib in sorted(outside):
        candidates = [lib, str(Path(lib).resolve())]
        candidates += [c.replace("/usr/lib/", "/lib/", 1) if c.startswith("/usr/lib/") else
                       c.replace("/lib/", "/usr/lib/", 1) for c in list(candidates)]
        for candidate in candidates:
            result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if result.returncode == 0:
                packages.add(result.stdout.split(":")[0])
                break
        else:
            log(f"WARNING: no Debian package owns {lib}")
    return sorted(packages), f"{glibc[0]}.{glibc[1]}"


DEB_SCRIPT = """#!/bin/sh
# Refresh the MIME, application and icon caches so .cswb files open with cswb-desktop.
set -e
root="${DPKG_ROOT:-}"
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database "$root/usr/share/mime" || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$root/usr/share/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$root/usr/share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$root/usr/share/icons/hicolor" || true
fi
exit 0
"""


def make_deb(folder: Path) -> Path:
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    root = BUILD / "deb-root"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(folder, root / "opt" / APP, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    for program in (APP, "cswb"):
        (root / "usr" / "bin" / program).symlink_to(f"../../opt/{APP}/{program}")
    share = root / "usr" / "share"
    install_desktop_files(share)
    doc = share / "doc" / APP
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "cswb-desktop: Community Safety and Well-Being planning, offline.\n"
        "License: GPL-3.0-or-later (/usr/share/common-licenses/GPL-3).\n"
        f"The bundled software and its licences are listed in /opt/{APP}/_internal/licenses/README.txt.\n",
        encoding="utf-8")
    packages, glibc = linux_dependencies(folder)
    depends = [f"libc6 (>= {glibc})"] + [p for p in packages if p != "libc6"]
    installed_kib = (folder_size(root) + 1023) // 1024
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        f"Package: {APP}\n"
        f"Version: {VERSION}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {os.environ.get('CSWB_DEB_MAINTAINER', 'cswb-desktop maintainers <cswb-desktop@localhost>')}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Recommends: shared-mime-info, desktop-file-utils\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: Community Safety and Well-Being planning for Ontario, offline\n"
        " cswb-desktop leads a CSWB coordinator through the provincial toolkit, keeps the\n"
        " whole plan in one .cswb file, shows it on a four-ring target board and writes\n"
        " it to Word. It needs no network, account or server. This package also holds\n"
        " the cswb command line.\n",
        encoding="utf-8")
    for name in ("postinst", "postrm"):
        script = debian / name
        script.write_text(DEB_SCRIPT, encoding="utf-8")
        script.chmod(0o755)
    for path in root.rglob("*"):  # dpkg wants sane modes whatever the umask of the build
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    DIST.mkdir(parents=True, exist_ok=True)
    deb = DIST / f"{APP}_{VERSION}_{arch}.deb"
    run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb)
    log(f"{deb.name}: {mb(deb.stat().st_size)}, installed {mb(installed_kib * 1024)}; Depends: {', '.join(depends)}")
    return deb


def make_linux_archive(folder: Path) -> Path:
    machine = os.uname().machine
    name = f"{APP}-{VERSION}-linux-{machine}"
    stage = BUILD / "portable" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(folder, stage, symlinks=True)
    install_desktop_files(stage / "share")
    for script in ("install-for-me.sh",):
        shutil.copy(INSTALLERS / "linux" / script, stage / script)
        (stage / script).chmod(0o755)
    text = (INSTALLERS / "linux" / "README-portable.txt").read_text(encoding="utf-8")
    (stage / "README.txt").write_text(text.replace("@VERSION@", VERSION), encoding="utf-8")
    DIST.mkdir(parents=True, exist_ok=True)
    archive = DIST / f"{name}.tar.gz"

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        tar.add(stage, arcname=name, filter=normalise)
    log(f"{archive.name}: {mb(archive.stat().st_size)}")
    return archive


# --- Windows ----------------------------------------------------------------------------------------

def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"),
                 os.environ.get("LOCALAPPDATA") and str(Path(os.environ["LOCALAPPDATA"]) / "Programs")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").exists():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def make_windows(folder: Path) -> list[Path]:
    DIST.mkdir(parents=True, exist_ok=True)
    portable = DIST / f"{APP}-{VERSION}-windows-x64-portable.zip"
    with zipfile.ZipFile(portable, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, Path(APP) / path.relative_to(folder))
    log(f"{portable.name}: {mb(portable.stat().st_size)}")
    iscc = find_iscc()
    if iscc is None:
        raise SystemExit("build: Inno Setup 6 (ISCC.exe) is missing: install it from https://jrsoftware.org "
                         "or with `choco install innosetup`, then run this again")
    run(iscc, f"/DAppVersion={VERSION}", f"/DSourceDir={folder}", f"/DIconDir={ICONS}",
        f"/DOutputDir={DIST}", INSTALLERS / "windows" / f"{APP}.iss")
    setup = DIST / f"{APP}-{VERSION}-windows-x64-setup.exe"
    log(f"{setup.name}: {mb(setup.stat().st_size)}")
    return [setup, portable]


# --- macOS ------------------------------------------------------------------------------------------

def make_dmg() -> Path:
    app = FROZEN / f"{APP}.app"
    resources = app / "Contents" / "Resources"
    if not (resources / "cswb-plan.icns").exists():
        raise SystemExit(f"build: {app} lacks the document icon cswb-plan.icns")
    stage = BUILD / "dmg"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    run("ditto", app, stage / app.name)  # keeps the signature, symlinks and extended attributes
    (stage / "Applications").symlink_to("/Applications")
    shutil.copy(INSTALLERS / "macos" / "README.txt", stage / "Read me.txt")
    DIST.mkdir(parents=True, exist_ok=True)
    dmg = DIST / f"{APP}-{VERSION}-macos-{os.uname().machine}.dmg"
    dmg.unlink(missing_ok=True)
    run("hdiutil", "create", "-volname", f"{APP} {VERSION}", "-srcfolder", stage, "-fs", "HFS+",
        "-format", "UDZO", "-ov", dmg)
    log(f"{dmg.name}: {mb(dmg.stat().st_size)}; app {mb(folder_size(app))}")
    return dmg


# --- main -------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=list(PLATFORMS), help="the system to build for (this one)")
    parser.add_argument("--no-freeze", action="store_true",
                        help="reuse the frozen folder of the last build (packaging changes only)")
    parser.add_argument("--keep-cache", action="store_true",
                        help="let PyInstaller reuse its analysis of the last build (faster, for trying things)")
    args = parser.parse_args(argv)
    if sys.version_info < BUILD_PYTHON:
        parser.error(f"installers are built on Python {BUILD_PYTHON[0]}.{BUILD_PYTHON[1]} or newer, "
                     f"where None and True are immortal (see cswb_desktop/qt_guard.py); this is "
                     f"Python {sys.version.split()[0]}: make the build environment with python3.12 -m venv")
    if not sys.platform.startswith(PLATFORMS[args.target]):
        parser.error(f"{args.target} installers are built on {args.target}; this is {sys.platform}. "
                     "See .github/workflows/installers.yml.")
    render_icons()
    folder = FROZEN / APP if args.no_freeze else freeze(keep_cache=args.keep_cache)
    if args.target == "linux":
        outputs = [make_deb(folder), make_linux_archive(folder)]
    elif args.target == "windows":
        outputs = make_windows(folder)
    else:
        outputs = [make_dmg()]
    for path in outputs:
        log(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
