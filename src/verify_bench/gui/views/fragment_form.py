"""The tag form beside the picture: vocabulary, markings verbatim, codes with live format checks, references.

Categories and components come from the case's taxonomy (the component list puts the category's usual
components first); both accept free text, which the core saves as typed with a notice. Designation and
manufacturer offer what the case already uses. Markings are shown in a fixed-width font and never
altered. Code checks (:mod:`verify_bench.fragments.codes`) explain under each field while typing and
never block saving.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ... import browse
from ...fragments import (
    CONFIDENCES,
    FIELD_NAMES,
    Fragment,
    case_taxonomy,
    check_codes,
    extend_taxonomy,
    suggest,
)
from ..session import CaseSession

NO_CORRECTION = (Qt.InputMethodHint.ImhNoPredictiveText | Qt.InputMethodHint.ImhNoAutoUppercase
                 | Qt.InputMethodHint.ImhSensitiveData)
CODES = (("cage", "CAGE code", "5 letters or digits, e.g. 1ABC2"),
         ("nsn", "NSN", "13 digits as 4-2-3-4, e.g. 1325-01-234-5678"),
         ("lot", "Lot", "as marked"),
         ("manufactured", "Date of manufacture", "YYYY, YYYY-MM or YYYY-MM-DD, or as marked"),
         ("serial", "Serial", "as marked"))


def _combo(name: str, tip: str) -> QComboBox:
    box = QComboBox(objectName=name, editable=True, toolTip=tip)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.lineEdit().setInputMethodHints(NO_CORRECTION)
    box.setMinimumContentsLength(14)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return box


class FragmentForm(QWidget):
    edited = Signal()   # any field changed by the user

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fragment_form")
        self.session = session
        self._loading = False
        self.category = _combo("category", "What kind of munition (from the taxonomy, or type your own)")
        self.component = _combo("component", "Which part of it; the category's usual parts come first")
        self.designation = _combo("designation", "Model or designation as identified, e.g. GBU-39/B")
        self.manufacturer = _combo("manufacturer", "Manufacturer as identified or marked")
        self.markings = QPlainTextEdit(objectName="markings", tabChangesFocus=True,
                                       placeholderText="Every character as written, line by line")
        self.markings.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.markings.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.markings.setInputMethodHints(NO_CORRECTION)
        self.markings.setFixedHeight(86)
        self.codes: dict[str, QLineEdit] = {}
        self.notices: dict[str, QLabel] = {}
        self.confidence = QComboBox(objectName="confidence")
        self.confidence.addItem("—", "")
        for c in CONFIDENCES:
            self.confidence.addItem(c, c)
        self.note = QPlainTextEdit(objectName="note", tabChangesFocus=True, placeholderText="Free note")
        self.note.setFixedHeight(54)
        self.refs = QListWidget(objectName="refs", maximumHeight=64)
        self.refs.setToolTip("Reference images stored in this case")
        add_ref = QPushButton("Add…", toolTip="Link a reference image imported into this case")
        add_ref.clicked.connect(self._pick_reference)
        remove_ref = QPushButton("Remove", toolTip="Unlink the selected reference image")
        remove_ref.clicked.connect(lambda: (self.refs.takeItem(self.refs.currentRow()), self.edited.emit()))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.extend_buttons: dict[str, QToolButton] = {}
        for label, kind, box in (("&Category", "category", self.category), ("Com&ponent", "component", self.component)):
            button = QToolButton(text="+", objectName=f"extend_{kind}", enabled=False)
            button.clicked.connect(lambda _=False, k=kind: self.extend_taxonomy(k))
            self.extend_buttons[kind] = button
            row = QHBoxLayout()
            row.addWidget(box, 1)
            row.addWidget(button)
            caption = QLabel(label)
            caption.setBuddy(box)   # Alt+C / Alt+P reach the box, as for the other rows
            form.addRow(caption, row)
        form.addRow("&Designation", self.designation)
        form.addRow("&Manufacturer", self.manufacturer)
        form.addRow("Mar&kings", self.markings)
        for name, label, hint in CODES:
            edit = QLineEdit(objectName=name, placeholderText=hint)
            edit.setInputMethodHints(NO_CORRECTION)
            edit.textEdited.connect(lambda _text, n=name: self._check(n))
            edit.textEdited.connect(self._changed)
            self.codes[name] = edit
            form.addRow(label, edit)
            if name in ("cage", "nsn", "manufactured"):
                notice = QLabel(objectName=f"{name}_notice", wordWrap=True, visible=False)
                notice.setStyleSheet("QLabel { color: #b35c00; }")
                self.notices[name] = notice
                form.addRow("", notice)
        form.addRow("C&onfidence", self.confidence)
        form.addRow("&Note", self.note)
        ref_buttons = QHBoxLayout()
        ref_buttons.addWidget(add_ref)
        ref_buttons.addWidget(remove_ref)
        ref_buttons.addStretch(1)
        refs_box = QVBoxLayout()
        refs_box.addWidget(self.refs)
        refs_box.addLayout(ref_buttons)
        form.addRow("References", refs_box)

        self.category.currentTextChanged.connect(self._on_category)
        for box in (self.category, self.component):
            box.currentTextChanged.connect(self._update_extend_buttons)
        for box in (self.category, self.component, self.designation, self.manufacturer):
            box.currentTextChanged.connect(self._changed)
        for widget in (self.markings, self.note):
            widget.textChanged.connect(self._changed)
        self.confidence.currentIndexChanged.connect(self._changed)
        self.reload_vocabulary()

    # ---- vocabulary -----------------------------------------------------------------------
    def reload_vocabulary(self) -> None:
        """Re-read the taxonomy and suggestions (after the case changed), keeping what is typed.

        Skipped while the user is typing in the form (an import commits every few hundred ms)."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit | QPlainTextEdit) and self.isAncestorOf(focus):
            return
        was = self._loading
        self._loading = True
        try:
            typed = self.category.currentText()
            tax = case_taxonomy(self.session.case)
            self.category.clear()
            self.category.addItem("", "")
            for term in tax.categories:
                self.category.addItem(term.label, term.id)
            self.category.setCurrentText(typed)
            self._fill_components()
            self._fill_suggestions()
        finally:
            self._loading = was

    def _fill_components(self) -> None:
        tax = case_taxonomy(self.session.case)
        typed = self.component.currentText()
        category = self._term_id(self.category)
        usual = {t.id for t in tax.components_for(None)} if not category else set(
            next((c.components for c in tax.categories if c.id == category), ()))
        self.component.clear()
        self.component.addItem("", "")
        terms = tax.components_for(category or None)
        for term in terms:
            if term.id in usual:
                self.component.addItem(term.label, term.id)
        others = [t for t in terms if t.id not in usual]
        if others and category:
            self.component.insertSeparator(self.component.count())
            for term in others:
                self.component.addItem(term.label, term.id)
        self.component.setCurrentText(typed)

    def _fill_suggestions(self) -> None:
        category = self._term_id(self.category) or None
        for box, name in ((self.designation, "designation"), (self.manufacturer, "manufacturer")):
            typed = box.currentText()
            box.clear()
            box.addItem("")
            for s in suggest(self.session.case, name, category=category if name == "designation" else None):  # type: ignore[arg-type]
                box.addItem(s.value, s.value)
                box.setItemData(box.count() - 1, f"used on {s.count} tag{'s' if s.count != 1 else ''}"
                                if s.count else "added to this case's taxonomy", Qt.ItemDataRole.ToolTipRole)
            box.setCurrentText(typed)

    def _on_category(self) -> None:
        if not self._loading:
            self._loading = True
            try:
                self._fill_components()
                self._fill_suggestions()
            finally:
                self._loading = False

    def _update_extend_buttons(self) -> None:
        """"+" offers to add a typed category or component that the case's taxonomy does not know."""
        tax = case_taxonomy(self.session.case)
        for kind, box in (("category", self.category), ("component", self.component)):
            typed = box.currentText().strip()
            unknown = bool(typed) and tax.resolve(kind, typed) is None  # type: ignore[arg-type]
            self.extend_buttons[kind].setEnabled(unknown)
            self.extend_buttons[kind].setToolTip(
                f"Add {kind} '{typed}' to this case's taxonomy (recorded as an event), so that it is offered "
                "to everyone" if unknown else f"Type a {kind} that is not in the list to add it to this case's taxonomy")

    def extend_taxonomy(self, kind: str) -> None:
        """Record the typed category or component as a term of this case (a component for the chosen category)."""
        label = (self.category if kind == "category" else self.component).currentText().strip()
        category = self._term_id(self.category).strip() if kind == "component" else ""
        tax = case_taxonomy(self.session.case)
        scope = category if category and tax.resolve("category", category) else None
        self.extend_buttons[kind].setEnabled(False)
        self.session.write(lambda case: extend_taxonomy(case, kind, label, category=scope),  # type: ignore[arg-type]
                           name=f"Adding the {kind} to the taxonomy", on_done=lambda _id: isValid(self) and self._extended(kind, label))

    def _extended(self, kind: str, label: str) -> None:
        self.reload_vocabulary()
        (self.category if kind == "category" else self.component).setCurrentText(label)
        self._update_extend_buttons()

    @staticmethod
    def _term_id(box: QComboBox) -> str:
        """The taxonomy id when the text is one of the listed labels, else the text as typed."""
        text = box.currentText()
        index = box.findText(text, Qt.MatchFlag.MatchExactly)
        data = box.itemData(index) if index >= 0 else None
        return data if isinstance(data, str) and data else text

    # ---- values ---------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        """Everything in the form as the core takes it ("" clears a field)."""
        values: dict[str, Any] = {
            "category": self._term_id(self.category).strip(),
            "component": self._term_id(self.component).strip(),
            "designation": self.designation.currentText().strip(),
            "manufacturer": self.manufacturer.currentText().strip(),
            "markings": self.markings.toPlainText(),           # verbatim: never stripped
            "confidence": self.confidence.currentData() or "",
            "note": self.note.toPlainText(),
            "refs": [self.refs.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.refs.count())],
        }
        for name, edit in self.codes.items():
            values[name] = edit.text()
        assert set(values) == set(FIELD_NAMES)
        return values

    def set_fragment(self, fragment: Fragment | None) -> None:
        """Show a recorded tag's values (None: an empty form for a new tag)."""
        self._loading = True
        try:
            tax = case_taxonomy(self.session.case)
            f = fragment
            self.category.setCurrentText(tax.label("category", f.category) or "" if f else "")
            self._fill_components()
            self.component.setCurrentText(tax.label("component", f.component) or "" if f else "")
            self._fill_suggestions()
            self.designation.setCurrentText(f.designation or "" if f else "")
            self.manufacturer.setCurrentText(f.manufacturer or "" if f else "")
            self.markings.setPlainText(f.markings or "" if f else "")
            for name, edit in self.codes.items():
                edit.setText((getattr(f, name) or "") if f else "")
                self._check(name)
            self.confidence.setCurrentIndex(max(0, self.confidence.findData(f.confidence or "" if f else "")))
            self.note.setPlainText(f.note or "" if f else "")
            self.refs.clear()
            for ref in (f.refs if f else ()):
                self._add_ref(ref)
        finally:
            self._loading = False

    def _add_ref(self, item_id: str) -> None:
        row = self.session.case.conn.execute("SELECT display_name FROM items WHERE id = ?", (item_id,)).fetchone()
        entry = QListWidgetItem(f"{row[0] if row else '(not in this case)'}  ·  {item_id[:8]}")
        entry.setData(Qt.ItemDataRole.UserRole, item_id)
        self.refs.addItem(entry)

    def _pick_reference(self) -> None:
        picker = ReferencePicker(self.session, self)
        if picker.exec() == QDialog.DialogCode.Accepted and picker.chosen:
            have = {self.refs.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.refs.count())}
            if picker.chosen not in have:
                self._add_ref(picker.chosen)
                self.edited.emit()

    def _check(self, name: str) -> None:
        label = self.notices.get(name)
        if label is None:
            return
        text = self.codes[name].text()
        found = check_codes({name: text})
        label.setText("\n".join(n.message for n in found) + ("\n(saved as typed)" if found else ""))
        label.setVisible(bool(found))

    def notice_text(self) -> str:
        return "\n".join(label.text() for label in self.notices.values() if label.isVisible())

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()


class ReferencePicker(QDialog):
    """Choose an item of this case as a reference image (a filter box over the item list)."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Link a reference image")
        self.session = session
        self.chosen: str | None = None
        self.search = QLineEdit(placeholderText="Filter by name", clearButtonEnabled=True)
        self.list = QListWidget(objectName="reference_items")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self._accept())
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Reference images must be imported into the case first (File ▸ Import)."))
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._fill)
        self.resize(420, 420)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        conn = self.session.case.conn
        order = browse.item_order(conn, browse.ItemFilter(text=self.search.text().strip()))[:500]
        rows = browse.fetch_rows(conn, order)
        for row in (rows[r] for r in order if r in rows):
            if row.media_type in ("image", "video"):
                entry = QListWidgetItem(f"{row.display_name}  ·  {row.id[:8]}")
                entry.setData(Qt.ItemDataRole.UserRole, row.id)
                self.list.addItem(entry)

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()
