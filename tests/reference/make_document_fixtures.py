"""Writes the document fixtures (ASCII page text: StandardEncoding maps some punctuation, e.g. the
apostrophe, to typographic characters) the document tests read (pure Python, no dependencies):

  tests/fixtures/documents/two_pages.pdf   a valid two-page PDF with one line of Helvetica text per page
  tests/fixtures/documents/truncated.pdf   the same file cut in the middle (a corrupt PDF)
  tests/fixtures/documents/notes.md        a small Markdown file
  tests/fixtures/documents/latin1.txt      text in Latin-1 (not UTF-8), which must be refused

Run from the repository root:  python3 tests/reference/make_document_fixtures.py
The PDF is built object by object with a correct cross-reference table, so any conforming reader
(poppler included) extracts exactly the two lines below.
"""
import pathlib

OUT = pathlib.Path("tests/fixtures/documents")
PAGE_TEXT = ["The lighthouse code is AZURE-7.", "Page two says the ferry leaves at 06:45."]


def pdf_bytes(pages):
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    font_id = 3 + 2 * len(pages)
    for i, text in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>")
        stream = f"BT /F1 14 Tf 72 700 Td ({text}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = pdf_bytes(PAGE_TEXT)
    (OUT / "two_pages.pdf").write_bytes(pdf)
    (OUT / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (OUT / "notes.md").write_text("# Notes\n\n- The vault opens on **Tuesdays**.\n- Ask for Ilse.\n", encoding="utf-8")
    (OUT / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me\n".encode("latin-1"))


if __name__ == "__main__":
    main()
