"""Every command of the CLI is in the README: a command nobody can find does not exist.

(After datasette's tests/test_docs.py, which DESIGN.md names as a model.)
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewbot.app.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield " ".join((*prefix, name))
                yield from _commands(sub, (*prefix, name))


COMMANDS = sorted(_commands(build_parser()))


def test_the_walk_finds_the_nested_commands():
    assert {"run", "classify", "db upgrade", "verdicts export"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str):
    assert f"reviewbot {command}" in README, f"`reviewbot {command}` is not in README.md"
