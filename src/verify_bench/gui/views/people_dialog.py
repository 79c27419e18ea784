"""The people of a case: who joined, with which role and keys; a lead changes roles here.

Roles are granted by the case (``person.role_set`` events, lead only; the last lead cannot step
down): the core decides, this dialog shows its refusals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...workflow import Person, list_people, set_person_role
from ..formatting import short_time
from ..session import CaseSession

ERROR_STYLE = "color:#d0312d"


class PeopleDialog(QDialog):
    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("people_dialog")
        self.setWindowTitle(f"People — {session.title}")
        self.setMinimumSize(620, 320)
        self.session = session
        self.tree = QTreeWidget(objectName="people_tree", rootIsDecorated=False, alternatingRowColors=True)
        self.tree.setHeaderLabels(["Name", "Role", "Role set by", "Keys (id, since)"])
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.lead_button = QPushButton("Make lead", objectName="make_lead")
        self.investigator_button = QPushButton("Make investigator", objectName="make_investigator")
        self.lead_button.clicked.connect(lambda: self.set_role("lead"))
        self.investigator_button.clicked.connect(lambda: self.set_role("investigator"))
        self.message = QLabel(objectName="people_message", wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.lead_button)
        buttons.addWidget(self.investigator_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A person joins the case when they first record something, with the key that "
                                "signs their events. Only a lead changes roles.", wordWrap=True))
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        session.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        chosen = self.selected()
        self.tree.clear()
        for p in list_people(self.session.case):
            keys = "; ".join(f"{k.key_id[:12]}… ({short_time(k.at)[:10]})" for k in p.keys)
            set_by = "on joining" if p.role_set_by == p.name else p.role_set_by
            row = QTreeWidgetItem([p.name + ("  (you)" if p.name == self.session.actor else ""), p.role, set_by, keys])
            row.setData(0, Qt.ItemDataRole.UserRole, p)
            row.setToolTip(3, "\n".join(f"{k.key_id}  declared {k.declared_role}  since {k.at}" for k in p.keys))
            self.tree.addTopLevelItem(row)
            if chosen is not None and p.name == chosen.name:
                self.tree.setCurrentItem(row)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self._update_buttons()

    def selected(self) -> Person | None:
        row = self.tree.currentItem()
        return row.data(0, Qt.ItemDataRole.UserRole) if row is not None else None

    def _update_buttons(self) -> None:
        person = self.selected()
        lead = self.session.acting_role() == "lead"
        why = "" if lead else "Only a lead changes roles; you are an investigator in this case"
        self.lead_button.setEnabled(lead and person is not None and person.role != "lead")
        self.investigator_button.setEnabled(lead and person is not None and person.role != "investigator")
        for b in (self.lead_button, self.investigator_button):
            b.setToolTip(why or "Recorded as a signed event")

    def set_role(self, role: str) -> None:
        person = self.selected()
        if person is None:
            return
        name = person.name
        self.message.setText("")
        self.session.write(lambda case: set_person_role(case, name, role),  # type: ignore[arg-type]
                           name=f"Making {name} {'a lead' if role == 'lead' else 'an investigator'}",
                           on_done=lambda _p: self._say(f"{name} is now {'a lead' if role == 'lead' else 'an investigator'}"
                                                        " in this case."),
                           on_error=lambda message: self._say(message, error=True))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)
