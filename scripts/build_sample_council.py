"""Build the bundled Wenbury Borough Council sample corpus.

Reads every ``sample_council/source/*.txt`` file and writes the document it
describes into ``assistant/sample_council/`` in its target format (txt, md,
html, pdf or docx). Run from the repository root::

    python scripts/build_sample_council.py

Source markup (UTF-8):

* Header lines ``key: value`` up to a line ``---``; ``format`` (txt, md, html,
  pdf, docx) is required, ``title`` is used for HTML/PDF/DOCX metadata.
* The body is split into blocks at blank lines.  A block starting ``# `` is a
  title line, ``## `` an item heading (``5. Title``), a block whose lines all
  start ``- `` is a bullet list, a block whose lines all start ``|`` is a table
  (first row is the header); anything else is a paragraph (lines are joined
  with spaces, except a line ending in two spaces forces a line break).

The output is deterministic: fixed PDF creation dates, fixed DOCX core
properties and fixed ZIP timestamps.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "sample_council" / "source"
OUTPUT_DIR = ROOT / "assistant" / "sample_council"
FIXED_DATE = dt.datetime(2025, 7, 1, 9, 0, 0, tzinfo=dt.UTC)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FORMATS = ("txt", "md", "html", "pdf", "docx")
# Dashes, curly quotes and bullets mapped to ASCII when no Unicode font is available.
LATIN1_FALLBACK = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2022": "-"}
)


@dataclass
class Block:
    kind: str  # "title", "heading", "para", "bullets", "table"
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Document:
    name: str
    fmt: str
    title: str
    blocks: list[Block]


def parse_source(path: Path) -> Document:
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise ValueError(f"{path.name}: missing '---' after the header")
    meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    meta = {k.strip(): v.strip() for k, v in meta.items()}
    fmt = meta.get("format", "")
    if fmt not in FORMATS:
        raise ValueError(f"{path.name}: unknown format {fmt!r}")
    blocks: list[Block] = []
    for chunk in body.strip().split("\n\n"):
        lines = [ln.rstrip("\n") for ln in chunk.strip("\n").splitlines()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(Block("heading", [lines[0][3:].strip()]))
        elif lines[0].startswith("# "):
            blocks.append(Block("title", [lines[0][2:].strip()]))
        elif all(ln.startswith("- ") for ln in lines):
            blocks.append(Block("bullets", [ln[2:].strip() for ln in lines]))
        elif all(ln.startswith("|") for ln in lines):
            blocks.append(Block("table", lines))
        else:
            blocks.append(Block("para", [join_para(lines)]))
    title = meta.get("title") or path.stem
    return Document(path.stem, fmt, title, blocks)


def join_para(lines: list[str]) -> str:
    """Join source lines into one paragraph; a trailing double space keeps a break."""
    parts: list[str] = []
    for ln in lines:
        parts += [ln.strip(), "\n" if ln.endswith("  ") else " "]
    return "".join(parts[:-1])


def table_rows(block: Block) -> list[list[str]]:
    return [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in block.lines]


def render_txt(doc: Document) -> str:
    parts: list[str] = []
    for b in doc.blocks:
        if b.kind == "bullets":
            parts.append("\n".join(f"- {x}" for x in b.lines))
        elif b.kind == "table":
            parts.append("\n".join("  ".join(r) for r in table_rows(b)))
        else:
            parts.append(b.text)
    return "\n\n".join(parts) + "\n"


def render_md(doc: Document) -> str:
    parts: list[str] = []
    for b in doc.blocks:
        if b.kind == "title":
            parts.append(f"# {b.text}")
        elif b.kind == "heading":
            parts.append(f"## {b.text}")
        elif b.kind == "bullets":
            parts.append("\n".join(f"- {x}" for x in b.lines))
        elif b.kind == "table":
            rows = table_rows(b)
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            parts.append("\n".join(lines))
        else:
            parts.append(b.text.replace("\n", "  \n"))
    return "\n\n".join(parts) + "\n"


HTML_TOP = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title} | Wenbury Borough Council</title>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/councillors">Councillors</a></li>
<li><a href="/meetings">Meetings and decisions</a></li><li><a href="/contact">Contact us</a></li></ul></nav>
<div class="breadcrumb">Home &gt; Your council &gt; Meetings and decisions &gt; {title}</div>
<main id="content">
"""
HTML_BOTTOM = """</main>
<footer><p>Wenbury Borough Council, Town Hall, Market Square, Wenbury</p>
<p><a href="/accessibility">Accessibility</a> | <a href="/privacy">Privacy and cookies</a> | \
<a href="/sitemap">Site map</a></p><p>&copy; Wenbury Borough Council</p></footer>
</body>
</html>
"""


