"""Who is acting: choose or create a local profile, and unlock a passphrase-protected key.

The dialogs return an unlocked :class:`~verify_bench.profiles.Signer`; the window hands it to
every case it opens, so each event is signed by the person who chose the profile here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import VerifyBenchError
from ...profiles import ROLES, Profile, Signer, create_profile, list_profiles, unlock

ERROR_STYLE = "color:#d0312d"


def profile_line(p: Profile) -> str:
    return f"{p.name}  —  {p.role}" + ("  ·  passphrase" if p.protected else "")


class PassphraseDialog(QDialog):
    """Ask for the passphrase of one profile until it unlocks (or the user cancels). Never echoes it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase_dialog")
        self.setWindowTitle("Unlock your key")
        self.name = name
        self.signer: Signer | None = None
        self.passphrase = QLineEdit(objectName="passphrase", echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(objectName="passphrase_error", wordWrap=True, styleSheet=ERROR_STYLE)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"The key of profile <b>{_html(name)}</b> is protected by a passphrase.<br>"
                                "Type it to sign what you record in this session.", wordWrap=True))
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            with busy():
                self.signer = unlock(self.name, self.passphrase.text())
        except VerifyBenchError as exc:
            self.passphrase.clear()
            self.error.setText(str(exc))
            self.error.show()
            self.passphrase.setFocus()
            return
        super().accept()


class ProfileDialog(QDialog):
    """Choose the profile that acts (and signs), or create one with a role and an optional passphrase."""

    def __init__(self, current: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profile_dialog")
        self.setWindowTitle("Who is working?")
        self.setMinimumWidth(460)
        self.signer: Signer | None = None
        self.profiles = QListWidget(objectName="profile_list")
        self.profiles.currentItemChanged.connect(self._on_selected)
        self.profiles.itemActivated.connect(lambda _item: self.accept())
        self.passphrase = QLineEdit(objectName="profile_passphrase", echoMode=QLineEdit.EchoMode.Password,
                                    placeholderText="the passphrase of the selected profile")
        self.passphrase_label = QLabel("Passphrase:")
        self.error = QLabel(objectName="profile_error", wordWrap=True, styleSheet=ERROR_STYLE)
        self.error.hide()

        self.new_name = QLineEdit(objectName="new_profile_name", placeholderText="your name as colleagues know it")
        self.new_role = QComboBox(objectName="new_profile_role")
        for role in ROLES:
            self.new_role.addItem(role, role)
        self.new_passphrase = QLineEdit(objectName="new_profile_passphrase", echoMode=QLineEdit.EchoMode.Password,
                                        placeholderText="optional: protects your private key")
        self.new_confirm = QLineEdit(objectName="new_profile_confirm", echoMode=QLineEdit.EchoMode.Password,
                                     placeholderText="the passphrase again")
        self.create_button = QPushButton("Create profile", objectName="create_profile")
        self.create_button.clicked.connect(self.create)
        form = QFormLayout()
        form.addRow("Name:", self.new_name)
        form.addRow("Role:", self.new_role)
        form.addRow("Passphrase:", self.new_passphrase)
        form.addRow("Again:", self.new_confirm)
        form.addRow("", self.create_button)
        create_box = QGroupBox("New profile")
        create_box.setLayout(form)
        hint = QLabel("Everything you record is signed with your profile's key. A lead's role in a case is "
                      "granted by that case: the first person joins with the role they declare, later leads "
                      "are promoted by a lead.", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Work as this profile")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        pass_form = QFormLayout()
        pass_form.addRow(self.passphrase_label, self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Profiles on this computer</b>"))
        layout.addWidget(self.profiles, 1)
        layout.addLayout(pass_form)
        layout.addWidget(create_box)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reload(select=current)

    def reload(self, select: str | None = None) -> None:
        self.profiles.clear()
        try:
            found = list_profiles()
        except VerifyBenchError as exc:
            self._show_error(str(exc))
            found = []
        for p in found:
            entry = QListWidgetItem(profile_line(p))
            entry.setData(Qt.ItemDataRole.UserRole, p)
            self.profiles.addItem(entry)
            if p.name == select:
                self.profiles.setCurrentItem(entry)
        if found and self.profiles.currentItem() is None:
            self.profiles.setCurrentRow(0)
        if not found:
            self.new_name.setFocus()
        self._on_selected()

    def selected(self) -> Profile | None:
        entry = self.profiles.currentItem()
        return entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None

    def _on_selected(self, *_: object) -> None:
        profile = self.selected()
        protected = profile is not None and profile.protected
        self.passphrase.setEnabled(protected)
        self.passphrase_label.setEnabled(protected)
        self.passphrase.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(profile is not None)
        if protected:
            self.passphrase.setFocus()

    def create(self) -> None:
        secret = self.new_passphrase.text()
        if secret != self.new_confirm.text():
            self._show_error("The two passphrases differ; type the same passphrase twice.")
            return
        try:
            with busy():
                made = create_profile(self.new_name.text(), role=self.new_role.currentData(),
                                      passphrase=secret or None)
                self.signer = unlock(made.name, secret or None)
        except VerifyBenchError as exc:
            self._show_error(str(exc))
            return
        super().accept()

    def accept(self) -> None:
        profile = self.selected()
        if profile is None:
            self._show_error("Choose a profile, or create one.")
            return
        try:
            with busy():
                self.signer = unlock(profile.name, self.passphrase.text() if profile.protected else None)
        except VerifyBenchError as exc:
            self.passphrase.clear()
            self._show_error(str(exc))
            return
        super().accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


@contextmanager
def busy() -> Iterator[None]:
    """A wait cursor while a passphrase is stretched (scrypt: a tenth of a second or so)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
