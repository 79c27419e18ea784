"""The fragment tagging tab for one item: picture with drawing tools, its tags with their crops, the tag
form, known lengths and measurements; for a video, the frame being tagged.

Every change goes through the core (:mod:`verify_bench.fragments`) on the case's writer thread and onto
the workspace's undo stack (see :mod:`.fragment_commands`). The picture shown is the core's upright view
(:func:`verify_bench.fragments.upright_picture`): the very pixels crops are cut from, at full resolution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QImage, QKeySequence, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...errors import ItemNotFound
from ...fragments import (
    Fragment,
    FragmentError,
    FragmentFilter,
    ItemGeometry,
    Region,
    TagResult,
    case_taxonomy,
    item_geometry,
    list_fragments,
    upright_picture,
)
from ...fragments.regions import from_points, number
from ...ingest.derived import strip_path
from ..formatting import duration
from ..imaging import blurred
from ..session import CaseSession
from .fragment_canvas import FragmentCanvas, Overlay, Pt
from .fragment_commands import DeleteCommand, EditCommand, FragmentNotifier, TagCommand
from .fragment_form import FragmentForm
from .fragment_measure import MeasurePanel

PENDING = "pending"
CROP_ICON = QSize(72, 72)


def to_qimage(picture: Image.Image) -> QImage:
    """A Pillow picture as a QImage that owns its pixels (safe to pass between threads)."""
    rgb = picture if picture.mode == "RGB" else picture.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


def tag_summary(fragment: Fragment, labels: Any) -> str:
    """``"guided bomb kit / tail kit · GBU-39"``: what a tag says, in a few words."""
    parts = [p for p in (labels("category", fragment.category), labels("component", fragment.component)) if p]
    words = " / ".join(parts) or "untagged kind"
    if fragment.designation:
        words += f" · {fragment.designation}"
    return words


class FragmentTagView(QWidget):
    same_kind_requested = Signal(object)   # a FragmentFilter: show every tag of this kind in the case

    def __init__(self, session: CaseSession, item_id: str, undo_stack: QUndoStack | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fragment_view")
        self.session = session
        self.undo_stack = undo_stack or QUndoStack(self)
        self.notifier = FragmentNotifier.of(self.undo_stack)
        self.item = session.case.find_item(item_id)
        self.item_id: str = self.item["id"]
        self.title = f"Fragments: {self.item['display_name'][:24]}"
        self.geometry_: ItemGeometry | None = None
        self.frame_ts: float | None = None
        self.fragments: list[Fragment] = []
        self.pending: Region | None = None      # drawn, upright grid, not saved yet
        self.selected_id: str | None = None
        self._select_after: str | None = None   # a tag to select once its frame is shown
        self._crops: dict[str, QImage] = {}
        self._image = QImage()
        self._blurred = QImage()
        self._times: list[float] = []

        self.canvas = FragmentCanvas()
        self.message = QLabel("Loading the picture at full resolution…", alignment=Qt.AlignmentFlag.AlignCenter,
                              wordWrap=True, objectName="fragment_message")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.canvas)
        self.form = FragmentForm(session)
        self.measure = MeasurePanel(session)
        self.canvas.preview_text = self.measure.preview
        self.regions = QListWidget(objectName="fragment_regions", iconSize=CROP_ICON, wordWrap=True)
        self.regions.setMinimumHeight(140)
        for signal in (self.regions.itemClicked, self.regions.itemActivated):   # a click, or Enter on a row
            signal.connect(lambda entry: self.select_fragment(entry.data(Qt.ItemDataRole.UserRole)))
        self.status = QLabel(objectName="fragment_status", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form_title = QLabel(objectName="form_title", wordWrap=True)
        self._build_frames()
        self._build_actions()
        self._layout()

        self.canvas.drawn.connect(self._on_drawn)
        self.canvas.segment_drawn.connect(self._on_segment)
        self.canvas.selection_changed.connect(self._on_canvas_selection)
        self.canvas.region_edited.connect(self._on_region_edited)
        self.canvas.delete_requested.connect(self.delete_fragment)
        self.canvas.tool_changed.connect(self._on_tool)
        self.notifier.recorded.connect(self._on_recorded)
        session.changed.connect(self.refresh)
        session.flags_changed.connect(self._apply_blur)
        session.write_failed.connect(self._on_write_failed)
        self._start()

    # ---- building -------------------------------------------------------------------------
    def _build_frames(self) -> None:
        self.frames = QListWidget(objectName="fragment_frames", flow=QListView.Flow.LeftToRight, maximumHeight=92)
        self.frames.setViewMode(QListView.ViewMode.IconMode)
        self.frames.setIconSize(QSize(112, 63))
        self.frames.setWrapping(False)
        self.frames.currentRowChanged.connect(lambda row: self.show_frame(self._times[row])
                                              if 0 <= row < len(self._times) else None)
        self.frame_time = QDoubleSpinBox(objectName="frame_time", decimals=3, suffix=" s", minimum=0.0,
                                         toolTip="Any time in the video; the frame shown then is tagged")
        go = QPushButton("Show frame")
        go.clicked.connect(lambda: self.show_frame(self.frame_time.value()))
        self.frame_label = QLabel(objectName="frame_label")
        self.frame_bar = QWidget()
        column = QVBoxLayout(self.frame_bar)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.frame_label, 1)
        row.addWidget(QLabel("or at"))
        row.addWidget(self.frame_time)
        row.addWidget(go)
        column.addLayout(row)
        column.addWidget(self.frames)
        self.frame_bar.setVisible(self.item["media_type"] == "video")

    def _build_actions(self) -> None:
        self.toolbar = QToolBar("Fragment tools", objectName="fragment_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name, action in self.canvas.tool_actions.items():
            self.toolbar.addAction(action)
            if name == "point":
                self.toolbar.addSeparator()
        self.toolbar.addSeparator()
        self.fit_action = self._action("Fit", self.canvas.fit, "Fit the picture in the view (0)")
        self.zoom_action = self._action("1:1", self.canvas.actual_size, "Actual pixels (1)")
        self.save_action = self._action("Save tag", self.save, "Record the tag (Ctrl+S)", QKeySequence.StandardKey.Save)
        self.new_action = self._action("New tag", self.new_tag, "Deselect (Esc); draw the next region")
        self.delete_action = self._action("Delete tag", lambda: self.delete_fragment(self.selected_id),
                                          "Delete the selected tag (Delete) — recorded as an event, undoable")
        self.same_kind_action = self._action("Same kind in case…", self.find_same_kind,
                                             "List every tag of this category and component across the case")
        self.reveal_action = self._action("Reveal", lambda: self.session.reveal(self.item_id),
                                          "Show this sensitive picture for this session")
        for a in (self.fit_action, self.zoom_action, None, self.delete_action, self.same_kind_action,
                  self.reveal_action):
            self.toolbar.addSeparator() if a is None else self.toolbar.addAction(a)
        self.reveal_action.setVisible(False)

    def _action(self, text: str, slot: Any, tip: str, shortcut: Any = None) -> QAction:
        action = QAction(text, self, toolTip=tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        action.triggered.connect(slot)
        return action

    def _layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.toolbar)
        column.addWidget(self.stack, 1)
        column.addWidget(self.frame_bar)
        column.addWidget(self.status)

        side = QWidget(objectName="fragment_side")
        side_column = QVBoxLayout(side)
        side_column.setContentsMargins(6, 0, 6, 6)
        tags_box = QGroupBox("Tags on this item")
        QVBoxLayout(tags_box).addWidget(self.regions)
        form_box = QWidget()
        form_column = QVBoxLayout(form_box)
        form_column.addWidget(self.form_title)
        form_column.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for action in (self.new_action, self.save_action):
            button = QPushButton(action.text(), toolTip=action.toolTip(), objectName=f"{action.text().split()[0].lower()}_button")
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        form_column.addLayout(buttons)
        form_column.addStretch(1)
        measure_page = QWidget()
        measure_column = QVBoxLayout(measure_page)
        measure_column.addWidget(self.measure)
        measure_column.addStretch(1)
        self.side_tabs = QTabWidget(objectName="fragment_side_tabs", documentMode=True)
        self.side_tabs.addTab(form_box, "Tag")
        self.side_tabs.addTab(measure_page, "Known length && measurements")
        side_column.addWidget(tags_box)
        side_column.addWidget(self.side_tabs, 1)
        scroll = QScrollArea(widgetResizable=True, minimumWidth=400)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(side)
        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="fragment_splitter")
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # ---- loading --------------------------------------------------------------------------
    def _start(self) -> None:
        try:
            self.geometry_ = item_geometry(self.session.case, self.item)
        except FragmentError as exc:
            self.message.setText(str(exc))
            self._set_enabled(False)
            return
        if self.item["media_type"] == "video":
            self.frame_time.setMaximum(self.geometry_.duration or 1e6)
            self._times = sorted({r[0] for r in self.session.case.conn.execute(
                "SELECT DISTINCT frame_ts FROM hashes WHERE item_id = ? AND frame_ts IS NOT NULL", (self.item_id,))})
            strip = strip_path(self.session.root, self.item["sha256"])
            times = list(self._times)
            self.session.runner.run(lambda ctx: QImage(str(strip)) if strip.is_file() else QImage(),
                                    name="Loading the keyframes",
                                    on_result=self._if_alive(lambda img: self._on_strip(img, times)))
            self.show_frame(self._times[0] if self._times else 0.0)
        else:
            self.show_frame(None)
        self.refresh()

    def _set_enabled(self, on: bool) -> None:
        for a in (*self.canvas.tool_actions.values(), self.save_action, self.delete_action):
            a.setEnabled(on)

    def _on_strip(self, strip: QImage, times: list[float]) -> None:
        self.frames.blockSignals(True)
        self.frames.clear()
        if not strip.isNull() and times:
            width = strip.width() // len(times)
            for i, t in enumerate(times):
                tile = strip.copy(QRect(i * width, 0, width, strip.height()))
                self.frames.addItem(QListWidgetItem(QIcon(QPixmap.fromImage(tile)), duration(t)))
        self.frames.blockSignals(False)
        self._mark_keyframe()

    def _mark_keyframe(self) -> None:
        """Highlight the keyframe shown, or none when the frame shown is between keyframes."""
        rounded = [number(t) for t in self._times]
        row = rounded.index(self.frame_ts) if self.frame_ts in rounded and self.frames.count() else -1
        self.frames.blockSignals(True)
        self.frames.setCurrentRow(row)
        if row < 0:
            self.frames.clearSelection()
        self.frames.blockSignals(False)

    def show_frame(self, frame_ts: float | None) -> None:
        """Show the still, or the video frame at ``frame_ts`` seconds (what new tags will record)."""
        root, item, geometry = self.session.root, dict(self.item), self.geometry_
        if geometry is None:
            return
        frame = None if frame_ts is None else number(frame_ts)
        self.frame_ts = frame
        if frame is not None:
            self.frame_label.setText(f"Tagging the frame at {frame:g} s (of {duration(geometry.duration)})")
            self.frame_time.setValue(frame)
            self._mark_keyframe()
        self.pending = None
        self.canvas.cancel_draft()
        self.stack.setCurrentWidget(self.message)
        self.message.setText("Loading the picture at full resolution…")

        hidden = self.session.is_blurred(self.item_id)   # blur on the worker only when it will be shown

        def load(ctx: Any) -> tuple[float | None, QImage, QImage]:
            image = to_qimage(upright_picture(root, item, geometry.orientation, frame))
            return frame, image, blurred(image) if hidden else QImage()
        self.session.runner.run(load, name="Loading the picture", on_result=self._if_alive(self._on_picture),
                                on_error=self._if_alive(lambda message, exc: self.message.setText(message)))

    def _on_picture(self, result: tuple[float | None, QImage, QImage]) -> None:
        frame, image, blurred_image = result
        if frame != self.frame_ts:
            return  # another frame was asked for meanwhile
        g = self.geometry_
        assert g is not None
        if (image.width(), image.height()) != (g.upright_width, g.upright_height):
            self.message.setText(f"The decoded picture is {image.width()} × {image.height()}, not the "
                                 f"{g.upright_width} × {g.upright_height} recorded: it cannot be tagged safely.")
            return
        self._image, self._blurred = image, blurred_image
        self.canvas.set_image(QImage())  # forget the old frame's view state
        self._apply_blur(force=True)
        self.stack.setCurrentWidget(self.canvas)
        self.measure.set_context(self.item_id, frame, g)
        self._update_overlays()
        if self._select_after is not None:
            key, self._select_after = self._select_after, None
            self.select_fragment(key)

    def _apply_blur(self, force: bool = False) -> None:
        if self._image.isNull():
            return
        hidden = self.session.is_blurred(self.item_id)
        self.reveal_action.setVisible(hidden)
        if hidden:
            self._say("Marked sensitive, so blurred: Reveal shows it for this session.")
            if self._blurred.isNull():
                self._blurred = blurred(self._image)
        if force or hidden or self.canvas.has_image:
            self.canvas.set_image(self._blurred if hidden else self._image)

    # ---- the case's tags ------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read this item's tags (after any write), keep the selection, load their crops."""
        try:
            self.fragments = list_fragments(self.session.case, FragmentFilter(item=self.item_id))
        except ItemNotFound:
            return
        if self.selected_id is not None and self.fragment(self.selected_id) is None:
            self.selected_id = None
        tax = case_taxonomy(self.session.case)
        self.regions.clear()
        for n, f in enumerate(self.fragments, start=1):
            where = f"  ·  at {f.frame_ts:g} s" if f.frame_ts is not None else ""
            text = f"{n}. {tag_summary(f, tax.label)}\n{f.region.shape}{where}  ·  {f.confidence or 'confidence not set'}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, f.id)
            if f.id in self._crops:
                entry.setIcon(QIcon(QPixmap.fromImage(self._crops[f.id])))
            self.regions.addItem(entry)
            if f.id == self.selected_id:
                self.regions.setCurrentItem(entry)
        if not self.fragments:
            self.regions.addItem(QListWidgetItem("No tags yet: draw a region with R (rectangle), P (polygon) or O (point)."))
        self.form.reload_vocabulary()
        self.measure.refresh()
        self._update_overlays()
        self._update_form_title()
        self._load_crops()

    def _load_crops(self) -> None:
        paths = {f.id: f.crop for f in self.fragments if f.crop.is_file()}

        def load(ctx: Any) -> dict[str, QImage]:
            return {fid: QImage(str(p)).scaled(CROP_ICON, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation) for fid, p in paths.items()}
        self.session.runner.run(load, name="Loading crops", on_result=self._if_alive(self._on_crops))

    def _on_crops(self, crops: dict[str, QImage]) -> None:
        self._crops.update({k: v for k, v in crops.items() if not v.isNull()})
        for row in range(self.regions.count()):
            entry = self.regions.item(row)
            crop = self._crops.get(entry.data(Qt.ItemDataRole.UserRole))
            if crop is not None:
                entry.setIcon(QIcon(QPixmap.fromImage(crop)))

    def fragment(self, fragment_id: str | None) -> Fragment | None:
        return next((f for f in self.fragments if f.id == fragment_id), None)

    def _on_frame(self, f: Fragment) -> bool:
        return f.frame_ts == self.frame_ts

    def _update_overlays(self) -> None:
        g = self.geometry_
        if g is None or self._image.isNull():
            return
        tax = case_taxonomy(self.session.case)
        overlays = []
        for n, f in enumerate(self.fragments, start=1):
            if self._on_frame(f):
                upright = g.to_upright(f.region)
                overlays.append(Overlay(f.id, upright.shape, list(upright.points), f"{n} · {tag_summary(f, tax.label)}"))
        if self.pending is not None:
            overlays.append(Overlay(PENDING, self.pending.shape, list(self.pending.points), "new — fill the form, then Save",
                                    "pending"))
        overlays.extend(self.measure.overlays())
        self.canvas.set_overlays(overlays)
        if self.selected_id is not None and self.canvas.selected != self.selected_id:
            self.canvas.select(self.selected_id)

    # ---- selection ------------------------------------------------------------------------
    def select_fragment(self, fragment_id: str | None) -> None:
        f = self.fragment(fragment_id)
        if f is None:
            return
        if not self._on_frame(f):
            self._select_after = f.id
            self.show_frame(f.frame_ts)
            return
        self.canvas.select(f.id, centre=True)

    def _on_canvas_selection(self, key: str | None) -> None:
        if key == PENDING or (key is not None and key.startswith(("scale:", "measurement:"))):
            return
        if key is not None and self.pending is not None:
            self.pending = None
            self._say("The unsaved new region was dropped.")
            self._update_overlays()
        previous, self.selected_id = self.selected_id, key
        if key is not None or previous is not None:   # the form follows the tags, not an unsaved region
            self.form.set_fragment(self.fragment(key))
        for row in range(self.regions.count()):
            if self.regions.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.regions.setCurrentRow(row)
        if key is None:
            self.regions.clearSelection()
        self._update_form_title()

    def _update_form_title(self) -> None:
        if self.pending is not None:
            text = f"New {self.pending.shape} — fill in what is known, then Save (Ctrl+S)"
        elif self.selected_id is not None:
            n = next((i for i, f in enumerate(self.fragments, start=1) if f.id == self.selected_id), 0)
            text = f"Tag {n} ({self.selected_id[:8]}) — changes are recorded when you Save"
        else:
            text = "Draw a region on the picture: R rectangle, P polygon, O point"
        self.form_title.setText(text)
        self.delete_action.setEnabled(self.selected_id is not None)
        self.same_kind_action.setEnabled(self.selected_id is not None or bool(self.form.fields()["category"]))

    def new_tag(self) -> None:
        self.canvas.select(None)
        self.pending = None
        self.form.set_fragment(None)
        self._update_overlays()
        self._update_form_title()
        self._say("Draw the next region: R rectangle, P polygon, O point.")
        self.canvas.setFocus()

    # ---- drawing --------------------------------------------------------------------------
    def _on_drawn(self, shape: str, points: list[Pt]) -> None:
        try:
            region = from_points(shape, points)
        except FragmentError as exc:
            self._say(str(exc), error=True)
            return
        if self.selected_id is not None:
            self.canvas.select(None)    # a new region starts a new tag
            self.form.set_fragment(None)
        self.pending = region
        self._update_overlays()
        self._update_form_title()
        self._say(f"New {shape} drawn. Fill in the form and Save (Ctrl+S); Esc or Delete drops it.")

    def _on_region_edited(self, key: str, shape: str, points: list[Pt]) -> None:
        try:
            region = from_points(shape, points)
        except FragmentError as exc:
            self._say(str(exc), error=True)
            self._update_overlays()
            return
        if key == PENDING:
            self.pending = region
            return
        f = self.fragment(key)
        if f is not None and self.geometry_ is not None:
            stored = self.geometry_.to_stored(region)
            if stored != f.region:
                self.undo_stack.push(EditCommand(self.session, self.notifier, f, {"region": stored}, "Reshape a tag"))

    def _on_tool(self, tool: str) -> None:
        if tool in ("scale", "measure"):
            self.side_tabs.setCurrentIndex(1)
        elif tool != "select":
            self.side_tabs.setCurrentIndex(0)

    def _on_segment(self, tool: str, a: Pt, b: Pt) -> None:
        if tool == "scale":
            self.measure.add_scale(a, b)
        else:
            selected = self.fragment(self.selected_id)
            self.measure.add_measurement(a, b, selected.id if selected is not None and self._on_frame(selected) else None)

    # ---- recording ------------------------------------------------------------------------
    def save(self) -> None:
        """Record the new tag, or the changes to the selected one (code notices never block this)."""
        fields = self.form.fields()
        g = self.geometry_
        if self.pending is not None and g is not None:
            values = {k: v for k, v in fields.items() if v not in ("", [], None)}
            self.undo_stack.push(TagCommand(self.session, self.notifier, self.item_id, g.to_stored(self.pending),
                                            self.frame_ts, values))
            self.pending = None
            self._update_overlays()
            return
        f = self.fragment(self.selected_id)
        if f is None:
            self._say("Draw a region first (R, P or O), or select a tag to change it.", error=True)
            return
        changes = {k: v for k, v in fields.items() if _differs(getattr(f, k), v)}
        if not changes:
            self._say("Nothing changed.")
            return
        self.undo_stack.push(EditCommand(self.session, self.notifier, f, changes,
                                         f"Edit {', '.join(sorted(changes))}"))

    def delete_fragment(self, key: str | None) -> None:
        if key == PENDING or (key is None and self.pending is not None):
            self.pending = None
            self._update_overlays()
            self._update_form_title()
            self._say("The unsaved region was dropped (nothing had been recorded).")
            return
        f = self.fragment(key)
        if f is not None:
            self.undo_stack.push(DeleteCommand(self.session, self.notifier, f))

    def _on_recorded(self, item_id: str, message: str, result: Any) -> None:
        if item_id != self.item_id:
            return
        if isinstance(result, TagResult):
            words = [f"{message} ({result.fragment_id[:8]}, event #{result.event_seq})."]
            words += [n.message for n in result.notices]
            if result.crop_error:
                words.append(f"The crop could not be written: {result.crop_error}")
            self._say("\n".join(words), error=bool(result.notices or result.crop_error))
            if self.fragment(result.fragment_id) is not None:
                self.selected_id = result.fragment_id
                self.select_fragment(result.fragment_id)
                self.form.set_fragment(self.fragment(result.fragment_id))
                self._update_form_title()
        elif result is None and message == "Tag changed":
            self._say("Nothing changed: nothing was recorded.")
        else:
            self._say(f"{message}{f' (event #{result})' if isinstance(result, int) else ''}. Undo: Ctrl+Z.")

    def find_same_kind(self) -> None:
        f = self.fragment(self.selected_id)
        values = self.form.fields()
        category = f.category if f is not None else values["category"]
        component = f.component if f is not None else values["component"]
        self.same_kind_requested.emit(FragmentFilter(category=category or None, component=component or None))

    def _if_alive(self, fn: Callable[..., None]) -> Callable[..., None]:
        """A result callback that is dropped once the tab was closed (its widgets are gone)."""
        def call(*args: Any) -> None:
            if isValid(self):
                fn(*args)
        return call

    def _on_write_failed(self, message: str) -> None:
        self._say(message, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("QLabel { color: #b35c00; }" if error else "")
        self.status.setText(text)


def _differs(current: Any, typed: Any) -> bool:
    if isinstance(typed, list):
        return list(current or ()) != typed
    return (current or "") != (typed or "")