def render_html(doc: Document) -> str:
    esc = html.escape
    out = [HTML_TOP.format(title=esc(doc.title))]
    for b in doc.blocks:
        if b.kind == "title":
            out.append(f"<h1>{esc(b.text)}</h1>")
        elif b.kind == "heading":
            out.append(f"<h2>{esc(b.text)}</h2>")
        elif b.kind == "bullets":
            out.append("<ul>\n" + "\n".join(f"<li>{esc(x)}</li>" for x in b.lines) + "\n</ul>")
        elif b.kind == "table":
            rows = table_rows(b)
            head = "".join(f"<th>{esc(c)}</th>" for c in rows[0])
            body = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
            out.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")
        else:
            out.append("<p>" + esc(b.text).replace("\n", "<br>\n") + "</p>")
    out.append(HTML_BOTTOM)
    return "\n".join(out)


def render_pdf(doc: Document) -> bytes:
    from fpdf import FPDF

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    unicode_ok = regular.exists() and bold.exists()

    class CouncilPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(family, "", 8)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = CouncilPDF(format="A4")
    if unicode_ok:
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        family = "DejaVu"
    else:
        family = "Helvetica"
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(doc.title)
    pdf.set_author("Wenbury Borough Council")
    pdf.set_creator("build_sample_council.py")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()
    pdf.add_page()

    def clean(s: str) -> str:
        if unicode_ok:
            return s
        return s.translate(LATIN1_FALLBACK)

    width = pdf.epw
    for b in doc.blocks:
        if b.kind == "title":
            pdf.set_font(family, "B", 14)
            pdf.multi_cell(width, 7, clean(b.text), align="L")
            pdf.ln(4)
        elif b.kind == "heading":
            pdf.ln(2)
            pdf.set_font(family, "B", 11)
            pdf.multi_cell(width, 6, clean(b.text), align="L")
            pdf.ln(3)
        elif b.kind == "bullets":
            pdf.set_font(family, "", 10)
            for item in b.lines:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(width - 4, 5, clean(f"• {item}"), align="L")
                pdf.ln(1)
            pdf.ln(3)
        elif b.kind == "table":
            pdf.set_font(family, "", 9.5)
            with pdf.table(text_align="LEFT", line_height=6) as table:
                for r in table_rows(b):
                    row = table.row()
                    for c in r:
                        row.cell(clean(c))
            pdf.ln(4)
        else:
            pdf.set_font(family, "", 10)
            pdf.multi_cell(width, 5, clean(b.text), align="L")
            pdf.ln(4)
    return bytes(pdf.output())


def render_docx(doc: Document) -> bytes:
    import docx

    d = docx.Document()
    props = d.core_properties
    props.title, props.author, props.last_modified_by = doc.title, "Wenbury Borough Council", ""
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    for b in doc.blocks:
        if b.kind == "title":
            d.add_heading(b.text, level=1)
        elif b.kind == "heading":
            d.add_heading(b.text, level=2)
        elif b.kind == "bullets":
            for item in b.lines:
                d.add_paragraph(item, style="List Bullet")
        elif b.kind == "table":
            rows = table_rows(b)
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
        else:
            p = d.add_paragraph()
            for k, line in enumerate(b.text.split("\n")):
                run = p.add_run(line)
                if k < b.text.count("\n"):
                    run.add_break()
    buf = io.BytesIO()
    d.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 7, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build(source_dir: Path = SOURCE_DIR, output_dir: Path = OUTPUT_DIR) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in sorted(source_dir.glob("*.txt")):
        doc = parse_source(path)
        target = output_dir / f"{doc.name}.{doc.fmt}"
        if doc.fmt == "txt":
            target.write_text(render_txt(doc), encoding="utf-8")
        elif doc.fmt == "md":
            target.write_text(render_md(doc), encoding="utf-8")
        elif doc.fmt == "html":
            target.write_text(render_html(doc), encoding="utf-8")
        elif doc.fmt == "pdf":
            target.write_bytes(render_pdf(doc))
        else:
            target.write_bytes(render_docx(doc))
        written.append(target)
    return written


def main() -> int:
    written = build()
    for p in written:
        print(p.relative_to(ROOT))
    print(f"{len(written)} documents written to {OUTPUT_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
