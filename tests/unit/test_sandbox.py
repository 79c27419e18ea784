"""WorkerPool: outcomes, worker reuse and replacement, messages, cancellation, clean shutdown."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from verify_bench.ingest.sandbox import Message, Question, TaskResult, WorkerPool

from . import sandbox_targets as t

LINUX = sys.platform.startswith("linux")


def collect(pool: WorkerPool, answer: Callable[[Any], Any] | None = None, limit: float = 20.0) -> list[Any]:
    """Poll until nothing is pending; answer questions with ``answer``; return all events in order."""
    events: list[Any] = []
    end = time.monotonic() + limit
    while pool.pending():
        assert time.monotonic() < end, "pool did not finish in time"
        for event in pool.poll(timeout=1.0):
            events.append(event)
            if isinstance(event, Question):
                assert answer is not None
                pool.reply(event.task_id, answer(event.payload))
    return events


def results(events: list[Any]) -> dict[int, TaskResult]:
    found = [e for e in events if isinstance(e, TaskResult)]
    by_id = {r.task_id: r for r in found}
    assert len(by_id) == len(found), "a task got more than one result"
    return by_id


def run(func: Callable[..., Any], tasks: list[Any], **kwargs: Any) -> list[TaskResult]:
    with WorkerPool(func, workers=1, **kwargs) as pool:
        ids = [pool.submit(task) for task in tasks]
        got = results(collect(pool))
    return [got[i] for i in ids]


def test_ok_result() -> None:
    [r] = run(t.echo, [{"a": [1, 2]}])
    assert r == TaskResult(r.task_id, "ok", {"a": [1, 2]}, "")


def test_workers_start_with_single_threaded_native_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set for the worker's whole life (spawn imports ``__main__``, which may load numpy, before any initializer)."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    [r] = run(t.native_threads, [None])
    variables, started = r.value
    assert variables == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if started is not None:
        assert started == 0, "loading numpy started helper threads in the worker"


def test_exception_is_an_error_and_the_worker_is_reused() -> None:
    first, failed, last = run(t.dispatch, [("pid", None), ("fail", "bad header"), ("pid", None)])
    assert failed.outcome == "error"
    assert failed.message == "ValueError: bad header"
    assert first.outcome == last.outcome == "ok"
    assert first.value == last.value  # same worker process


@pytest.mark.skipif(not LINUX, reason="signal names are POSIX")
def test_native_crashes_are_reported_and_the_next_task_runs() -> None:
    aborted, segfaulted, after = run(t.dispatch, [("abort", None), ("segfault", None), ("echo", "still here")])
    assert (aborted.outcome, aborted.message) == ("crashed", "worker died with SIGABRT")
    assert (segfaulted.outcome, segfaulted.message) == ("crashed", "worker died with SIGSEGV")
    assert (after.outcome, after.value) == ("ok", "still here")


def test_infinite_loop_times_out_and_a_fresh_worker_follows() -> None:
    with WorkerPool(t.dispatch, workers=1, time_limit=1.0) as pool:
        pool.submit(("echo", "warm-up"))  # so that worker start-up is not timed below
        collect(pool)
        started = time.monotonic()
        spin = pool.submit(("spin", None))
        after = pool.submit(("echo", "next"))
        got = results(collect(pool))
        elapsed = time.monotonic() - started
    assert got[spin].outcome == "timeout"
    assert "time limit of 1 s" in got[spin].message
    assert (got[after].outcome, got[after].value) == ("ok", "next")
    assert elapsed < 1.0 + 3.0  # limit + kill + one worker start


@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS is Linux-only")
def test_unbounded_allocation_is_out_of_memory() -> None:
    hog, after = run(t.dispatch, [("hog", None), ("echo", 1)], memory_limit=512 * 2**20)
    assert hog.outcome == "out_of_memory"
    assert hog.message.startswith("MemoryError")
    assert (after.outcome, after.value) == ("ok", 1)


@pytest.mark.skipif(sys.platform == "win32", reason="needs getrusage")
def test_rss_watchdog_maps_to_out_of_memory() -> None:
    [r] = run(t.hog_watched, [300 * 2**20], memory_limit=None)
    assert (r.outcome, r.message) == ("out_of_memory", "worker ran out of memory")


def test_send_and_ask_round_trip() -> None:
    with WorkerPool(t.chatty, workers=1) as pool:
        task_id = pool.submit(3)
        events = collect(pool, answer=lambda question: 21 if question == "number?" else None)
    assert events == [
        Message(task_id, ("progress", 0)),
        Message(task_id, ("progress", 1)),
        Message(task_id, ("progress", 2)),
        Question(task_id, "number?"),
        TaskResult(task_id, "ok", 42),
    ]


def test_a_posed_question_is_answered_while_the_worker_goes_on() -> None:
    with WorkerPool(t.pose_then_work, workers=1) as pool:
        task_id = pool.submit(0.2)
        events = collect(pool, answer=lambda question: "yes")
    assert events[0] == Question(task_id, "go on?")
    assert events[1].task_id == task_id and events[1].value[0] == "yes"


def test_prefetched_tasks_wait_in_the_pipe_and_survive_answers() -> None:
    """With prefetch the next task is handed over while the worker waits for its answer: both arrive."""
    with WorkerPool(t.pose_then_work, workers=1, prefetch=True) as pool:
        ids = [pool.submit(0.05) for _ in range(6)]
        got = results(collect(pool, answer=lambda question: "yes"))
    assert [got[i].value[0] for i in ids] == ["yes"] * 6
    assert len({got[i].value[1] for i in ids}) == 1  # one worker ran them all


def test_a_prefetched_task_goes_back_to_the_queue_when_its_worker_dies() -> None:
    with WorkerPool(t.dispatch, workers=1, prefetch=True) as pool:
        tasks = [("echo", 1), ("segfault", None), ("echo", 2), ("abort", None), ("echo", 3)]
        ids = [pool.submit(task) for task in tasks]
        got = results(collect(pool))
    assert [got[i].outcome for i in ids] == ["ok", "crashed", "ok", "crashed", "ok"]
    assert [got[i].value for i in ids[::2]] == [1, 2, 3]


def test_an_unread_answer_does_not_derail_the_next_task() -> None:
    with WorkerPool(t.dispatch, workers=1, prefetch=True) as pool:
        ids = [pool.submit(("pose_and_leave", None)), pool.submit(("echo", "next")), pool.submit(("pid", None))]
        got = results(collect(pool, answer=lambda question: "here"))
    assert [(got[i].outcome, got[i].value) for i in ids[:2]] == [("ok", "left"), ("ok", "next")]
    assert got[ids[2]].outcome == "ok"


def test_cancel_pending_keeps_the_task_already_handed_over() -> None:
    with WorkerPool(t.started_then_sleep, workers=1, prefetch=True) as pool:
        running = pool.submit(0.3)
        while not any(isinstance(e, Message) for e in pool.poll(timeout=5.0)):
            pass
        queued = [pool.submit(0.0) for _ in range(5)]
        assert pool.cancel_pending() == queued[1:]
        got = results(collect(pool))
    assert list(got) == [running, queued[0]]


def test_many_tasks_complete_exactly_once() -> None:
    with WorkerPool(t.square, workers=2) as pool:
        ids = {pool.submit(n): n for n in range(200)}
        assert pool.pending() == 200
        got = results(collect(pool))
        assert pool.pending() == 0
    assert set(got) == set(ids)
    assert all(r.outcome == "ok" and r.value == ids[i] ** 2 for i, r in got.items())


def test_cancel_pending_drops_only_queued_tasks() -> None:
    with WorkerPool(t.started_then_sleep, workers=1) as pool:
        running = pool.submit(0.3)
        while not any(isinstance(e, Message) for e in pool.poll(timeout=5.0)):
            pass
        queued = [pool.submit(0.0) for _ in range(5)]
        assert pool.cancel_pending() == queued
        assert pool.pending() == 1
        got = results(collect(pool))
    assert list(got) == [running]
    assert got[running].value == "slept"


def test_unpicklable_and_oversized_output_are_errors() -> None:
    unpicklable, oversized, raw, after = run(
        t.dispatch, [("unpicklable_result", None), ("flood", None), ("flood_raw", None), ("echo", "ok")]
    )
    assert unpicklable.outcome == "error" and unpicklable.message.startswith("result could not be sent")
    assert oversized.outcome == "error" and "exceeds" in oversized.message
    assert raw.outcome == "error" and "cap" in raw.message
    assert after.value == "ok"


def test_unpicklable_task_is_an_error() -> None:
    with WorkerPool(t.echo, workers=1) as pool:
        task_id = pool.submit(lambda: None)
        [r] = pool.poll(timeout=0)
        assert (r.task_id, r.outcome) == (task_id, "error")
        assert r.message.startswith("task could not be sent")
        assert pool.pending() == 0


def test_broken_initializer_fails_tasks_instead_of_hanging() -> None:
    [r] = run(t.echo, ["x"], initializer=t.broken_init)
    assert r.outcome == "crashed"
    assert r.message == "worker initializer failed: RuntimeError: no codecs here"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_workers_ignore_sigint() -> None:
    first, second = run(t.dispatch, [("sigint_self", None), ("pid", None)])
    assert first.outcome == second.outcome == "ok"
    assert first.value == second.value


def test_close_leaves_no_live_children() -> None:
    pool = WorkerPool(t.dispatch, workers=2, time_limit=30.0)
    pool.submit(("spin", None))
    ids = {pool.submit(("pid", None)) for _ in range(3)}
    worker_pids = set()
    end = time.monotonic() + 10
    while ids and time.monotonic() < end:
        for event in pool.poll(timeout=1.0):
            if isinstance(event, TaskResult):
                ids.discard(event.task_id)
                worker_pids.add(event.value)
    assert not ids
    started = time.monotonic()
    pool.close()  # one worker is still spinning
    assert time.monotonic() - started < 3.0
    assert multiprocessing.active_children() == []
    for worker_pid in worker_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(worker_pid, 0)
    with pytest.raises(RuntimeError):
        pool.submit(("pid", None))
    pool.close()  # idempotent


def test_poll_returns_at_once_when_idle() -> None:
    with WorkerPool(t.echo, workers=1) as pool:
        started = time.monotonic()
        assert pool.poll() == []
        assert time.monotonic() - started < 0.1


def test_lambda_is_refused_up_front() -> None:
    with pytest.raises((pickle.PicklingError, AttributeError)):
        WorkerPool(lambda task, channel: task)


_PROGRAM = """
import os, sys
with open(os.environ["VB_MARK"], "a") as f:  # every process that runs this file leaves its pid
    f.write(f"{os.getpid()}\\n")

