"""Compile the .po catalogues to .mo with polib, so no system gettext is needed (`make translations`)."""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def compile_catalogues(base: Path = BASE_DIR / "locale") -> list[Path]:
    written = []
    for po_path in sorted(base.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


if __name__ == "__main__":
    compile_catalogues()
