"""The Help menu's documents, shown inside the app: the user guide (Markdown, with screenshots) and the
third-party licences (plain text). Both ship with source and packaged builds (see ``resources.py``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

IMAGE_WIDTH = 760  # screenshots are 1440 px wide: shown at a readable size, full size on disk


class HelpViewer(QDialog):
    """A non-modal window showing one local document; relative links open in it, web links in the browser."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_viewer")
        self.setWindowTitle(title)
        self.resize(900, 760)
        self.browser = QTextBrowser(objectName="help_text", openLinks=False)
        self.browser.anchorClicked.connect(self._follow)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def show_markdown(self, path: Path) -> None:
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path)))
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        shrink_images(self.browser.document(), IMAGE_WIDTH)

    def show_text(self, path: Path) -> None:
        self.browser.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        self.browser.setPlainText(path.read_text(encoding="utf-8", errors="replace"))

    def _follow(self, url: QUrl) -> None:
        if url.isRelative() and url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())
            return
        target = self.browser.document().baseUrl().resolved(url)
        if target.isLocalFile() and target.toLocalFile().endswith(".md") and Path(target.toLocalFile()).is_file():
            self.show_markdown(Path(target.toLocalFile()))
        else:
            QDesktopServices.openUrl(target)


def shrink_images(document: QTextDocument, width: int) -> int:
    """Give every image in ``document`` at most ``width`` pixels (the height follows); returns how many."""
    changed = 0
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                image.setWidth(width)
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
                changed += 1
            it += 1
        block = block.next()
    return changed
