"""Files -> RawDocument: extract plain text from txt, md, html, pdf and docx.

Every reader returns text whose paragraphs are separated by blank lines; citation
offsets point into exactly this text, which the index stores beside the chunks.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import SourceError
from assistant.settings import IngestSettings
from assistant.types import RawDocument

from .layout import PAGE_NUMBER, Line, clean_bullet, line_style, rebuild_text
from .limits import Limits, display_path, over_limit, safe_text
from .sidecar import load_sidecar

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def file_digest(data: bytes) -> str:
    """The document id: a short hash of the file's bytes, so renamed copies share it."""
    return hashlib.sha256(data).hexdigest()[:32]


def read_document(
    path: Path, limits: IngestSettings | None = None, *, deadline: float | None = None
) -> RawDocument:
    """Read one council file into a RawDocument, or raise SourceError with a one-line reason.

    Args:
        limits: the per-file limits (bytes, unpacked bytes, pages, characters); defaults apply when None.
        deadline: a `time.monotonic()` after which reading stops (the file's time budget).
    """
    bounds = Limits(limits or IngestSettings(), deadline)
    name = safe_text(path.name)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(f"{name}: unsupported file type {safe_text(suffix) or '(none)'}")
    try:
        size = path.stat().st_size
        if size > bounds.settings.max_file_bytes:
            raise SourceError(
                f"{name}: {over_limit('bytes', size, bounds.settings.max_file_bytes, 'max_file_bytes')}"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{name}: cannot read file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise SourceError(f"{name}: file is empty")
    reader = _READERS[suffix]
    try:
        text, title, page_starts = reader(data, bounds)
        bounds.check("characters of text", len(text), "max_chars")
    except SourceError as exc:
        raise SourceError(f"{name}: {exc}") from exc
    except Exception as exc:  # parsers raise many types on corrupt input
        raise SourceError(f"{name}: cannot parse {suffix[1:]} ({type(exc).__name__}: {exc})") from exc
    if not text.strip():
        raise SourceError(f"{name}: no text found in the file")
    meta = load_sidecar(path)
    return RawDocument(
        doc_id=file_digest(data),
        source=display_path(path),
        format=_FORMATS[suffix],
        text=text,
        title=meta.get("title") or title,
        page_starts=page_starts,
        meta=meta,
    )


Extracted = tuple[str, str | None, list[int]]
_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise SourceError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # council files from Windows: smart quotes, £ and the euro sign
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise SourceError("binary data, not text")
    encoding = best.encoding
    if encoding in ("latin_1", "iso8859_1", "ascii"):
        encoding = "cp1252"  # council files from Windows: smart quotes and the euro sign
    return data.decode(encoding, errors="replace")


def normalise_lines(lines: list[str]) -> str:
    """Collapse inline whitespace, drop page markers and squeeze blank runs to one blank line."""
    out: list[str] = []
    for line in lines:
        line = _INLINE_SPACE.sub(" ", line).strip()
        if line and PAGE_NUMBER.match(line):
            continue
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _read_txt(data: bytes, limits: Limits) -> Extracted:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    limits.check("characters of text", len(text), "max_chars")
    limits.check("pages", text.count("\f") + 1, "max_pages")
    pages = [to_lines(page.split("\n")) for page in text.split("\f")]
    out, page_starts = rebuild_text(pages)
    return out, None, page_starts if len(pages) > 1 else []


def to_lines(raw_lines: list[str], styles: list[str] | None = None) -> list[Line]:
    """Stripped non-blank lines, each noting its style and whether a blank line came before."""
    lines: list[Line] = []
    blank = False
    for i, raw in enumerate(raw_lines):
        text = clean_bullet(_INLINE_SPACE.sub(" ", raw))
        if not text:
            blank = True
            continue
        style = styles[i] if styles and styles[i] != "plain" else line_style(text)
        lines.append(Line(text, style, blank and bool(lines)))
        blank = False
    return lines


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_BOLD_LINE = re.compile(r"^(?:\*\*\*[^*]+\*\*\*\s*)+$|^(?:\*\*[^*]+\*\*\s*)+$|^(?:\*[^*]+\*\s*)+$")
_MD_LINK_LINE = re.compile(r"^\s*!?\[[^\]]*\]\([^)]*\)\s*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_SCAN_NOTE = re.compile(r"^\*?<small>.*</small>\*?\s*$", re.I)


def _read_md(data: bytes, limits: Limits) -> Extracted:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    limits.check("characters of text", len(text), "max_chars")
    raw_lines = text.split("\n")
    segments: list[list[str]] = [[]]
    for line in raw_lines:
        if _MD_RULE.match(line):
            segments.append([])
        else:
            segments[-1].append(line)
    paged = _is_paged_markdown(segments)
    if paged:
        limits.check("pages", len(segments), "max_pages")
    if not paged:
        segments = [[line for seg in segments for line in [*seg, ""]]]
    elif all(_MD_LINK_LINE.match(line) or not line.strip() for line in segments[0]):
        segments = segments[1:]  # "[Original file](...)" before the first page
    title = None
    pages: list[list[Line]] = []
    for segment in segments:
        lines: list[str] = []
        styles: list[str] = []
        for line in segment:
            style = "plain"
            if _SCAN_NOTE.match(line.strip()):
                line = ""
            elif _MD_HEADING.match(line):
                line = _MD_HEADING.sub("", line).rstrip("# ")
                title = title or line
                style = "h"
            elif _MD_BOLD_LINE.match(line.strip()):
                stars = len(line.strip()) - len(line.strip().lstrip("*"))
                style = {3: "bi", 2: "b", 1: "i"}.get(stars, "b")
            line = _MD_LINK.sub(r"\1", line)
            for _ in range(2):  # ***bold italic*** takes two passes
                line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", line)
            line = re.sub(r"\*{2,}", "", line)  # bold opened on one line and closed on another
            line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
            line = _MD_ESCAPE.sub(r"\1", line)
            if line.startswith(">"):
                line = line.lstrip("> ")
            lines.append(line)
            styles.append(style)
        pages.append(to_lines(lines, styles))
    out, page_starts = rebuild_text(pages)
    return out, title, page_starts if paged else []


def _is_paged_markdown(segments: list[list[str]]) -> bool:
    """Markdown converted from a PDF: rules mark page breaks (pages open with a number or a scan note)."""
    if len(segments) < 3:
        return False
    first = [line for line in segments[0] if line.strip()]
    if first and all(_MD_LINK_LINE.match(line) for line in first):
        return True
    openers = 0
    for seg in segments[1:]:
        head = next((line.strip() for line in seg if line.strip()), "")
        openers += bool(PAGE_NUMBER.match(head) or _SCAN_NOTE.match(head))
    return openers >= 0.5 * (len(segments) - 1)


_BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "dt", "dd",
    "blockquote", "pre", "caption", "figcaption", "address",
}  # fmt: skip
_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg"]


def _read_html(data: bytes, limits: Limits) -> Extracted:
    from bs4 import BeautifulSoup, Tag

    limits.check("bytes of HTML", len(data), "max_chars")
    soup = BeautifulSoup(data, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for role in ("navigation", "banner", "contentinfo"):
        for tag in soup.find_all(role=role):
            tag.decompose()
    root = soup.find("main") or soup.body or soup
    blocks: list[str] = []

    def walk(node: Tag) -> None:
        pending: list[str] = []

        def flush() -> None:
            text = " ".join("".join(pending).split())
            if text:
                blocks.append(text)
            pending.clear()

        for child in node.children:
            if isinstance(child, Tag):
                if child.name in _BLOCK_TAGS and not child.find(_BLOCK_TAGS):
                    flush()
                    if child.name == "tr":
                        cells = [_inline_text(c) for c in child.find_all(["td", "th"])]
                        text = " | ".join(c for c in cells if c)
                    else:
                        text = _inline_text(child)
                    if text:
                        blocks.append(f"- {text}" if child.name == "li" else text)
                elif child.name == "br":
                    pending.append("\n")
                elif child.find(_BLOCK_TAGS) or child.name in (
                    "div",
                    "section",
                    "article",
                    "table",
                    "ul",
                    "ol",
                    "tbody",
                    "thead",
                    "body",
                    "main",
                    "dl",
                ):
                    flush()
                    walk(child)
                else:
                    pending.append(child.get_text())
            else:
                pending.append(str(child))
        flush()

    if isinstance(root, Tag):
        walk(root)
    lines: list[str] = []
    for block in blocks:
        lines.extend([_INLINE_SPACE.sub(" ", block).strip(), ""])
    return normalise_lines(lines), title, []


def _inline_text(tag: Any) -> str:
    """A block's text with inline tags joined as written and HTML whitespace collapsed."""
    return " ".join(str(tag.get_text()).split())


def _read_pdf(data: bytes, limits: Limits) -> Extracted:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
    except PdfReadError as exc:
        raise SourceError(f"corrupt or truncated PDF ({exc})") from exc
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise SourceError("encrypted PDF (needs a password)")
        except Exception as exc:
            raise SourceError("encrypted PDF (needs a password)") from exc
    title = None
    if reader.metadata and reader.metadata.title:
        title = str(reader.metadata.title)
    limits.check("pages", len(reader.pages), "max_pages")
    pages: list[list[Line]] = []
    chars = 0
    for page in reader.pages:
        limits.check_time()
        # layout mode keeps vertical gaps as blank lines: our paragraph boundaries
        try:
            raw = page.extract_text(extraction_mode="layout")
        except Exception:
            raw = page.extract_text()
        chars += len(raw)
        limits.check("characters of text", chars, "max_chars")
        pages.append(to_lines(raw.split("\n")))
    text, page_starts = rebuild_text(pages)
    if not text.strip():
        raise SourceError("PDF has no text layer (scanned pages need OCR first)")
    return text, title, page_starts


def _read_docx(data: bytes, limits: Limits) -> Extracted:
    import io
    import zipfile

    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SourceError("not a valid .docx file (corrupt or another format)")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # zipfile never inflates an entry past its declared size, so this bounds what parsing reads
        unpacked = sum(info.file_size for info in archive.infolist())
    limits.check("bytes unpacked", unpacked, "max_unpacked_bytes")
    document = docx.Document(io.BytesIO(data))
    title = document.core_properties.title or None
    # Style names looked up once: python-docx's per-paragraph `style` scans every style each time,
    # which made a 20,000-paragraph file take over a minute (SEE: issue 15).
    style_names = {s.style_id: s.name or "" for s in document.styles}
    paragraph = WD_STYLE_TYPE.PARAGRAPH
    default = next((s.name or "" for s in document.styles if s.type == paragraph and s.element.default), "")
    lines: list[str] = []
    for n, block in enumerate(document.iter_inner_content()):
        if n % 500 == 0:
            limits.check_time()
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            style_id = block._p.style
            style = style_names.get(style_id, default) if style_id else default
            if "List" in style and not text.startswith(("-", "•")):
                text = f"- {text}"
            lines.extend([text, ""])
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    lines.extend([" | ".join(cells), ""])
    return normalise_lines(lines), title, []


_READERS: dict[str, Callable[[bytes, Limits], Extracted]] = {
    ".txt": _read_txt,
    ".md": _read_md,
    ".markdown": _read_md,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}
