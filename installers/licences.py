"""Licence texts of everything a frozen build holds: the program, Python, Qt/PySide6, the
libraries, the font. A folder that is handed on must carry them. Used by cswb-desktop.spec."""

from __future__ import annotations

import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from cswb_desktop import __version__  # noqa: E402


def bundled_distributions(modules: set[str]) -> list:
    """The installed distributions whose top-level packages PyInstaller put into the bundle."""
    owners = metadata.packages_distributions()
    names = sorted({dist for module in modules for dist in owners.get(module, ())}, key=str.lower)
    return [metadata.distribution(name) for name in names]


def write_licences(out: Path, modules: set[str]) -> list[Path]:
    """Licence texts of everything in the bundle: the program, Python, Qt/PySide6, the libraries,
    the font. A folder that is handed on must carry them."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copy(HERE / "licenses" / "GPL-3.0.txt", out / "cswb-desktop-GPL-3.0.txt")
    shutil.copy(HERE / "licenses" / "LGPL-3.0.txt", out / "Qt-PySide6-LGPL-3.0.txt")
    python_licence = Path(sys.base_prefix) / ("LICENSE.txt" if sys.platform == "win32" else
                                              f"lib/python{sys.version_info.major}.{sys.version_info.minor}/LICENSE.txt")
    if python_licence.exists():
        shutil.copy(python_licence, out / "Python-LICENSE.txt")
    shutil.copy(ROOT / "resources" / "fonts" / "OFL.txt", out / "NotoSansCanadianAboriginal-OFL.txt")
    lines = [f"cswb-desktop {__version__}: GPL-3.0-or-later (cswb-desktop-GPL-3.0.txt)",
             f"Python {sys.version.split()[0]}: PSF License (Python-LICENSE.txt)",
             "Noto Sans Canadian Aboriginal: SIL Open Font License 1.1 (NotoSansCanadianAboriginal-OFL.txt)",
             "Qt and PySide6 are used under the LGPL-3.0 (Qt-PySide6-LGPL-3.0.txt); their source is at "
             "https://download.qt.io/official_releases/ and https://code.qt.io/cgit/pyside/pyside-setup.git/",
             "Shared libraries copied from the build system (on Linux: GLib, libX11, libxcb, fontconfig, "
             "FreeType, D-Bus and the like) are free software under their own licences (LGPL, MIT, BSD).",
             ""]
    for dist in bundled_distributions(modules):
        if dist.metadata["Name"] == "cswb-desktop":
            continue
        name, version = dist.metadata["Name"], dist.version
        licence = dist.metadata.get("License-Expression") or dist.metadata.get("License") or ""
        licence = licence.splitlines()[0] if licence else "see the files listed"
        files = [f for f in (dist.files or []) if re.search(r"LICEN[CS]E|COPYING|NOTICE", f.name, re.I)]
        copied = []
        for f in files:
            dest = out / f"{name}-{f.name}"
            shutil.copy(f.locate(), dest)
            copied.append(dest.name)
        lines.append(f"{name} {version}: {licence}" + (f" ({', '.join(copied)})" if copied else ""))
    (out / "README.txt").write_text("Software in this folder and its licences\n\n" + "\n".join(lines) + "\n",
                                    encoding="utf-8")
    return sorted(out.iterdir())
