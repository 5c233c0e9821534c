"""The command line's log output: one line per problem, each warning once."""

from __future__ import annotations

import logging

from novel2board import cli


def test_a_repeated_warning_is_printed_once(capsys):
    cli._setup_logging(0, 0)
    log = logging.getLogger("novel2board.test")
    for _ in range(3):
        log.warning("character 'Edda' has no description")
    log.warning("another problem")
    err = capsys.readouterr().err
    assert err.count("character 'Edda' has no description") == 1
    assert err.count("another problem") == 1
    assert all(line.startswith("warning: ") for line in err.splitlines())
