"""Where the reply templates, catalogs and platform playbooks are: templates and catalogs
inside the installed package or in the source checkout (`templates/` and `locales/` at the
top of the repository); playbooks always inside the package (`bot/data/playbooks/`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(name: str) -> Path:
    packaged = Path(str(resources.files("bot"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"replybot's {name}/ folder is missing (looked in {packaged})")


def templates_dir() -> Path:
    return _folder("templates")


def locales_dir() -> Path:
    return _folder("locales")


def playbooks_dir() -> Path:
    """The platform playbooks (`bot/data/playbooks/`), shipped inside the package."""
    folder = Path(str(resources.files("bot"))) / "data" / "playbooks"
    if not folder.is_dir():
        raise FileNotFoundError(f"replybot's platform playbooks are missing (looked in {folder})")
    return folder
