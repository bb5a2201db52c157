"""Where the reply templates and catalogs are: inside the installed package, or in the
source checkout (`templates/` and `locales/` at the top of the repository)."""

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
