"""Shared fixtures: real servers and a real terminal for the tests that need them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from terminal import SOCKET


@dataclass
class RedisServer:
    """A real ``redis-server`` on a free loopback port, in its own temporary folder."""

    port: int
    process: subprocess.Popen[bytes]

    def uri(self, prefix: str = "test", db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}?prefix={prefix}"

    def stop(self) -> None:
        """Kill the server (tests use it to make the server go away mid-run)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """Start ``redis-server`` (no persistence), wait for PING, kill it at teardown."""
    yield from _redis_server(tmp_path_factory)


@pytest.fixture
def redis_server_6_0(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A ``redis-server`` without the commands Redis 6.2 added that nearsame uses (as Ubuntu
    22.04 and Debian 11 ship Redis 6.0)."""
    yield from _redis_server(tmp_path_factory, "--rename-command", "SMISMEMBER", "")


def _redis_server(tmp_path_factory: pytest.TempPathFactory, *options: str) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed: CI must run scripts/bootstrap-test")
        pytest.skip("redis-server is not installed (scripts/bootstrap-test installs it)")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = RedisServer(port, process)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with redis.Redis(port=port, socket_connect_timeout=0.2) as client:
                    client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        yield server
    finally:
        server.stop()


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A tmux session name (see `terminal.run_in`), and a file for the command run in it to write
    its exit status to; the tests' tmux server is killed at teardown."""
    name = f"nearsame-{uuid.uuid4().hex[:8]}"
    yield name, tmp_path / "status"
    subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True, check=False)
