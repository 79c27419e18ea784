"""The background-work helper delivers results, progress and errors on the GUI thread, and cancels."""

from __future__ import annotations

import threading

from verify_bench.gui.workers import TaskContext, TaskRunner


def test_results_progress_and_errors_arrive_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: list[tuple[str, object, bool]] = []

    def work(ctx: TaskContext) -> int:
        ctx.report(1)
        return threading.get_ident()

    task = runner.run(work, on_progress=lambda v: seen.append(("progress", v, threading.get_ident() == gui)),
                      on_result=lambda v: seen.append(("result", v != gui, threading.get_ident() == gui)))
    # waitUntil, not waitSignal: a fast task may emit before a waitSignal could connect.
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert seen == [("progress", 1, True), ("result", True, True)]

    def fail(ctx: TaskContext) -> None:
        raise ValueError("bad input")

    errors: list[str] = []
    failing = runner.run(fail, name="Parsing", on_error=lambda message, exc: errors.append(message))
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert errors == ["Parsing failed: bad input"]
    assert runner.shutdown()


def test_shutdown_cancels_running_work_and_waits_for_it(qtbot):
    runner = TaskRunner()
    started = threading.Event()

    def wait_for_cancel(ctx: TaskContext) -> str:
        started.set()
        while not ctx.cancelled():
            threading.Event().wait(0.01)
        return "stopped"

    runner.run(wait_for_cancel, serial=True)
    assert started.wait(3)
    assert runner.busy
    assert runner.shutdown(timeout_ms=3000)
