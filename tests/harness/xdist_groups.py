"""`xdist_group` for pytest 9 (a plugin: `-p tests.harness.xdist_groups` in pyproject's
addopts). pytest-xdist 3.8 groups tests by appending `@group` to each item's `_nodeid` on
the worker, but pytest 9 keeps a node's id in `_id` (a NodeId): the suffix never reached
the scheduler, so `--dist loadgroup` spread a group over every worker (the browser tests
launched a Chromium and a daemon per worker, not per run). This appends it where pytest 9
reads it, and does nothing where xdist's own suffix took effect (pytest 8)."""

from __future__ import annotations

import pytest

try:
    from _pytest.nodeid import coerce_node_id
except ImportError:  # pytest 8: xdist's own suffix takes effect
    coerce_node_id = None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if coerce_node_id is None or not getattr(config.option, "loadgroup", False):
        return  # pytest 8, or not an xdist worker of a `--dist loadgroup` run
    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if not names or "@" in item.nodeid.rpartition("]")[2]:
            continue
        item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