def here(task, channel):
    return os.getpid()

if __name__ == "__main__":
    from verify_bench.ingest.sandbox import TaskResult, WorkerPool
    from tests.unit import sandbox_targets
    func = here if sys.argv[1] == "main" else sandbox_targets.pid
    with WorkerPool(func, workers=1) as pool:
        pool.submit(None)
        done = []
        while not done:
            done = [m for m in pool.poll(timeout=5) if isinstance(m, TaskResult)]
    assert done[0].outcome == "ok", done[0]
    print(done[0].value, os.path.basename(__file__), __spec__)
"""


@pytest.mark.parametrize("where", ["module", "main"])
def test_workers_import_the_programs_main_module_only_for_a_function_defined_there(tmp_path, where: str) -> None:
    """The verify-bench script imports the whole command line (0.4 s); the parsers never need it."""
    import subprocess
    from pathlib import Path

    program, mark = tmp_path / "program.py", tmp_path / "pids"
    program.write_text(_PROGRAM)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "VB_MARK": str(mark), "PYTHONPATH": os.pathsep.join([str(root), *sys.path])}
    out = subprocess.run([sys.executable, str(program), where], env=env, capture_output=True, text=True,
                         timeout=60, cwd=root)
    assert out.returncode == 0, out.stderr
    worker, name, spec = out.stdout.split()
    assert (name, spec) == ("program.py", "None")  # the program's own module is left as it was
    pids = mark.read_text().split()
    assert pids[0] != worker
    assert pids[1:] == ([worker] if where == "main" else [])
