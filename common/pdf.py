"""PDFs printed by WeasyPrint from the portal's templates: certificates, project notifications.

WeasyPrint may read the portal's own static files and nothing else: no network, no other file
(the URL fetcher below). Everything on a page comes from the database, escaped by its template."""

import atexit
import contextlib
import copy
import functools
import gc
import glob
import hashlib
import mimetypes
import os
import pathlib
import posixpath
import shutil
import socket
import tempfile
import urllib.parse

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The pages are printed as if from this origin; only its /static/ paths are fetched.
PRINT_ORIGIN = "https://certificate.print.invalid"


class FetchRefused(ValueError):
    pass


def _static_file(path: str) -> pathlib.Path:
    """The file behind a /static/ path, found the way Django's static files are, and nowhere else."""
    relative = posixpath.normpath(urllib.parse.unquote(path.removeprefix(settings.STATIC_URL)))
    if relative.startswith(("../", "/")) or relative == ".." or "\\" in relative or "\x00" in relative:
        raise FetchRefused(f"refused: {path} leaves the static files")
    found = finders.find(relative)  # safe_join inside each static folder, as runserver serves them
    if not found and settings.STATIC_ROOT and (pathlib.Path(settings.STATIC_ROOT) / relative).is_file():
        found = pathlib.Path(settings.STATIC_ROOT) / relative  # collected files, in production
    if not found:
        raise FetchRefused(f"refused: no static file {relative}")
    return pathlib.Path(found).resolve()


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher for the portal's PDFs: the portal's static files and data: URLs, nothing else.

    A refused URL stops the rendering (fail_on_errors): a certificate missing its signature must not
    be issued quietly, nor a notification without its emblem."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data"}, fail_on_errors=True, **kwargs)

    def fetch(self, url, headers=None):
        parsed = urllib.parse.urlsplit(url)
        origin = urllib.parse.urlsplit(PRINT_ORIGIN)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if (parsed.scheme, parsed.netloc) != (origin.scheme, origin.netloc) or not parsed.path.startswith(
            settings.STATIC_URL
        ):
            raise FetchRefused(f"refused: {url}")
        path = _static_file(parsed.path)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


class PageCountMismatch(ValueError):
    """A document meant to have one page per part came out with another number of pages."""


def _html(html: str) -> weasyprint.HTML:
    return weasyprint.HTML(string=html, base_url=PRINT_ORIGIN + "/", url_fetcher=StaticOnlyFetcher())


def render_pdf(html: str) -> bytes:
    return _html(html).write_pdf(stylesheets=[fonts_stylesheet()], font_config=font_config())


def render_pdf_pages(html: str, *, titles: list[str]) -> list[bytes]:
    """One WeasyPrint render of a document of len(titles) pages, then each page written as its own PDF, titled.

    Styles, fonts and images are prepared once for all the pages, which is what makes a batch cheaper than as
    many render_pdf() calls; each PDF embeds only the glyphs of its own page. Raises PageCountMismatch, before
    writing anything, unless the document has exactly one page per title: a part that overflowed onto a second
    page would shift every later page onto the wrong PDF."""
    with _collector_paused():
        return _write_pages(_html(html).render(stylesheets=[fonts_stylesheet()], font_config=font_config()), titles)


def _write_pages(document, titles: list[str]) -> list[bytes]:
    if len(document.pages) != len(titles):
        raise PageCountMismatch(f"{len(document.pages)} pages for {len(titles)} PDFs")
    pdfs = []
    for page, title in zip(document.pages, titles, strict=True):
        single = document.copy([page])
        single.metadata = copy.copy(document.metadata)  # copy() shares the metadata object with the batch
        single.metadata.title = title
        pdfs.append(single.write_pdf())
    return pdfs


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused while a batch is rendered and written, and run once after it.

    Everything a batch makes lives until its last page is written: the document, its styles and boxes (about
    2,000 objects a page in reference cycles). Meanwhile the collector finds almost nothing to free, yet it
    runs every few hundred allocations and walks the growing document again each time it looks at the older
    generations. Paused, the batch's garbage waits for its end and is collected in one pass: 4 % less time a
    batch, and no more memory (a worker's peak over 25 batches of twenty: 170 MB, against 176 MB collecting
    as usual; bench/RESULTS.md). A PDF worker process runs one task at a time, so nothing else waits on it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
            gc.collect(0)  # the batch's objects are all in the youngest generation still: nothing was collected


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def font_config() -> FontConfiguration:
    """One font configuration per process, made on first use: building it for every PDF cost about a fifth
    of each render (bench/RESULTS.md), and web processes that never render should not pay for it."""
    with _in_font_folder():
        return FontConfiguration()


# WeasyPrint writes each font it reads into a folder of its own in the temporary directory (tempfile.mkdtemp,
# "weasyprint-…": 28 MB of the portal's fonts) and removes it only when the process ends normally, so each
# killed worker left one behind for good. A printing process keeps it inside a folder named for this machine
# and process, and removes the folders of this machine's processes that are gone.
FONT_FOLDERS = "apo-pdf-fonts"


@functools.cache
def _font_folder() -> pathlib.Path:
    root = pathlib.Path(tempfile.gettempdir()) / FONT_FOLDERS
    host = socket.gethostname()
    for folder in root.glob(f"{glob.escape(host)}-*"):
        pid = folder.name.rpartition("-")[2]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    mine = root / f"{host}-{os.getpid()}"
    mine.mkdir(parents=True, exist_ok=True)
    atexit.register(shutil.rmtree, mine, ignore_errors=True)
    return mine


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


@contextlib.contextmanager
def _in_font_folder():
    """tempfile's folder, for WeasyPrint to make its own in, while the fonts are read (one thread: first use)."""
    before = tempfile.tempdir
    tempfile.tempdir = str(_font_folder())
    try:
        yield
    finally:
        tempfile.tempdir = before


# The portal's own fonts (@font-face rules and files built by scripts/build-pdf-fonts.js into build/static/fonts/):
# the templates set their lists (var(--pdf-serif), ...), never a font of the machine's.
FONTS_STYLESHEET = "fonts/pdf.css"


@functools.cache
def fonts_stylesheet() -> weasyprint.CSS:
    """The fonts' stylesheet, read once per process into font_config(). WeasyPrint loads every file of a
    stylesheet's @font-face rules when it reads it, used or not (581 files, about 3 s), and parsing the rules
    again for each PDF would cost more than the PDF itself."""
    with _in_font_folder():
        stylesheet = weasyprint.CSS(
            url=PRINT_ORIGIN + settings.STATIC_URL + FONTS_STYLESHEET,
            url_fetcher=StaticOnlyFetcher(),
            font_config=font_config(),
        )
    # The fonts are the most a process keeps: move them, and all else alive now, out of the collector's
    # reach (gc.freeze). Every full collection walked them again, and a batch of pages, with its many
    # objects alive at once, set off enough of them to cost 6 ms a certificate (bench/RESULTS.md). The
    # garbage is collected first, so what is frozen is only what lives on.
    gc.collect()
    gc.freeze()
    return stylesheet
