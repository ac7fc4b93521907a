"""Fixtures for the model tests (defined in llm_helpers, which test modules also import)."""

from llm_helpers import fake_server, llama_server

__all__ = ["fake_server", "llama_server"]
