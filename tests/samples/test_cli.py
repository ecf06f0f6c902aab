"""``python -m samples.miniweb``: help, serve, clean shutdown on SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_help():
    out = subprocess.run(
        [sys.executable, "-m", "samples.miniweb", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--filler", "--config-out", "--log", "--slow"):
        assert option in out


def test_serve_and_sigint(tmp_path):
    config, log = tmp_path / "veille.toml", tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samples.miniweb",
            "serve",
            "--filler",
            "50",
            "--config-out",
            str(config),
            "--log",
            str(log),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not lines or "Ctrl-C" not in lines[-1]:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        url = next(x.split()[1] for x in lines if x.startswith("lequotidien"))
        assert urllib.request.urlopen(url + "rss.xml").status == 200
        sources = tomllib.loads(config.read_text())["sources"]
        assert sources[0]["urls"][0] == url + "rss.xml"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "arrêté." in proc.stdout.read()
        assert '"path": "/rss.xml"' in log.read_text()
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()  # closes its pipes
