"""The fixtures of the security tests: a loopback server that counts requests, and secrets
planted outside the project."""

from __future__ import annotations

import pytest

from .helpers import LoopbackServer, plant_secrets


@pytest.fixture
def server():
    """A web server on 127.0.0.1 that counts the requests it gets."""
    running = LoopbackServer()
    yield running
    running.close()


@pytest.fixture
def outside(tmp_path):
    """A folder beside the project holding the secrets an attack tries to reach."""
    return plant_secrets(tmp_path / "outside")
