"""The `cswb` command line: every command, every exit code, run as a user would run it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cswb_desktop import cli
from cswb_desktop.core import schema


def run(*args: str, env_home: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if env_home is not None:
        env["CSWB_DESKTOP_HOME"] = str(env_home)
    return subprocess.run([sys.executable, "-m", "cswb_desktop.cli", *args], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).resolve().parent.parent)


@pytest.fixture
def demo_file(tmp_path) -> Path:
    target = tmp_path / "demo.cswb"
    assert cli.main(["demo", str(target)]) == 0
    return target


def test_new_creates_a_plan_file_with_the_documented_tables(tmp_path, capsys):
    target = tmp_path / "lakeview.cswb"
    assert cli.main(["new", str(target), "--community", "Lakeview", "--type", "first_nation"]) == 0
    assert "Created" in capsys.readouterr().out
    conn = sqlite3.connect(target)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert set(schema.record_tables()) | set(schema.BOOKKEEPING_TABLES) == tables
    assert {"meta", "tombstone", "history", "field_stamp"} <= tables
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT community, community_type FROM plan").fetchone() == ("Lakeview", "first_nation")
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lakeview.cswb"]


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "plan.cswb"
    target.write_bytes(b"precious")
    assert cli.main(["new", str(target), "--community", "X"]) == cli.EXIT_FAILED
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == b"precious"
    assert cli.main(["new", str(target), "--community", "X", "--force"]) == 0
    assert target.read_bytes()[:16] == b"SQLite format 3\x00"


def test_demo_refuses_to_overwrite_without_force(demo_file, capsys):
    before = demo_file.read_bytes()
    assert cli.main(["demo", str(demo_file)]) == cli.EXIT_FAILED
    assert "already exists" in capsys.readouterr().err
    assert demo_file.read_bytes() == before


def test_info_text_and_json(demo_file, capsys):
    assert cli.main(["info", str(demo_file)]) == 0
    text = capsys.readouterr().out
    assert "File format:" in text and "partner" in text
    assert cli.main(["info", str(demo_file), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["schema_version"] == schema.SCHEMA_VERSION
    assert info["community_type"] == "joint"
    assert info["counts"]["partner"] >= 10
    assert info["counts"]["strategy"] == 12
    assert info["last_modified"].endswith("Z")
    assert set(info["steps"]) >= {"partners", "strategies", "measurement"}


def test_check_prints_findings_and_strict_exit_code(tmp_path, capsys):
    empty = tmp_path / "empty.cswb"
    cli.main(["new", str(empty), "--community", "Nowhere"])
    capsys.readouterr()
    assert cli.main(["check", str(empty)]) == 0
    out = capsys.readouterr().out
    assert "sound plan" in out and "[required by law]" in out
    assert cli.main(["check", str(empty), "--strict"]) == cli.EXIT_LAW_OPEN
    capsys.readouterr()
    assert cli.main(["check", str(empty), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file_ok"] is True
    assert any(f["code"] == "committee_category_missing" and f["severity"] == "law" for f in data["findings"])


def test_check_of_demo_lists_its_findings(demo_file, capsys):
    assert cli.main(["check", str(demo_file), "--json", "--today", "2026-01-15"]) == 0
    data = json.loads(capsys.readouterr().out)
    codes = {f["code"] for f in data["findings"]}
    assert "committee_category_missing" not in codes
    assert "consultation_group_missing" not in codes


def test_rejected_file_exits_3_with_one_sentence_and_is_untouched(tmp_path):
    bad = tmp_path / "bad.cswb"
    bad.write_bytes(os.urandom(4096))
    before = bad.read_bytes()
    for command in (["info", str(bad)], ["check", str(bad)], ["check", str(bad), "--json"]):
        result = run(*command, env_home=tmp_path / "home")
        assert result.returncode == cli.EXIT_REJECTED
        assert "not a CSWB plan file" in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
    assert bad.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["bad.cswb"]
    working = tmp_path / "home" / "data" / "working"
    assert not working.exists() or not any(working.iterdir())


def test_usage_errors_exit_2(tmp_path):
    assert run("frobnicate").returncode == cli.EXIT_USAGE
    assert run("new", str(tmp_path / "x.cswb")).returncode == cli.EXIT_USAGE  # --community missing
    assert run("new", str(tmp_path / "x.cswb"), "--community", "A", "--type", "city").returncode == cli.EXIT_USAGE
    assert run("check", "x.cswb", "--today", "yesterday").returncode == cli.EXIT_USAGE
    assert run().returncode == cli.EXIT_USAGE
    assert not (tmp_path / "x.cswb").exists()


def test_every_command_has_help():
    for command in ([], ["new"], ["demo"], ["info"], ["check"]):
        result = run(*command, "--help")
        assert result.returncode == 0
        assert "usage: cswb" in result.stdout


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("cswb-desktop ")


def test_write_failure_exits_1_with_a_sentence(tmp_path, capsys):
    missing_folder = tmp_path / "gone" / "plan.cswb"
    assert cli.main(["new", str(missing_folder), "--community", "X"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "no longer there" in err


def test_unexpected_errors_never_show_a_traceback(tmp_path, monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(cli, "cmd_info", boom)
    parser_main = cli.main
    demo = tmp_path / "d.cswb"
    cli.main(["new", str(demo), "--community", "X"])
    capsys.readouterr()
    monkeypatch.setattr(cli, "build_parser", _parser_with(boom))
    assert parser_main(["info", str(demo)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "did not expect" in err and "Traceback" not in err and "internal detail" not in err


def _parser_with(func):
    original = cli.build_parser

    def build():
        parser = original()
        for action in parser._subparsers._group_actions:
            action.choices["info"].set_defaults(func=func)
        return parser
    return build


# --- every hostile file of the issue, through the command a support person would run ------------

def _sql(*statements):
    def mutate(path: Path) -> None:
        conn = sqlite3.connect(str(path), isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            conn.execute(statement)
        conn.close()
    return mutate


def _bytes(change):
    return lambda path: path.write_bytes(change(path.read_bytes()))


def _damage_partner_page(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'partner'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (page - 1) * page_size
    data[start + 8:start + page_size] = bytes([0xA5]) * (page_size - 8)
    path.write_bytes(bytes(data))


HOSTILE = {
    "random bytes": (_bytes(lambda b: os.urandom(8192)), "not a CSWB plan file"),
    "empty file": (_bytes(lambda b: b""), "is empty"),
    "truncated plan": (_bytes(lambda b: b[: len(b) // 2]), "cut short"),
    "damaged page": (_damage_partner_page, "damaged"),
    "sqlite file that is not a plan": (_sql("PRAGMA application_id = 0"), "not a CSWB plan"),
    "newer user_version": (_sql(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}"),
                           f"file format {schema.SCHEMA_VERSION + 1}"),
    "added trigger": (_sql("CREATE TRIGGER t AFTER INSERT ON partner BEGIN DELETE FROM plan; END"),
                      "trigger “t”"),
    "table replaced by a view": (_sql("DROP TABLE team", "CREATE VIEW team AS SELECT * FROM partner"),
                                 "view “team”"),
    "extra table": (_sql("CREATE TABLE exfiltrate (x)"), "table “exfiltrate”"),
    "virtual table": (_sql("CREATE VIRTUAL TABLE v USING fts5(x)"), "virtual table “v”"),
    "broken references": (_sql("INSERT INTO evidence (id, created_at, modified_at, modified_by, risk_id) "
                               "VALUES ('e1', 'x', 'x', 'x', 'no-such-risk')"), "broken reference"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_every_hostile_file_exits_3_with_its_sentence(kind, demo_file, tmp_path):
    mutate, words = HOSTILE[kind]
    hostile = tmp_path / "received.cswb"
    hostile.write_bytes(demo_file.read_bytes())
    mutate(hostile)
    before = hostile.read_bytes()
    result = run("check", str(hostile), env_home=tmp_path / "home")
    assert result.returncode == cli.EXIT_REJECTED, result.stderr
    assert words in result.stderr and "received.cswb" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert hostile.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) in (["demo.cswb", "home", "received.cswb"],
                                                          ["demo.cswb", "received.cswb"])
