"""What Tandem's PDF documents share (the review minutes, the board report): reportlab's bundled
Vera fonts registered once as one family, and a canvas that numbers the pages ("Page 2 of 7")
once the document knows how many it has. Both are deterministic: the same content gives the same
bytes (the documents are built with ``invariant=1``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import reportlab  # type: ignore[import-untyped]
from django.utils.translation import gettext as _
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.units import cm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

FONT = "TandemVera"  # reportlab's bundled Bitstream Vera: curly quotes, dashes, é and € included
FONT_FILES = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Italic": "VeraIt.ttf", "-BoldItalic": "VeraBI.ttf"}
FOOTER_COLOUR = colors.HexColor("#555555")


@cache
def register_fonts() -> str:
    """Register reportlab's bundled Vera fonts once, as one family (so <b> and <i> find theirs)."""
    folder = Path(reportlab.__file__).parent / "fonts"
    for suffix, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(f"{FONT}{suffix}", str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
    )
    return FONT


def numbered_canvas(footer: str, *, first: int = 1, pages: list[int] | None = None) -> Callable[..., Any]:
    """A canvas class that writes ``footer`` and "Page n of m" under every page from page
    ``first`` on (2 leaves a cover bare). Pages are kept until the document is saved, then
    numbered; the page count is appended to ``pages`` when given."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            if pages is not None:
                pages.append(len(self._kept))
            for state in self._kept:
                self.__dict__.update(state)
                if self._pageNumber >= first:
                    self._footer(len(self._kept))
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            page = _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": total}
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(FOOTER_COLOUR)
            self.drawString(2 * cm, 1.2 * cm, footer)
            self.drawRightString(self._pagesize[0] - 2 * cm, 1.2 * cm, page)
            self.restoreState()

    return NumberedCanvas
