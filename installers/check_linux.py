"""Build the Linux packages and smoke-test them as installed: `python installers/check_linux.py`.

1. builds the .deb and the portable .tar.gz (`installers/build.py linux`; skip with --no-build),
2. installs the .deb into a scratch root with dpkg (`dpkg --root`, maintainer scripts run with
   DPKG_ROOT set) and runs the installed programs from it: `cswb --version`, `cswb demo`,
   `cswb check`, `cswb info`, a rejected file, `cswb export`/`board`/`merge` when the commands
   exist, and the window starting (offscreen) on a plan and on the demo and closing cleanly; checks
   the MIME type (by name and by content), the .desktop file and the libraries; removes the
   package again,
3. unpacks the portable archive, runs it from there, installs it with install-for-me.sh into a
   scratch home, runs the installed copy, and uninstalls it,
4. with --timings N: times the start of the frozen program to its first shown window against the
   same from the pip-installed program (the cswb-desktop next to this Python).

Nothing here touches the real home folder or the system: every run gets scratch folders under
build/installers/check/. Not part of the default test run (it takes minutes). Exit code 0 when
every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cswb_desktop import __version__ as VERSION  # noqa: E402

DIST = ROOT / "dist" / "installers"
WORK = ROOT / "build" / "installers" / "check"
FAILURES: list[str] = []


def say(message: str) -> None:
    print(f"check: {message}", flush=True)


def check(ok: bool, what: str, detail: str = "") -> bool:
    say(f"{'ok  ' if ok else 'FAIL'} {what}" + (f" — {detail}" if detail and not ok else ""))
    if not ok:
        FAILURES.append(what)
    return ok


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a user's session would have: no PYTHONPATH, no source tree, a scratch home."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_", "CSWB_", "XDG_"))}
    env.update(HOME=str(home), CSWB_DESKTOP_HOME=str(home / "cswb-home"), LANG="C.UTF-8",
               QT_QPA_PLATFORM="offscreen")
    env.update(extra)
    return env


def run(command: list, env: dict, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def smoke_test(bin_dir: Path, label: str, home: Path) -> None:
    """The installed programs in `bin_dir`, from a folder that has nothing to do with the source."""
    home.mkdir(parents=True, exist_ok=True)
    env = clean_env(home)
    cswb, gui = bin_dir / "cswb", bin_dir / "cswb-desktop"
    r = run([cswb, "--version"], env, home)
    check(r.returncode == 0 and r.stdout.strip() == f"cswb-desktop {VERSION}", f"{label}: cswb --version",
          r.stdout + r.stderr)
    plan = home / "demo.cswb"
    r = run([cswb, "demo", plan], env, home)
    check(r.returncode == 0 and plan.exists(), f"{label}: cswb demo", r.stderr)
    r = run([cswb, "check", plan], env, home)
    check(r.returncode == 0 and "sound plan" in r.stdout, f"{label}: cswb check", r.stdout + r.stderr)
    r = run([cswb, "info", "--json", plan], env, home)
    ok = r.returncode == 0 and json.loads(r.stdout or "{}").get("counts", {}).get("partner", 0) > 0
    check(ok, f"{label}: cswb info --json", r.stderr)
    junk = home / "not-a-plan.cswb"
    junk.write_bytes(b"this is not a database" * 100)
    r = run([cswb, "check", junk], env, home)
    check(r.returncode == 3 and "Traceback" not in r.stderr, f"{label}: a rejected file gives exit code 3",
          r.stderr)
    commands = run([cswb, "--help"], env, home).stdout
    if re.search(r"\bexport\b", commands):
        out = home / "plan.docx"
        r = run([cswb, "export", plan, out], env, home, timeout=300)
        check(r.returncode == 0 and out.exists() and out.read_bytes()[:2] == b"PK",
              f"{label}: cswb export", r.stderr)
    else:
        say(f"skip {label}: cswb export (no such command yet)")
    if re.search(r"\bboard\b", commands):
        for name in ("board.png", "board.svg"):
            r = run([cswb, "board", plan, home / name], env, home)
            check(r.returncode == 0 and (home / name).stat().st_size > 0, f"{label}: cswb board {name}",
                  r.stderr)
    else:
        say(f"skip {label}: cswb board (no such command yet)")
    if re.search(r"\bmerge\b", commands):
        theirs = home / "theirs.cswb"
        shutil.copy(plan, theirs)
        r = run([cswb, "merge", plan, theirs, "-o", home / "merged.cswb"], env, home)
        check(r.returncode == 0, f"{label}: cswb merge", r.stderr)
    else:
        say(f"skip {label}: cswb merge (no such command yet)")
    for args, what in (([plan], "a plan file"), (["--demo"], "the demo")):
        r = run([gui, *args], dict(env, CSWB_DESKTOP_STARTUP_PROBE="1"), home)
        shown = "window shown at" in r.stdout and "Birch Narrows" in r.stdout
        check(r.returncode == 0 and shown and "Traceback" not in r.stderr,
              f"{label}: cswb-desktop opens {what} (offscreen) and closes cleanly", r.stdout + r.stderr)
    working = home / "cswb-home" / "data" / "working"
    check(not working.exists() or not any(working.iterdir()),
          f"{label}: no working copy left behind after closing")


def elf_problems(folder: Path) -> list[str]:
    """Libraries that the parts of the bundle which must load cannot find on this system."""
    must_load = [p for p in folder.rglob("*.so*") if p.is_file()
                 and ("plugins" not in p.parts or p.name in ("libqxcb.so", "libqoffscreen.so"))]
    problems = []
    for path in must_load + [folder / "cswb", folder / "cswb-desktop"]:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        problems += [f"{path.name}: {line.split()[0]}" for line in out.splitlines() if "not found" in line]
    return problems


def mime_type_of(path: Path, share: Path, env: dict) -> str:
    """What the desktop would call the file, through Qt's reading of shared-mime-info."""
    script = ("import sys; from PySide6.QtCore import QMimeDatabase; "
              "print(QMimeDatabase().mimeTypeForFile(sys.argv[1]).name())")
    r = run([sys.executable, "-c", script, path], dict(env, XDG_DATA_DIRS=str(share),
                                                     XDG_DATA_HOME=str(share.parent / "empty")), path.parent)
    return r.stdout.strip() or r.stderr.strip()


