"""Time each format reader on the development corpus (never part of the test suite).

    .venv/bin/python benchmarks/formats.py [RUNS]

For every tests/fixtures/corpus/*/*/source.{pdf,xml,html,docx}: the median of RUNS (default 5)
reads through mvkg.ingest.readers.read_source, and seconds per page (PDF: its pages; other
formats: one page per 3,000 characters of normalised text). Then the same for a 60-page PDF
made by repeating the corpus PDFs' pages (pypdfium2 copies them), the size the brief asks
to stay well under 5 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mvkg.ingest.readers import read_source  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
CHARS_PER_PAGE = 3000


def _pages(path: Path, text: str) -> int:
    if path.suffix == ".pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(path.read_bytes())
        try:
            return len(doc)
        finally:
            doc.close()
    return max(1, round(len(text) / CHARS_PER_PAGE))


def _time(path: Path, runs: int) -> tuple[float, int, int]:
    times = []
    text = ""
    for _ in range(runs):
        start = time.perf_counter()
        text = read_source(path).text
        times.append(time.perf_counter() - start)
    return statistics.median(times), _pages(path, text), len(text)


def _sixty_pages(out: Path) -> Path:
    import pypdfium2 as pdfium

    sources = [pdfium.PdfDocument(p.read_bytes()) for p in sorted(CORPUS.glob("*/*/source.pdf"))]
    book = pdfium.PdfDocument.new()
    while len(book) < 60:
        for src in sources:
            take = min(len(src), 60 - len(book))
            if take > 0:
                book.import_pages(src, list(range(take)))
    path = out / "sixty.pdf"
    book.save(str(path))
    for doc in (book, *sources):
        doc.close()
    return path


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    files = sorted(p for p in CORPUS.glob("*/*/source.*") if p.suffix in (".pdf", ".xml", ".html", ".htm", ".docx"))
    print(f"{'file':<48} {'pages':>5} {'chars':>7} {'median s':>9} {'s/page':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in [*files, _sixty_pages(Path(tmp))]:
            median, pages, chars = _time(path, runs)
            name = str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else "60-page PDF (corpus pages repeated)"
            print(f"{name:<48} {pages:>5} {chars:>7} {median:>9.3f} {median / pages:>8.4f}")


if __name__ == "__main__":
    main()
