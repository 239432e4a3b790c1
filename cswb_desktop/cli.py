"""`cswb`: the plan files without a screen, for scripting and for support staff.

Exit codes: 0 success · 1 the command could not finish (say, the output exists and --force was not
given, or the disk is full) · 2 usage error · 3 the input file was rejected (one sentence on
stderr, nothing written) · 4 with --strict, a finding the law requires is still open.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Sequence

from . import __version__
from .core import framework, planfile

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED, EXIT_LAW_OPEN = 0, 1, 2, 3, 4
EXIT_PIPE_CLOSED = 141  # what a shell reports for a program stopped by SIGPIPE (128 + 13)


class CommandFailed(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date like 2025-03-31")


def _refuse_broken_qt() -> None:
    """The commands that draw with Qt stop with one sentence on a PySide6 build known to crash."""
    from .qt_guard import broken_build_refusal

    refusal = broken_build_refusal("cswb")
    if refusal is not None:
        raise CommandFailed(refusal)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise CommandFailed(f"{path} already exists; add --force to replace it.")


# --- commands -----------------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace) -> int:
    target = Path(args.file)
    _refuse_overwrite(target, args.force)
    planfile.create_plan_file(target, community=args.community, community_type=args.type,
                              title=args.title or "", language=args.language, force=True)
    print(f"Created {target}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .core import sample

    target = Path(args.file)
    _refuse_overwrite(target, args.force)
    planfile.create_plan_file(target, community=sample.DEMO_COMMUNITY, community_type="joint",
                              title=sample.DEMO_TITLE, force=True, fill=sample.build_demo)
    print(f"Created the demo plan {target}")
    return EXIT_OK


def plan_info(plan, path: Path) -> dict:
    from .core.summary import step_counts

    profile = plan.profile()
    return {
        "file": str(path),
        "title": profile.title,
        "community": profile.community,
        "community_type": profile.community_type,
        "schema_version": plan.schema_version(),
        "last_modified": plan.last_modified(),
        "counts": plan.counts(),
        "steps": {s.step: s.count for s in step_counts(plan)},
    }


def cmd_info(args: argparse.Namespace) -> int:
    path = Path(args.file)
    with planfile.reading(path) as plan:
        info = plan_info(plan, path)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{info['title']}")
    print(f"  Community:      {info['community']} "
          f"({framework.COMMUNITY_TYPES.get(info['community_type'], info['community_type'])})")
    print(f"  File format:    {info['schema_version']}")
    print(f"  Last modified:  {info['last_modified'] or 'never'}")
    print("  Records:")
    for table, count in info["counts"].items():
        print(f"    {table:<22} {count:>7}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .core import checks

    path = Path(args.file)
    with planfile.reading(path) as plan:
        findings = checks.run_checks(plan, today=args.today)
        title = plan.profile().title
    law_open = checks.law_findings_open(findings)
    if args.json:
        print(json.dumps({
            "file": str(path), "file_ok": True, "title": title,
            "findings": [{"code": f.code, "severity": f.severity, "message": f.message,
                          "step": f.step, "table": f.table, "record_id": f.record_id}
                         for f in findings],
        }, ensure_ascii=False, indent=2))
    else:
        print(f"{path.name}: the file is a sound plan ({title}).")
        if not findings:
            print("No open findings: the plan meets every check.")
        for f in findings:
            tag = "required by law" if f.severity == "law" else "recommended"
            step = framework.STEPS_BY_CODE[f.step].title if f.step in framework.STEPS_BY_CODE else f.step
            print(f"- [{tag}] {f.message} (step: {step})")
        if findings:
            n_law = sum(1 for f in findings if f.severity == "law")
            print(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}, "
                  f"{n_law} required by law.")
    return EXIT_LAW_OPEN if (args.strict and law_open) else EXIT_OK


BOARD_MIN_DPI, BOARD_MAX_DPI, BOARD_MAX_PIXELS = 72, 2400, 20_000


def cmd_board(args: argparse.Namespace) -> int:
    source, target = Path(args.file), Path(args.out)
    kind = target.suffix.lower()
    if kind not in (".png", ".svg"):
        raise CommandFailed(f"{target.name} must end in .png or .svg.", EXIT_USAGE)
    if not BOARD_MIN_DPI <= args.dpi <= BOARD_MAX_DPI:
        raise CommandFailed(f"--dpi must be between {BOARD_MIN_DPI} and {BOARD_MAX_DPI}.", EXIT_USAGE)
    if not 1 <= args.width_cm <= 200:
        raise CommandFailed("--width-cm must be between 1 and 200.", EXIT_USAGE)
    if kind == ".png" and args.width_cm / 2.54 * args.dpi > BOARD_MAX_PIXELS:
        raise CommandFailed(f"{args.width_cm:g} cm at {args.dpi} dpi would be wider than "
                            f"{BOARD_MAX_PIXELS:,} pixels; lower --dpi or --width-cm.", EXIT_USAGE)
    _refuse_overwrite(target, args.force)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a picture needs no screen
    _refuse_broken_qt()
    from .board.painter import render_board_png, render_board_svg

    with planfile.reading(source) as plan:
        if kind == ".svg":
            data = render_board_svg(plan, width_cm=args.width_cm)
        else:
            data = render_board_png(plan, width_cm=args.width_cm, dpi=args.dpi)
    _write_replacing(target, data)
    print(f"Wrote the target board {target}")
    return EXIT_OK


def _write_replacing(target: Path, data: bytes) -> None:
    """Write beside the target, then replace it in one step: never a half-written picture."""
    import tempfile

    temp = None
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent if str(target.parent) else ".")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise CommandFailed(f"Could not write {target}: {exc.strerror or exc}.") from exc
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


def cmd_export(args: argparse.Namespace) -> int:
    from .export import ExportError, export_plan, export_progress_report

    source, target = Path(args.file), Path(args.out)
    if target.suffix.lower() != ".docx":
        raise CommandFailed(f"{target.name} must end in .docx; Word documents are written as .docx.",
                            EXIT_USAGE)
    if args.report == "progress" and args.draft:
        raise CommandFailed("--draft applies to the plan document only, not to the progress report.",
                            EXIT_USAGE)
    if args.report == "plan" and (args.period_start or args.period_end):
        raise CommandFailed("--period-start and --period-end apply to the progress report only.",
                            EXIT_USAGE)
    _refuse_overwrite(target, args.force)
    _refuse_broken_qt()
    template = Path(args.template) if args.template else None
    notes: list[str] = []
    with planfile.reading(source) as plan:
        try:
            if args.report == "progress":
                written = export_progress_report(plan, target, template=template,
                                                 period_start=args.period_start,
                                                 period_end=args.period_end)
            else:
                written = export_plan(plan, target, template=template, draft=args.draft, notes=notes)
        except ExportError as exc:
            raise CommandFailed(str(exc)) from exc
    what = "progress report" if args.report == "progress" else "plan document"
    print(f"Wrote the {what} {written}")
    for note in notes:
        print(f"cswb: {note}", file=sys.stderr)
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from .core import merge

    mine_path, theirs_path = Path(args.mine), Path(args.theirs)
    out = Path(args.out) if args.out else None
    if args.dry_run and out is not None:
        raise CommandFailed("--dry-run writes nothing, so it cannot go with -o.", EXIT_USAGE)
    if out is not None:
        _refuse_overwrite(out, args.force)
        if planfile.plan_key(out) == planfile.plan_key(mine_path):
            out = None  # -o MINE --force: the same as merging in place
    try:
        theirs = merge.read_copy(theirs_path, name=args.name or theirs_path.name)
        if args.dry_run:
            with planfile.reading(mine_path) as plan:
                review = merge.preview(plan, theirs, prefer=args.prefer)
            written = None
        elif out is None:
            review, written = _merge_in_place(mine_path, theirs, args.prefer)
        else:
            review, written = _merge_into_new_file(mine_path, out, theirs, args.prefer)
    except merge.DifferentPlan as exc:
        raise CommandFailed(str(exc), EXIT_REJECTED) from exc
    except merge.MergeError as exc:
        raise CommandFailed(str(exc)) from exc
    if args.json:
        print(json.dumps({**review.as_dict(), "mine_file": str(mine_path), "theirs_file": str(theirs_path),
                          "dry_run": bool(args.dry_run), "written": str(written) if written else None},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    print(review.summary())
    if args.dry_run:
        print("Dry run: nothing was written.")
    elif written is None:
        print(f"{mine_path.name} was not changed.")
    elif out is None:
        print(f"Merged into {written}; the version before the merge was kept among the backups.")
    else:
        print(f"Wrote the merged plan to {written}; {mine_path.name} was not changed.")
    return EXIT_OK


def _merge_in_place(mine_path: Path, theirs, prefer: str):
    """Open MINE as the program does (private working copy), merge, save atomically, close."""
    from .core import merge

    try:
        session = planfile.open_plan(mine_path)
    except planfile.RecoveryPending as exc:
        raise CommandFailed(f"{str(exc).rstrip('.')}: open {mine_path.name} in cswb-desktop to "
                            f"recover or discard them first, or write the merge elsewhere with -o.") from exc
    try:
        if session.read_only:
            raise CommandFailed(f"{mine_path.name} is open in cswb-desktop; close it there first, "
                                f"or write the merge elsewhere with -o.")
        review = merge.preview(session.plan, theirs, prefer=prefer)
        if not review.needs_writing:
            return review, None
        planfile.keep_backup(mine_path, label="before-merge")
        merge.apply(session.plan, review)
        return review, session.save()
    finally:
        session.close(discard=True)


def _merge_into_new_file(mine_path: Path, out: Path, theirs, prefer: str):
    """Merge into a private copy of MINE and save that as OUT; MINE itself is only read."""
    import tempfile

    from .core import merge, paths

    planfile.check_header(mine_path)
    with tempfile.TemporaryDirectory(prefix="merge-", dir=paths.data_dir()) as folder:
        staged = planfile.stage_copy(mine_path, Path(folder))
        session = planfile.open_plan(staged)
        try:
            review = merge.preview(session.plan, theirs, prefer=prefer)
            merge.apply(session.plan, review)
            written = session.save_as(out)
        finally:
            session.close(discard=True)
    return review, written


# --- parser -------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse, with each usage error as one sentence: what is wrong and where the help is."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message.rstrip('.')}; see {self.prog} --help.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cswb",
        description="Work with CSWB plan files (.cswb) without a screen.",
        epilog="Exit codes: 0 success, 1 could not finish, 2 usage error, 3 input file rejected, "
               "4 --strict and a finding the law requires is open.",
    )
    parser.add_argument("--version", action="version", version=f"cswb-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("new", help="create a new, empty plan file",
                       description="Create a new, empty plan file for a community.")
    p.add_argument("file", metavar="FILE", help="the plan file to create (.cswb)")
    p.add_argument("--community", required=True, metavar="NAME", help="the community's name")
    p.add_argument("--type", choices=list(framework.COMMUNITY_TYPES), default="municipality",
                   help="municipality, First Nation, or a joint plan (default: municipality)")
    p.add_argument("--title", metavar="TEXT", help="the plan's title (default: made from the community)")
    p.add_argument("--language", choices=list(framework.LANGUAGES), default="en",
                   help="language of the plan document (default: en)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("demo", help="write the demo plan to a file",
                       description="Write a complete, fictional demo plan to FILE.")
    p.add_argument("file", metavar="FILE", help="the plan file to create (.cswb)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="show a plan's title, community and record counts",
                       description="Show a plan's title, community, file format, last change and record counts.")
    p.add_argument("file", metavar="FILE", help="the plan file (.cswb)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("check", help="check the file's safety, then the plan's readiness",
                       description="Check that FILE is a sound plan file, then list what the law and "
                                   "the toolkit still ask of the plan.")
    p.add_argument("file", metavar="FILE", help="the plan file (.cswb)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--strict", action="store_true",
                   help="exit with code 4 if a finding that the law requires is open")
    p.add_argument("--today", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="judge due dates as of this day (default: today)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("board", help="draw the plan's target board as a PNG or SVG picture",
                       description="Draw the target board of FILE (rings, one wedge per priority "
                                   "risk, every strategy, the gaps and a legend) to OUT, a PNG "
                                   "or SVG picture, black on white so that it prints well. OUT is "
                                   "never replaced unless --force is given.")
    p.add_argument("file", metavar="FILE", help="the plan file (.cswb)")
    p.add_argument("out", metavar="OUT", help="the picture to write: .png or .svg")
    p.add_argument("--dpi", type=int, default=300, metavar="N",
                   help="PNG resolution in dots per inch, 72 to 2400 (default: 300)")
    p.add_argument("--width-cm", type=float, default=16.0, metavar="N",
                   help="printed width in centimetres (default: 16)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_board)

    p = sub.add_parser("export", help="write the plan, or its progress report, as a Word document",
                       description="Write the plan document (or the yearly progress report) of "
                                   "FILE to OUT as a Word document (.docx). OUT is never replaced "
                                   "unless --force is given.")
    p.add_argument("file", metavar="FILE", help="the plan file (.cswb)")
    p.add_argument("out", metavar="OUT", help="the Word document to write (.docx)")
    p.add_argument("--report", choices=("plan", "progress"), default="plan",
                   help="plan: the plan document (default); progress: the progress report")
    p.add_argument("--template", metavar="T.docx",
                   help="a Word document or template whose page set-up, header and styles to use; "
                        "styles it lacks come from the built-in template")
    p.add_argument("--draft", action="store_true",
                   help="mark the plan document as a draft even if the plan has been adopted")
    p.add_argument("--period-start", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="progress report: first day of the reporting period "
                        "(default: a year before its end)")
    p.add_argument("--period-end", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="progress report: last day of the reporting period (default: today)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("merge", help="merge a partner's copy of the plan into yours",
                       description="Merge THEIRS, a partner's copy of the same plan, into MINE and print "
                                   "what it added, changed and deleted, step by step, and how each "
                                   "conflict was decided. MINE is changed only when no -o is given, "
                                   "never with --dry-run, and a backup of it is kept first.")
    p.add_argument("mine", metavar="MINE", help="your plan file (.cswb)")
    p.add_argument("theirs", metavar="THEIRS", help="the partner's copy (.cswb); it is only read")
    p.add_argument("-o", "--output", dest="out", metavar="OUT",
                   help="write the merged plan to OUT instead of changing MINE")
    p.add_argument("--prefer", choices=("newer", "mine", "theirs"), default="newer",
                   help="how to decide conflicts: the newer edit (default), or always mine or theirs")
    p.add_argument("--dry-run", action="store_true", help="only print what the merge would do")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--name", metavar="TEXT",
                   help="what to call the partner in the summary (default: THEIRS's file name)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_merge)
    return parser


def _log_unexpected(exc: BaseException) -> Path | None:
    try:
        from .core import paths

        log = paths.log_dir() / "cswb.log"
        logging.basicConfig(filename=log, level=logging.ERROR)
        logging.getLogger("cswb").error("unexpected error\n%s",
                                        "".join(traceback.format_exception(exc)))
        return log
    except Exception:
        return None


def _quiet_closed_pipe() -> None:
    """The reader of our output went away (`cswb info FILE | head -1`): whatever is still buffered
    for it goes to the null device, so that neither this nor Python's own flush at exit complains."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a closed standard output (a pipe whose reader has quit) ends it quietly
    with EXIT_PIPE_CLOSED, as the shell's own tools do."""
    try:
        try:
            return _run(argv)
        finally:
            if sys.stdout is not None:
                sys.stdout.flush()  # here, not at exit: a closed pipe is noticed inside the try
    except BrokenPipeError:
        _quiet_closed_pipe()
        return EXIT_PIPE_CLOSED


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        raise  # the reader has gone: main() ends quietly
    except planfile.FileRejected as exc:
        print(f"cswb: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except planfile.SaveError as exc:
        print(f"cswb: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except CommandFailed as exc:
        print(f"cswb: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("cswb: stopped.", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # no traceback ever reaches a user
        log = _log_unexpected(exc)
        where = f"; details were written to {log}" if log else ""
        print(f"cswb: something went wrong that this program did not expect ({type(exc).__name__}){where}.",
              file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
