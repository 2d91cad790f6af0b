"""The command-line contracts, run as a user would: the installed `reviewbot` command.

`reviewbot` runs it in a process of its own; `here` runs the same main() in this process
(tests/harness/cli.py), for the checks of what a command answers rather than of how the
process starts, streams and ends: each subprocess costs ~1.5 s of CPU."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewbot.analysis.base import CATEGORIES, MALICIOUS_REASONS, SEVERITIES
from reviewbot.resources import default_templates_dir
from tests.harness.cli import reviewbot_here

ROOT = Path(__file__).resolve().parents[1]


def reviewbot(
    *args: str,
    stdin: bytes = b"",
    timeout: float = 120,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reviewbot", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
    )


def here(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """`reviewbot ARGS` through main() in this process, in the repository's root."""
    return reviewbot_here(*args, cwd=ROOT, stdin=stdin)


LINES = [
    '{"id": "a", "text": "水煮鱼太咸了，送餐还慢", "rating": 2}'.encode(),
    '{"id": 2, "text": "服务员很热情，菜也好吃", "rating": 5}'.encode(),
    b'{"id": "broken", "text": ',  # malformed JSON
    b"\xff\xfe not utf-8",  # invalid UTF-8
    b"[1, 2, 3]",  # not an object
    b"",  # empty line
    '{"id": "r", "text": "还行", "rating": 9}'.encode(),  # rating out of range
    b'{"id": "star-only", "text": "", "rating": 1}',
    '{"id": "html", "text": "<b>头发</b>在汤里<script>x()</script>", "rating": null}'.encode(),
    json.dumps({"id": "huge", "text": "难吃" * 200_000, "rating": 1}).encode(),
    '{"id": "mal", "text": "给我返现50块我就把差评改成好评", "rating": 1}'.encode(),
]
ERRORS = {2: None, 3: None, 4: None, 5: None, 6: "r"}  # line index → the id echoed back


