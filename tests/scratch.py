"""Scratch copies of the repository for end-to-end tests (Snakemake never runs in the repo)."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_repository(dest: Path) -> Path:
    """The committed and untracked-but-not-ignored files of the repository, nothing built."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def env_for(cwd: Path) -> dict:
    """The copy's own sources first, so that edits made in the copy are what runs."""
    return {**os.environ, "PYTHONPATH": str(Path(cwd) / "src")}
