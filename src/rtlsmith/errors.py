"""Errors rtlsmith raises. User-facing messages say what was wrong and what to do."""

from __future__ import annotations


class RtlsmithError(Exception):
    """Base class for every error rtlsmith raises on purpose."""


class UsageError(RtlsmithError):
    """Bad input from the user: a file, flag or value that cannot be used as given."""


class SuiteError(RtlsmithError):
    """A suite or task could not be loaded."""


class ToolNotFoundError(RtlsmithError):
    """An external tool (iverilog, verilator, yosys, bwrap) is not installed."""


class ModelError(RtlsmithError):
    """A model backend failed (unreachable, bad key, unknown model, malformed response)."""


class ModelLimitError(ModelError):
    """The model cannot answer this request as asked: the prompt and answer exceed its context window.

    A property of the model and of the prompt the agent built, not a fault of the server: the same request
    fails the same way every time, so a bench records the sample (stop reason `model_error`) instead of
    redoing it."""


class IllegalTransition(RtlsmithError):
    """A finite-state machine was asked to take a transition its table does not list."""


class HiddenAccessError(RtlsmithError):
    """Code tried to read a task's hidden checks without declaring a scoring purpose."""