def test_classify_honours_the_contract_line_for_line():
    done = reviewbot("classify", stdin=b"\n".join(LINES) + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(LINES)
    for index, result in enumerate(out):
        if index in ERRORS:
            assert set(result) == {"id", "error"} and result["id"] == ERRORS[index]
            continue
        assert set(result) == {
            "id",
            "sentiment",
            "polarity",
            "negative",
            "categories",
            "malicious",
            "malicious_reasons",
            "severity",
            "script",
            "language",
            "complaints",
            "praise",
            "malicious_evidence",
        }
        assert result["script"] in ("zh-Hans", "zh-Hant", None)
        assert all(c["aspect"].startswith(c["category"] + ".") for c in result["complaints"])
        assert all(set(e) == {"reason", "span", "facts"} for e in result["malicious_evidence"])
        assert 0.0 <= result["sentiment"] <= 1.0
        assert result["polarity"] in ("negative", "neutral", "positive")
        assert result["severity"] in SEVERITIES
        assert all(
            c["name"] in CATEGORIES and c["polarity"] in ("negative", "neutral", "positive")
            for c in result["categories"]
        )
        assert set(result["malicious_reasons"]) <= set(MALICIOUS_REASONS)
    by_id = {r["id"]: r for r in out}
    assert by_id["a"]["negative"] is True and by_id[2]["negative"] is False  # ids keep their type
    assert by_id["star-only"]["polarity"] == "negative"
    assert by_id["html"]["severity"] in ("high", "critical")  # hair in the soup
    assert by_id["mal"]["malicious"] is True and "extortion" in by_id["mal"]["malicious_reasons"]
    assert "error" in out[3] and "UTF-8" in out[3]["error"]


def test_draft_honours_the_contract_line_for_line():
    # main() in this process: the classify contract above is the one run as a process of
    # its own (as is the streaming in test_classifier_cli.py); ~1.5 s of CPU less each.
    done = here("draft", stdin=b"\n".join(LINES))
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(LINES)
    for index, result in enumerate(out):
        if index in ERRORS:
            assert set(result) == {"id", "error"}
            continue
        assert set(result) == {"id", "reply", "template", "principles"}
        assert result["reply"].strip() and result["template"]
        assert set(result["principles"]) <= {"shoulder", "sincerity", "speed", "system", "standard"}
    by_id = {r["id"]: r for r in out}
    assert by_id["a"]["template"] == "negative/food"
    assert "水煮鱼" in by_id["a"]["reply"] and "咸" in by_id["a"]["reply"]  # names what they named
    assert by_id["mal"]["template"] == "malicious"
    assert by_id["star-only"]["template"] == "star_only"
    assert by_id["html"]["template"] == "crisis/hygiene"
    assert "shoulder" in by_id["a"]["principles"] and "sincerity" in by_id["a"]["principles"]


GUARD_LINES = [
    '{"id": "free", "text": "抱歉，菜钱全免"}'.encode(),
    '{"id": 2, "text": "您好，麻婆豆腐太咸是我们的问题。", "review": "麻婆豆腐太咸了"}'.encode(),
    '{"id": "own-phone", "text": "请打店长电话 028-6543 2100", "store": "laojiefang"}'.encode(),
    '{"id": "no-store-phone", "text": "请打店长电话 028-6543 2100"}'.encode(),
    b'{"id": "no-text"}',
    b'{"id": "bad-review", "text": "x", "review": 5}',
    b'{"id": "nope", "text": "x", "store": "nope"}',
    b'{"id": "broken", "text": ',
    b"\xff\xfe not utf-8",
    b"",
]


def test_guard_honours_the_contract_line_for_line():
    done = here("guard", "--config", "config.example.toml", stdin=b"\n".join(GUARD_LINES) + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(GUARD_LINES)
    errors = {4: "no-text", 5: "bad-review", 6: "nope", 7: None, 8: None, 9: None}
    for index, result in enumerate(out):
        if index in errors:
            assert set(result) == {"id", "error"} and result["id"] == errors[index], result
            continue
        assert list(result) == ["id", "ok", "violations"]
        assert result["ok"] is (not result["violations"])
        for violation in result["violations"]:
            assert list(violation) == ["rule", "span", "message", "suggestion"]
            assert violation["span"] in GUARD_LINES[index].decode()
    by_id = {r["id"]: r for r in out}
    (promise,) = by_id["free"]["violations"]
    assert promise["rule"] == "promise" and promise["span"] == "菜钱全免"
    assert "请私下联系顾客" in promise["suggestion"]
    assert by_id[2] == {"id": 2, "ok": True, "violations": []}  # the dish is the customer's
    assert by_id["own-phone"]["ok"] is True  # the store's own contact, from --config
    assert not by_id["no-store-phone"]["ok"]  # no store named: a number nobody configured
    assert "no store" in out[6]["error"] and "UTF-8" in out[8]["error"]


EDGE_LINES = [
    b'{"id": NaN, "text": "x"}',  # Python's json reads it; no strict reader could echo it
    b'{"id": -Infinity, "text": "x"}',
    b'{"id": "s\\ud800", "text": "\\udc80 \xe6\xb1\xa4\xe5\x87\x89\xe4\xba\x86", "rating": 1}',
    '{"id": "a\u2028b\u0085c", "text": "汤里\u2029有头发", "rating": 1}'.encode(),
    b'{"id": "keep-me", "text": "\xff\xfe bad bytes in the text only"}',
    b'{"id": "\xff", "text": "bad bytes in the id"}',
]


def _strict(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON")


@pytest.mark.parametrize("command", ["classify", "draft", "guard"])
def test_odd_ids_and_text_still_give_one_strict_json_line_each(command):
    done = here(command, stdin=b"\n".join(EDGE_LINES) + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    # Python's splitlines also splits on U+2028, U+2029 and U+0085: they must be escaped.
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(EDGE_LINES), lines
    out = [json.loads(line, parse_constant=_strict) for line in lines]
    assert out[0] == out[1] == {"id": None, "error": '"id" must be a string or a finite number'}
    assert out[2]["id"] == "s\ud800" and "error" not in out[2]  # echoed exactly; text read
    assert out[3]["id"] == "a\u2028b\u0085c" and "error" not in out[3]
    assert out[4]["id"] == "keep-me" and "UTF-8" in out[4]["error"]
    assert out[5]["id"] is None and "UTF-8" in out[5]["error"]


def test_a_missing_model_is_one_line_not_a_traceback(tmp_path):
    done = here("classify", "--model", str(tmp_path / "nope.npz"), stdin=b'{"id": 1}\n')
    err = done.stderr.decode()
    assert done.returncode != 0 and "Traceback" not in err
    assert err.count("\n") == 1 and "nope.npz" in err


def test_draft_can_sign_as_a_configured_store():
    line = '{"id": 1, "text": "麻婆豆腐太咸了", "rating": 2}'.encode()
    done = here("draft", "--config", "config.example.toml", "--store", "laojiefang", stdin=line)
    reply = json.loads(done.stdout)["reply"]
    assert "老街坊川菜馆 店长老王" in reply


def owners_library(tmp_path: Path) -> Path:
    """An owner's copy of the templates with their own star-only wording."""
    directory = tmp_path / "my-templates"
    shutil.copytree(default_templates_dir(), directory)
    path = directory / "star_only.toml"
    text = re.sub(
        r"(?ms)^sincerity = \[.*?^\]",
        'sincerity = ["老王在这里给您赔个不是。"]',
        path.read_text(encoding="utf-8"),
    )
    path.write_text(text, encoding="utf-8")
    return directory


def config_with_templates(tmp_path: Path, templates: Path) -> Path:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert "# templates_dir =" in example
    config = tmp_path / "config.toml"
    config.write_text(
        example.replace("# templates_dir = ", f"templates_dir = {str(templates)!r}\n# "),
        encoding="utf-8",
    )
    return config


def test_draft_uses_the_owners_templates_from_the_config(tmp_path):
    config = config_with_templates(tmp_path, owners_library(tmp_path))
    lines = b"\n".join(f'{{"id": {i}, "text": "", "rating": 1}}'.encode() for i in range(3))
    done = here("draft", "--config", str(config), "--store", "laojiefang", stdin=lines)
    assert done.returncode == 0, done.stderr.decode()
    replies = [json.loads(line)["reply"] for line in done.stdout.decode().splitlines()]
    assert all("老王在这里给您赔个不是。" in reply for reply in replies)
    shipped = here("draft", "--config", "config.example.toml", stdin=lines)
    assert "老王在这里" not in shipped.stdout.decode()


@pytest.mark.slow
def test_the_daemon_uses_the_owners_templates_and_refuses_broken_ones(tmp_path):
    from reviewbot.app.daemon import Daemon
    from reviewbot.config import load_settings
    from reviewbot.replies.templates import TemplateError

    library = owners_library(tmp_path)
    daemon = Daemon(load_settings(config_with_templates(tmp_path, library)))
    assert daemon.drafter.library.find("star_only").parts["sincerity"] == (
        "老王在这里给您赔个不是。",
    )
    (library / "common.toml").write_text("greeting = [\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"common\.toml: malformed TOML"):
        Daemon(load_settings(config_with_templates(tmp_path, library)))
    done = reviewbot("run", "--config", str(tmp_path / "config.toml"))
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "common.toml: malformed TOML" in err and "Traceback" not in err


def test_a_bad_config_is_reported_without_a_traceback(tmp_path):
    (tmp_path / "bad.toml").write_text("[[stores]]\nid = 1\n", encoding="utf-8")
    done = here("sources", "--config", str(tmp_path / "bad.toml"))
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "stores.0.id" in err and "Traceback" not in err


@pytest.mark.slow
def test_demo_prints_its_summary_as_the_last_line():
    done = reviewbot("demo", "--seconds", "4", "--seed", "3")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    summary = json.loads(done.stdout.decode().splitlines()[-1])
    assert set(summary) == {"reviews", "negative", "malicious", "drafts", "alerts"}
    assert summary["reviews"] > 0 and summary["drafts"] >= summary["reviews"]
    assert summary["alerts"] > 0 and summary["alerts"] <= summary["negative"] + summary["malicious"]
    assert "建议回复" in done.stdout.decode()  # the console alerts came first


def test_db_upgrade_creates_then_reports_up_to_date(tmp_path):
    (tmp_path / "c.toml").write_text(
        '[database]\nurl = "sqlite+aiosqlite:///x.db"\n[[stores]]\nid = "s"\nname = "店"\n'
        '[[stores.sources]]\nplatform = "demo"\naccount = "a"\n',
        encoding="utf-8",
    )
    first = here("db", "upgrade", "--config", str(tmp_path / "c.toml"))
    assert first.returncode == 0 and b"upgraded from empty to" in first.stdout
    second = here("db", "upgrade", "--config", str(tmp_path / "c.toml"))
    assert b"up to date" in second.stdout
    assert (tmp_path / "x.db").exists()  # relative to the config file, not the cwd


@pytest.mark.slow
def test_the_daemon_stops_cleanly_on_sigterm_and_resumes(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(  # no fixed seed: each run's simulator is a new one, as in real use
        '[database]\nurl = "sqlite+aiosqlite:///bot.db"\n'
        "[demo]\nport = 0\nreviews_per_minute = 120\nbacklog = 5\n"
        "[daemon]\npoll_interval_seconds = 1\n"
        '[[stores]]\nid = "s"\nname = "店"\n[[stores.sources]]\nplatform = "demo"\naccount = "a"\n',
        encoding="utf-8",
    )

    def reviews() -> int:
        try:
            with sqlite3.connect(tmp_path / "bot.db", timeout=5) as connection:
                return connection.execute("SELECT count(*) FROM reviews").fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            return 0

    def run_until(stored: int) -> tuple[int, str]:
        """Start the daemon, let it work until `stored` reviews are in its database (it is
        still polling, analysing and alerting: reviews keep coming), then SIGTERM. Not a
        fixed time: seconds of real time, and of the daemon's CPU, for a backlog of five."""
        log = tmp_path / "daemon.log"
        with open(log, "wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "reviewbot", "run", "-c", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=err,
                cwd=tmp_path,
            )
            deadline = time.monotonic() + 90
            while b"reviewbot running" not in log.read_bytes():
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            while reviews() < stored:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        return process.returncode, log.read_text(encoding="utf-8")

    def state() -> tuple[int, int, str | None, int]:
        with sqlite3.connect(tmp_path / "bot.db") as connection:
            reviews = connection.execute("SELECT count(*) FROM reviews").fetchone()[0]
            errors, last_error = connection.execute(
                "SELECT consecutive_errors, last_error FROM sources"
            ).fetchone()
            unsent = connection.execute(
                "SELECT count(*) FROM outbox WHERE status != 'sent'"
            ).fetchone()[0]
        return reviews, errors, last_error, unsent

    code, log = run_until(5)
    assert code == 0 and "stopped cleanly" in log, log[-2000:]
    first = state()
    assert first[0] >= 5 and first[1:] == (0, None, 0), first
    code, log = run_until(first[0] + 5)
    assert code == 0 and "stopped cleanly" in log, log[-2000:]
    second = state()
    # The new simulator's reviews (at least its backlog of 5) come after the cursor the
    # first run stored, so they are read; every poll succeeded and every alert went out.
    assert second[0] >= first[0] + 5 and second[1:] == (0, None, 0), second


def test_a_busy_demo_port_is_a_one_line_hint(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "c.toml").write_text(
            f'[database]\nurl = "sqlite+aiosqlite:///bot.db"\n[demo]\nport = {port}\n'
            '[[stores]]\nid = "s"\nname = "店"\n[[stores.sources]]\nplatform = "demo"\n'
            'account = "a"\n',
            encoding="utf-8",
        )
        done = reviewbot("run", "-c", str(tmp_path / "c.toml"))
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert f"127.0.0.1:{port}" in err and "[demo] port = 0" in err
    assert "Traceback" not in err and "Unclosed" not in err


@pytest.mark.parametrize("argv", [["--help"], ["classify", "--help"], ["db", "--help"]])
def test_help_works(argv):
    done = here(*argv)
    assert done.returncode == 0 and b"usage: reviewbot" in done.stdout


def test_draft_says_why_a_reply_is_blocked_and_who_may_post_it(tmp_path):
    """A store whose own signature promises something (免费) can get no clean draft: the
    contract keys come first and unchanged, then the violations and the role needed."""
    config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    signed = 'signature = "老街坊川菜馆 店长老王（到店免费停车）"'
    config = config.replace('signature = "老街坊川菜馆 店长老王"', signed, 1)
    assert signed in config
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    lines = [
        '{"id": "salty", "text": "麻婆豆腐太咸了", "rating": 2}'.encode(),
        '{"id": "hair", "text": "水煮鱼里吃出一根头发", "rating": 1}'.encode(),
    ]
    done = here(
        "draft",
        "--config",
        str(tmp_path / "config.toml"),
        "--store",
        "laojiefang",
        stdin=b"\n".join(lines),
    )
    assert done.returncode == 0, done.stderr.decode()
    out = {line["id"]: line for line in map(json.loads, done.stdout.decode().splitlines())}
    for result in out.values():
        assert list(result)[:4] == ["id", "reply", "template", "principles"]
        assert list(result)[4:] == ["violations", "requires_role"]
        (violation,) = result["violations"]
        assert violation["code"] == "promise" and violation["found"] == "免费"
        assert "免费" in violation["message"]
    assert out["salty"]["requires_role"] == "staff"
    assert out["hair"]["requires_role"] == "manager"