def check_deb(deb: Path) -> None:
    root = WORK / "root"
    shutil.rmtree(root, ignore_errors=True)
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").touch()
    dpkg = ["dpkg", f"--root={root}", "--log=/dev/null", "--force-script-chrootless",
            "--force-depends", "--force-not-root"]
    r = subprocess.run(dpkg + ["-i", str(deb)], capture_output=True, text=True)
    with_dpkg = r.returncode == 0
    if not with_dpkg:  # dpkg --root wants root to set owners: unpack and run postinst by hand instead
        say(f"dpkg --root did not work here ({r.stderr.strip().splitlines()[-1:]}); unpacking instead")
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        scripts = WORK / "control"
        shutil.rmtree(scripts, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-e", str(deb), str(scripts)], check=True)
        r = subprocess.run([str(scripts / "postinst"), "configure"], env=dict(os.environ, DPKG_ROOT=str(root)),
                           capture_output=True, text=True)
    check(r.returncode == 0, "deb: installed into a scratch root, maintainer scripts run "
          f"({'dpkg --root' if with_dpkg else 'dpkg-deb -x and postinst'})", r.stderr)
    info = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True).stdout
    say("deb control:\n  " + "\n  ".join(info.strip().splitlines()[:8]))
    opt = root / "opt" / "cswb-desktop"
    check((root / "usr/bin/cswb").resolve() == (opt / "cswb").resolve(), "deb: /usr/bin/cswb links to /opt")
    problems = elf_problems(opt)
    check(not problems, "deb: every library the programs need is found", "; ".join(problems[:10]))
    share = root / "usr" / "share"
    desktop = share / "applications" / "cswb-desktop.desktop"
    text = desktop.read_text(encoding="utf-8")
    check("MimeType=application/x-cswb-plan;" in text and "Exec=cswb-desktop %f" in text,
          "deb: .desktop file declares the plan type")
    if shutil.which("desktop-file-validate"):
        r = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        check(r.returncode == 0 and not r.stdout.strip(), "deb: desktop-file-validate", r.stdout)
    for size in (48, 128, 256):
        check((share / f"icons/hicolor/{size}x{size}/apps/cswb-desktop.png").exists(),
              f"deb: {size}px program icon")
    check((share / "mime" / "mime.cache").exists(), "deb: postinst updated the MIME database")
    smoke_test(root / "usr" / "bin", "deb", WORK / "home-deb")
    plan = WORK / "home-deb" / "demo.cswb"
    bare = WORK / "home-deb" / "plan-without-extension"
    shutil.copy(plan, bare)
    env = clean_env(WORK / "home-deb")
    for path, how in ((plan, "by its name"), (bare, "by its content (CSWB at offset 68)")):
        found = mime_type_of(path, share, env)
        check(found == "application/x-cswb-plan", f"deb: a plan is recognised {how}", found)
    installed = sum(f.lstat().st_size for f in opt.rglob("*") if f.is_file())
    say(f"deb: {deb.stat().st_size / 1e6:.1f} MB package, {installed / 1e6:.1f} MB installed in /opt/cswb-desktop")
    if with_dpkg:
        r = subprocess.run(dpkg + ["-r", "cswb-desktop"], capture_output=True, text=True)
        check(r.returncode == 0 and not opt.exists() and not desktop.exists(), "deb: dpkg -r removes it again",
              r.stderr)


