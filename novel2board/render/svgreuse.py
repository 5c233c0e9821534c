"""Draw each distinct sketch once per PDF, then reuse it.

A chapter's frames show a few dozen distinct sketches for hundreds of
panels, and the sheets already point all panels with the same drawing at one
`data:` URL, so WeasyPrint parses each SVG once.  It still *draws* the SVG
again, path by path, into the page for every panel: about a sixth of the
PDF's time.  A PDF can hold a drawing once as a form XObject and show it
anywhere with one `Do` operator, which is what WeasyPrint does for raster
pictures.  This module makes WeasyPrint do the same for SVG images: the first
time an SVG image is drawn at a given size in a document, it is drawn into a
form XObject of the document's shared resources; every later time, that
form is shown.  The page looks the same (the form is drawn with the same
operators, under the same transformation) and is smaller.

This patches one method of WeasyPrint (`SVGImage.draw`), so it is applied
only to the version it was written and tested against (pyproject pins it);
any other version draws as before.
"""

from __future__ import annotations

import logging
import weakref

LOGGER = logging.getLogger(__name__)
TESTED_WEASYPRINT = "70.0"


def install() -> bool:
    """Patch WeasyPrint once; False (and nothing changed) on another version."""
    import weasyprint
    from weasyprint import images

    if getattr(images.SVGImage.draw, "_novel2board_reuse", False):
        return True
    if weasyprint.__version__ != TESTED_WEASYPRINT:
        LOGGER.debug("WeasyPrint %s: SVG sketches drawn per panel (reuse tested on %s)",
                     weasyprint.__version__, TESTED_WEASYPRINT)
        return False
    images.SVGImage.draw = _reusing_draw(images.SVGImage.draw)
    return True


def _reusing_draw(draw_once):
    # Per document (its resources dictionary, shared by all its pages, by
    # id: it is an unhashable dict; forgotten when the document goes):
    # (image, width, height) -> name of the form XObject holding the drawing.
    forms: dict[int, dict] = {}

    def draw(self, stream, concrete_width, concrete_height, style):
        resources = getattr(stream, "_resources", None)
        if resources is None or not hasattr(stream, "add_group"):
            return draw_once(self, stream, concrete_width, concrete_height, style)
        known = forms.get(id(resources))
        if known is None:
            known = forms[id(resources)] = {}
            weakref.finalize(resources, forms.pop, id(resources), None)
        key = (self, concrete_width, concrete_height)
        name = known.get(key)
        if name is None:
            form = stream.add_group(0, 0, concrete_width, concrete_height)
            draw_once(self, form, concrete_width, concrete_height, style)
            name = known[key] = form.id
        stream.draw_x_object(name)

    draw._novel2board_reuse = True
    return draw
