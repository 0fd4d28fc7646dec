"""The fonts a printing process unpacks (28 MB, common.pdf) do not outlive it: a worker killed outright leaves
them behind, and the next process of the machine that prints removes them; one that ends normally removes its
own. Real processes, killed with SIGKILL as the kernel's out-of-memory killer does."""

import os
import signal
import subprocess
import sys

from django.conf import settings

from common import pdf

# A process that reads the portal's fonts, as a PDF worker does before its first PDF, and says where they went.
PRINTS = (
    "import django; django.setup(); from common import pdf; pdf.fonts_stylesheet(); "
    "print(pdf.font_config()._folder, flush=True)"
)


def _printer(tmp_path, *, then: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRINTS + then],
        env={**os.environ, "TMPDIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "apo_portal.settings.test"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _folders(tmp_path) -> list:
    return sorted((tmp_path / pdf.FONT_FOLDERS).iterdir())


def test_a_killed_printers_fonts_are_removed_by_the_next_printer_and_a_finished_one_removes_its_own(tmp_path):
    killed = _printer(tmp_path, then="; import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    unpacked = killed.stdout.strip()
    (left,) = _folders(tmp_path)
    assert unpacked.startswith(str(left)) and sum(1 for _ in left.rglob("*")) > 500  # every font file, left

    finished = _printer(tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert not left.exists()
    assert _folders(tmp_path) == []  # its own folder went when it ended
    assert sorted(tmp_path.iterdir()) == [tmp_path / pdf.FONT_FOLDERS]  # and nothing of WeasyPrint's outside it
