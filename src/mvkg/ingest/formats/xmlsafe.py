"""Parse untrusted XML safely with lxml (already installed: python-docx is built on it).

lxml is used rather than defusedxml because the readers need lxml's tree API anyway, and
with these options it does everything defusedxml would: no entity is expanded
(resolve_entities=False), no DTD is loaded and nothing is fetched (load_dtd=False,
no_network=True), libxml2's own limits stay on (huge_tree=False: depth at most 256,
text nodes at most 10 MB, entity amplification capped). On top of that a document that
declares a DOCTYPE or entities is refused outright, before and after parsing (UTF-16 input
hides the bytes from the first check): Akoma Ntoso needs neither, and they are how the
"billion laughs" and XXE attacks work.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from mvkg.kernel.errors import InputError

MAX_DEPTH = 256  # libxml2's own limit without huge_tree
_DECLARATION_RX = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
REFUSED = (
    "the XML declares a DOCTYPE or entities; refused: entity expansion and external DTDs are "
    "a known attack (billion laughs, XXE) and Akoma Ntoso needs neither"
)


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(raw: bytes, path: Path | str) -> etree._Element:
    """Bytes → the root element; any problem is an InputError naming the line."""
    if _DECLARATION_RX.search(raw):
        raise InputError(REFUSED, path=path)
    try:
        root = etree.fromstring(raw, safe_parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).split(", line ")[0]
        if "depth" in message.lower():
            message = f"nested deeper than {MAX_DEPTH} elements"
        raise InputError(f"not well-formed XML: {message}", path=path, line=exc.lineno or None) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise InputError(REFUSED, path=path)
    return root


def local(el: etree._Element) -> str:
    """An element's name without its namespace ("" for comments and the like)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""
