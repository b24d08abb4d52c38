#!/usr/bin/env python3
"""Run the repository's pre-commit hooks on all files (`make lint`).

Uses the `pre-commit` found on PATH or in this Python; otherwise installs it
from PyPI into a small virtualenv outside the repository. pre-commit then builds
each hook's own environment from PyPI (see .pre-commit-config.yaml).

Only files that git knows are linted: `git add` (or `git add -N`) new files
first. Extra arguments are passed on, e.g. `python3 tools/lint.py ruff` runs
a single hook.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

PRE_COMMIT = "pre-commit==4.6.0"
ROOT = Path(__file__).resolve().parent.parent
DATA_HOME = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
VENV = DATA_HOME / "odoo_famiglie_rete" / "lint-venv"
MACHINE_CONSTRAINTS = "/etc/xdg/pip/constraints.txt"


def pip_environ():
    """The environment, with this machine's pip constraints kept in force."""
    env = os.environ.copy()
    if os.path.exists(MACHINE_CONSTRAINTS):
        constraints = env.get("PIP_CONSTRAINT", "").split()
        if MACHINE_CONSTRAINTS not in constraints:
            constraints.append(MACHINE_CONSTRAINTS)
        env["PIP_CONSTRAINT"] = " ".join(constraints)
    return env


def pre_commit_command(env):
    """The command that runs pre-commit, installing it first if needed."""
    venv_pre_commit = VENV / "bin" / "pre-commit"
    if venv_pre_commit.exists():
        return [str(venv_pre_commit)]
    if shutil.which("pre-commit"):
        return ["pre-commit"]
    if importlib.util.find_spec("pre_commit"):
        return [sys.executable, "-m", "pre_commit"]
    print(f"lint: installing {PRE_COMMIT} into {VENV}", flush=True)
    venv.create(VENV, with_pip=True, clear=True)
    subprocess.run(
        [VENV / "bin" / "python", "-m", "pip", "install", "--quiet", PRE_COMMIT],
        env=env,
        check=True,
    )
    return [str(venv_pre_commit)]


def main():
    env = pip_environ()
    command = pre_commit_command(env)
    command += ["run", "--all-files", "--show-diff-on-failure", *sys.argv[1:]]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
