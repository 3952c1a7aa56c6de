"""The command line as a new user meets it: help everywhere, info and convert on the bundled assets."""

import json
import subprocess
import sys

import pytest

from conftest import REPO
from spatial.cli import _command_modules, build_parser, main

ASSETS = REPO / "assets"


def test_every_command_has_help(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"app", "generate", "reconstruct", "info", "convert", "worlds", "edit", "checkout", "export-version",
            "collider", "export", "render", "batch"} <= set(commands)
    assert len(commands) == len(_command_modules())
    for name in commands:
        with pytest.raises(SystemExit) as e:
            main([name, "--help"])
        assert e.value.code == 0
        assert "usage: spatial" in capsys.readouterr().out


def test_console_script_runs():
    r = subprocess.run([sys.executable, "-m", "spatial", "--version"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("spatial ")


def test_info_and_convert_on_bundled_assets(tmp_path, capsys):
    assert main(["info", str(ASSETS / "sample_meadow.spz"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "spz" and 9_000 <= info["count"] <= 10_000
    out = tmp_path / "meadow.glb"
    assert main(["convert", str(ASSETS / "sample_meadow.ply"), str(out)]) == 0
    capsys.readouterr()
    assert main(["info", str(out), "--json"]) == 0
    glb = json.loads(capsys.readouterr().out)
    assert glb["count"] == info["count"]
    for a, b in zip(info["bounds_min"] + info["bounds_max"], glb["bounds_min"] + glb["bounds_max"]):
        assert abs(a - b) < 2e-3  # SPZ positions are 12-bit fixed point


def test_errors_are_one_line_and_nonzero(tmp_path, capsys):
    bad = tmp_path / "broken.spz"
    bad.write_bytes(b"\x1f\x8b garbage")
    assert main(["info", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "broken.spz" in err and "Traceback" not in err