def check_archive(archive: Path) -> None:
    unpacked = WORK / "usb-stick"
    shutil.rmtree(unpacked, ignore_errors=True)
    unpacked.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="tar")
    folder = next(unpacked.iterdir())
    check((folder / "README.txt").exists() and (folder / "install-for-me.sh").exists(),
          "archive: README.txt and install-for-me.sh are there")
    smoke_test(folder, "archive, run in place", WORK / "home-usb")
    home = WORK / "home-user"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = clean_env(home)
    r = run(["sh", folder / "install-for-me.sh"], env, home)
    check(r.returncode == 0, "archive: install-for-me.sh installs without root", r.stdout + r.stderr)
    data = home / ".local" / "share"
    desktop = (data / "applications" / "cswb-desktop.desktop").read_text(encoding="utf-8")
    app = data / "cswb-desktop-app"
    check(f'Exec="{app}/cswb-desktop" %f' in desktop, "archive: the .desktop file points at the copy")
    check((data / "mime" / "packages" / "cswb-desktop.xml").exists(), "archive: the MIME type is installed")
    smoke_test(home / ".local" / "bin", "archive, installed for the user", home)
    found = mime_type_of(home / "demo.cswb", data, env)
    check(found == "application/x-cswb-plan", "archive: the user's MIME database knows .cswb", found)
    r = run(["sh", app / "install-for-me.sh", "--uninstall"], env, home)
    check(r.returncode == 0 and not app.exists() and not (home / ".local/bin/cswb").exists()
          and (home / "demo.cswb").exists(), "archive: --uninstall removes it and keeps the plans",
          r.stdout + r.stderr)


def first_window_seconds(command: list, env: dict, cwd: Path) -> float:
    start = time.time()
    r = run(command, dict(env, CSWB_DESKTOP_STARTUP_PROBE="1"), cwd)
    m = re.search(r"window shown at ([0-9.]+)", r.stdout)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"{command[0]} did not report its window: {r.stdout}{r.stderr}")
    return float(m.group(1)) - start


def timings(runs: int, platform: str) -> None:
    home = WORK / "home-timing"
    home.mkdir(parents=True, exist_ok=True)
    env = clean_env(home, QT_QPA_PLATFORM=platform)
    if platform == "xcb":
        env["DISPLAY"] = os.environ.get("DISPLAY", ":0")
    frozen_dir = WORK / "timing-frozen"
    shutil.rmtree(frozen_dir, ignore_errors=True)
    shutil.copytree(ROOT / "build" / "installers" / "frozen" / "cswb-desktop", frozen_dir, symlinks=True)
    candidates = {"frozen (PyInstaller folder)": [frozen_dir / "cswb-desktop", "--demo"]}
    pip_script = Path(sys.executable).parent / "cswb-desktop"
    if pip_script.exists():
        candidates["pip install (this Python)"] = [pip_script, "--demo"]
    else:
        say(f"no pip-installed cswb-desktop beside {sys.executable}: only the frozen program is timed")
    for label, command in candidates.items():
        times = [first_window_seconds(command, env, home) for _ in range(runs)]
        say(f"start to first window on the demo plan, {label}, {platform}: first {times[0]:.2f} s, "
            f"median of {runs} {statistics.median(times):.2f} s, best {min(times):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="test the packages already in dist/installers/")
    parser.add_argument("--timings", type=int, default=0, metavar="N", help="time N starts of each program")
    parser.add_argument("--platform", default="offscreen", choices=["offscreen", "xcb"],
                        help="Qt platform for the timings (xcb uses $DISPLAY, e.g. an Xvfb)")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "installers" / "build.py"), "linux"], check=True)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    debs = sorted(DIST.glob(f"cswb-desktop_{VERSION}_*.deb"))
    archives = sorted(DIST.glob(f"cswb-desktop-{VERSION}-linux-*.tar.gz"))
    if not debs or not archives:
        say(f"no packages of version {VERSION} in {DIST}: build them first")
        return 1
    check_deb(debs[-1])
    check_archive(archives[-1])
    if args.timings:
        timings(args.timings, args.platform)
    say(f"{len(FAILURES)} check(s) failed: {', '.join(FAILURES)}" if FAILURES else "every check passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
