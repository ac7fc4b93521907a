"""The command line: every click command and all terminal printing (rich) of rtlsmith.

Owns: the click application (`app.main`, the `rtlsmith` entry point), one module per command family
(`agent`: run, trace, agent; `bench`; `stored`: runs, report, compare; `export`; `models`: models,
generate; `scoring`: tasks, score, check; `assertions`: assert; `pictures`: fsm, schematic; `routing`:
route; `doctor`), and the terminal tables of a bench run (`tables`).

May import: any rtlsmith package. Nothing outside this package imports it or imports click or rich
(`tests/test_layout.py`): domain packages return data and raise typed errors (`rtlsmith.errors`), and the
commands here turn those into tables, JSON and exit statuses.
"""

from rtlsmith.cli.app import main

__all__ = ["main"]
