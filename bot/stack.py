"""Starting and stopping the whole stack (Rasa server + app) for `madoguchi run` and the end-to-end tests."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

__all__ = ["Stack", "StackError"]

ROOT = Path(__file__).resolve().parent.parent


class StackError(RuntimeError):
    pass


@dataclass
class Stack:
    """Rasa (`.venv-rasa`) and the app (this interpreter) as child processes, logs in `home/logs`."""

    home: Path
    app_port: int = 8000
    rasa_port: int = 5005
    host: str = "127.0.0.1"
    model: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    rasa_bin: Path = ROOT / ".venv-rasa" / "bin" / "rasa"
    enable_api: bool = False  # Rasa's HTTP API (conversation trackers): for tests and benchmarks on loopback only
    _procs: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    # Rasa calls the app's action endpoint with this token; one is made up when none is configured.
    action_token: str = field(default_factory=lambda: os.environ.get("MADOGUCHI_ACTION_TOKEN") or secrets.token_hex(16))

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    def _environ(self) -> dict[str, str]:
        return {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "PYTHONPATH": str(ROOT),
            "MADOGUCHI_HOME": str(self.home),
            "MADOGUCHI_TRACKER_DB": str(self.home / "tracker.db"),
            "MADOGUCHI_RASA_URL": self.rasa_url,
            "MADOGUCHI_PORT": str(self.app_port),
            "MADOGUCHI_ACTION_TOKEN": self.action_token,
            **self.env,
        }

    def _spawn(self, name: str, argv: list[str]) -> None:
        logs = self.home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"{name}.log", "ab") as out:
            proc = subprocess.Popen(
                argv, cwd=ROOT, env=self._environ(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._procs.append((name, proc))

    def start(self, *, timeout: float = 180.0) -> Stack:
        if not self.rasa_bin.exists():
            raise StackError(f"{self.rasa_bin} is missing: run `make setup`.")
        model = self.model or self.home / "models" / "madoguchi.tar.gz"
        if not model.exists():
            raise StackError(f"No trained Rasa model at {model}: run `make train`.")
        endpoints = self.home / "endpoints.yml"
        endpoints.parent.mkdir(parents=True, exist_ok=True)
        endpoints.write_text(
            (ROOT / "endpoints.yml").read_text().replace("127.0.0.1:8000", f"{self.host}:{self.app_port}")
        )
        self._spawn(
            "app",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bot.app:create_app",
                "--factory",
                "--host",
                self.host,
                "--port",
                str(self.app_port),
                "--log-level",
                "warning",
            ],
        )
        self._spawn(
            "rasa",
            [
                str(self.rasa_bin),
                "run",
                "-i",
                self.host,
                "-p",
                str(self.rasa_port),
                "--model",
                str(model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
                *(["--enable-api"] if self.enable_api else []),
            ],
        )
        try:
            self._wait(f"{self.app_url}/health", "app", timeout)
            self._wait(f"{self.rasa_url}/", "rasa", timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, url: str, name: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pname, proc in self._procs:
                if proc.poll() is not None:
                    raise StackError(f"{pname} exited with {proc.returncode}; see {self.home / 'logs' / pname}.log")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise StackError(f"{name} did not answer at {url} within {timeout:.0f} s")

    def stop(self, *, grace: float = 15.0) -> None:
        for _, proc in self._procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _, proc in self._procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self._procs.clear()

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self._procs}

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
