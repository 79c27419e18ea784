"""Render the workflow views on the demo case to docs/screenshots/workflow-*.png (offscreen).

    QT_QPA_PLATFORM=offscreen python scripts/workflow_screenshots.py [--out docs/screenshots]

Builds the demo case in a temporary folder with temporary profiles and settings, moves a few
items through the workflow as an investigator (ivan), then opens the app as a lead (lena) and
grabs the Workflow tab, the History tab, the review queue, the History dock, Verify case and the
profile chooser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import SIZE, grab, settle, wait  # noqa: E402

from verify_bench import profiles, workflow  # noqa: E402
from verify_bench.case import Case  # noqa: E402
from verify_bench.demo import build_demo_case  # noqa: E402
from verify_bench.gui.app import make_app  # noqa: E402
from verify_bench.gui.main_window import MainWindow  # noqa: E402
from verify_bench.gui.views.actor_dialog import ProfileDialog  # noqa: E402


def prepare(root: Path) -> dict[str, str]:
    """Items in several states, with checks, comments and assignments, recorded by ivan and lena."""
    lena = profiles.create_profile("lena", role="lead")
    profiles.create_profile("ivan")
    profiles.create_profile("noor", passphrase="demo passphrase")
    with Case.open(root, signer=profiles.unlock(lena.name)) as case:
        ids = {r[0]: r[1] for r in case.conn.execute("SELECT display_name, id FROM items ORDER BY imported_seq DESC")}
        photo, other, landscape = ids["DSCN0010.jpg"], ids["DSCN0025.jpg"], ids["landscape_6.jpg"]
        workflow.assign(case, [photo, other, landscape], "ivan")
        workflow.add_comment(case, photo, "ivan takes these three; the market photos first.")
    with Case.open(root, actor="ivan") as case:
        workflow.start(case, [other, landscape])
        workflow.record_check(case, photo, "date_time", "pass", note="shadow of the tower: 07:30–07:50 local")
        workflow.record_check(case, photo, "content", "pass", note="no sign of editing; crowd consistent with reports")
        workflow.record_check(case, other, "source", "fail", note="a repost; the original account is deleted")
        workflow.record_check(case, landscape, "location", "unknown", note="no landmark visible")
        workflow.submit(case, [photo], comment="Time and place are solid now.")
        workflow.submit(case, [other, landscape])
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vb-workflow-screens-"))
    os.environ[profiles.CONFIG_DIR_ENV] = str(work / "config")
    os.environ.pop(profiles.PASSPHRASE_ENV, None)
    os.environ["VERIFY_BENCH_ACTOR"] = "lena"
    try:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        make_app()
        demo = work / "Demo.vbcase"
        build_demo_case(demo)
        ids = prepare(demo)
        window = MainWindow(sample_path=work / "sample.vbcase")
        window.resize(*SIZE)
        window.show()
        window.open_case(demo)
        ws = window.workspace
        assert ws is not None
        wait(lambda: ws.model.loaded_once and ws.model.rowCount() > 0)
        ws.browser.select_item(ids["DSCN0010.jpg"])
        ws.resizeDocks([ws.detail_dock], [600], Qt.Orientation.Horizontal)
        ws.detail.tabs.setCurrentWidget(ws.detail.workflow)
        grab(window, args.out, "workflow-tab")
        ws.detail.tabs.setCurrentWidget(ws.detail.history)
        window.resize(1800, SIZE[1])   # a wide screen: the history's "What changed" column reads in full
        ws.resizeDocks([ws.detail_dock], [900], Qt.Orientation.Horizontal)
        grab(window, args.out, "workflow-history-tab")
        window.resize(*SIZE)
        ws.resizeDocks([ws.detail_dock], [600], Qt.Orientation.Horizontal)
        ws.queue_dock.show()
        ws.resizeDocks([ws.queue_dock], [330], Qt.Orientation.Vertical)
        ws.review_queue.table.selectRow(0)
        ws.detail.tabs.setCurrentWidget(ws.detail.workflow)
        grab(window, args.out, "workflow-review-queue")
        ws.queue_dock.hide()
        ws.history_dock.show()
        ws.resizeDocks([ws.history_dock], [360], Qt.Orientation.Vertical)
        grab(window, args.out, "workflow-case-history")
        dialog = ws.history_view.verify()
        wait(lambda: dialog.report is not None, timeout=60)
        dialog.adjustSize()
        grab(dialog, args.out, "workflow-verify")
        dialog.close()

        people = ws.show_people()
        people.resize(720, 300)
        grab(people, args.out, "workflow-people")
        people.close()

        def shoot_dialog() -> None:
            dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ProfileDialog) and w.isVisible())
            settle(0.3)
            dialog.grab().save(str(args.out / "workflow-profile-chooser.png"))
            print(f"wrote {args.out / 'workflow-profile-chooser.png'}")
            dialog.reject()

        QTimer.singleShot(300, shoot_dialog)
        window.choose_actor()
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
