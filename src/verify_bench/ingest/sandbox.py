"""Run untrusted parsing in disposable worker processes, with a time and a memory limit.

Parsers of hostile files can crash natively, loop forever or allocate without bound,
none of which ``try/except`` can catch. A :class:`WorkerPool` runs a module-level
function in long-lived ``spawn`` worker processes, one task at a time per worker, and
classifies how every task ended (:data:`Outcome`). A worker that times out, crashes or
runs out of memory is killed and replaced; queued tasks are never lost. With ``prefetch``
a busy worker is also handed its next task, which waits in its pipe: the worker starts it
the moment it sends a result instead of after a round trip to the parent. A handed-over
task that has not started when its worker dies goes back to the queue.

Limits:

* Time: wall-clock, from the moment the task is handed to a ready worker, or for a
  prefetched task from the previous task's result (worker start-up and the initializer do
  not count). Time spent waiting in :meth:`Channel.ask` for the parent's reply *does*
  count, so answer promptly.
* Memory: ``RLIMIT_AS`` (address space) on Linux. Where that is not available but
  ``getrusage`` is (macOS, BSD), a watchdog thread in the worker exits when the peak
  resident size passes the limit; it needs the GIL, so native code that holds the GIL
  is only stopped by the time limit. On Windows only the time limit applies.

The parent never blocks without a deadline (a reply to a worker blocked in ``ask`` is
the one send that is not bounded, and that worker is reading). Use a pool from one
thread: on Linux workers die with the thread that started them (``PR_SET_PDEATHSIG``),
so that no runaway worker outlives a crashed parent.

A worker does not import the program's ``__main__`` module, which ``spawn`` does by default, unless
``func`` or ``initializer`` lives there: the ``verify-bench`` script imports the whole command line
(0.4 s: click, sqlite-utils, every command), which the parsers never need (see :func:`.process_controls.main_left_out`).
Where it is imported, it must be safe to import (the usual ``spawn`` rule).

Workers start with one thread in each native thread pool (OpenMP, OpenBLAS, MKL): parallelism is
per process. A pool sets these variables, where unset, in the program's environment, which workers
inherit (and which native libraries the program itself loads later read); an initializer would be
too late where ``spawn`` imports the ``__main__`` module first (see above), and a program whose main
module imports numpy has started OpenBLAS's threads by then (their busy-waiting doubled a photo's CPU time
and took the core a second worker needed).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

from .process_controls import EXIT_NO_MEMORY, die_with_parent, limit_memory, main_left_out

Outcome = Literal["ok", "error", "timeout", "out_of_memory", "crashed"]

#: Largest pickled message in either direction; bigger ones fail the task with "error".
MAX_MESSAGE_BYTES = 64 * 2**20
#: How long a new worker (interpreter start plus initializer) may take to become ready.
STARTUP_TIMEOUT = 120.0
#: Consecutive worker start failures after which the pool gives up and fails all tasks.
MAX_START_FAILURES = 3

_MAX_TEXT = 2000
_JOIN_TIMEOUT = 5.0
_EXIT_WAIT = 1.0  # after EOF, how long to wait for the worker to exit by itself
_CLOSE_GRACE = 2.0
_DRAIN_LIMIT = 10_000  # messages read from a dying worker before giving up on it


@dataclass(frozen=True)
class TaskResult:
    """How a task ended."""

    task_id: int
    outcome: Outcome
    value: Any = None  # the function's return value when outcome == "ok"
    message: str = ""  # why, otherwise: exception type and text, signal name, limit hit


@dataclass(frozen=True)
class Message:
    """Something a running task passed to :meth:`Channel.send`."""

    task_id: int
    payload: Any


@dataclass(frozen=True)
class Question:
    """A running task waiting in :meth:`Channel.ask`; answer with :meth:`WorkerPool.reply`."""

    task_id: int
    payload: Any


Event = Message | Question | TaskResult


class Channel:
    """The running task's line to the parent (passed to the worker function)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._handed_over: deque[Any] = deque()  # requests that arrived while waiting for a reply

    def send(self, msg: Any) -> None:
        """Pass ``msg`` (picklable, under :data:`MAX_MESSAGE_BYTES`) to the parent."""
        self._conn.send_bytes(_dumps(("message", msg)))

    def ask(self, msg: Any) -> Any:
        """Send ``msg`` and wait for the parent's answer (the time limit keeps running)."""
        self.pose(msg)
        return self.answer()

    def pose(self, msg: Any) -> None:
        """Send the question ``msg`` without waiting; :meth:`answer` reads the reply later."""
        self._conn.send_bytes(_dumps(("question", msg)))

    def answer(self) -> Any:
        """Wait for the reply to the question posed last (tasks handed over meanwhile are kept)."""
        while True:
            message = pickle.loads(self._conn.recv_bytes())
            if message[0] == "reply":
                return message[1]
            self._handed_over.append(message)

    def next_request(self) -> Any:
        """The parent's next request to this worker: a task, or ``("stop",)``.

        A reply the task never read (it posed a question and ended without :meth:`answer`) is dropped.
        """
        while True:
            request = self._handed_over.popleft() if self._handed_over else pickle.loads(self._conn.recv_bytes())
            if request[0] != "reply":
                return request


# ---- worker process ---------------------------------------------------------------------


def _worker_main(
    conn: Connection,
    func: Callable[[Any, Channel], Any],
    memory_limit: int | None,
    initializer: Callable[[], None] | None,
    parent_pid: int,
) -> None:
    """Entry point of a worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which closes the pool
    die_with_parent(parent_pid)
    try:
        limit_memory(memory_limit)
        if initializer is not None:
            try:
                initializer()
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                conn.send_bytes(_dumps(("init_failed", _describe(exc))))
                return
        conn.send_bytes(_dumps(("ready",)))
        channel = Channel(conn)
        while True:
            try:
                request = channel.next_request()
            except EOFError:
                return
            if request[0] == "stop":
                return
            _, task_id, data = request
            conn.send_bytes(_result_bytes(task_id, *_run(func, data, channel)))
    except MemoryError:
        os._exit(EXIT_NO_MEMORY)


def _run(func: Callable[[Any, Channel], Any], data: bytes, channel: Channel) -> tuple[Outcome, Any, str]:
    try:
        return "ok", func(pickle.loads(data), channel), ""
    except MemoryError as exc:
        return "out_of_memory", None, _describe(exc)
    except BaseException as exc:  # noqa: BLE001 - any exception from a parser is an expected outcome
        return "error", None, _describe(exc)


def _result_bytes(task_id: int, outcome: Outcome, value: Any, message: str) -> bytes:
    try:
        return _dumps(("result", task_id, outcome, value, message))
    except MemoryError:
        return _dumps(("result", task_id, "out_of_memory", None, "out of memory while sending the result"))
    except Exception as exc:  # noqa: BLE001 - unpicklable or oversized result
        return _dumps(("result", task_id, "error", None, f"result could not be sent: {_describe(exc)}"))


# ---- shared helpers -----------------------------------------------------------------------


def _dumps(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > MAX_MESSAGE_BYTES:
        raise ValueError(f"message of {len(data)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte cap")
    return data


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - hostile __str__
        text = "<unprintable>"
    described = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return described if len(described) <= _MAX_TEXT else described[: _MAX_TEXT - 1] + "…"


def _exit_text(code: int | None) -> str:
    if code is None:
        return "worker stopped responding"
    if code == EXIT_NO_MEMORY:
        return "worker ran out of memory"
    if code < 0:
        try:
            return f"worker died with {signal.Signals(-code).name}"
        except ValueError:
            return f"worker died with signal {-code}"
    return f"worker exited with code {code:#x}" if code > 0xFFFF else f"worker exited with code {code}"


# ---- parent side ----------------------------------------------------------------------------


#: Environment variables that size native thread pools (see the module docstring).
NATIVE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class _Task:
    task_id: int
    data: bytes  # the pickled task


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    deadline: float  # for start-up or for the running task; inf when idle
    ready: bool = False
    tasks: deque[_Task] = field(default_factory=deque)  # handed over, in order; the first is running
    asking: bool = False

    @property
    def task(self) -> _Task | None:
        """The running task."""
        return self.tasks[0] if self.tasks else None


class WorkerPool:
    """Disposable worker processes running ``func(task, channel)`` under time and memory limits.

    ``func`` and ``initializer`` must be module-level functions. ``initializer`` runs once
    in every new worker (import heavy modules, set thread-count variables). Drive the
    pool with :meth:`poll`; it returns :class:`Message`, :class:`Question` and
    :class:`TaskResult` events, exactly one :class:`TaskResult` per submitted task
    unless the task was dropped with :meth:`cancel_pending` or the pool closed first.
    """

    def __init__(
        self,
        func: Callable[[Any, Channel], Any],
        *,
        workers: int = 2,
        time_limit: float = 60.0,
        memory_limit: int | None = 3 * 2**30,
        initializer: Callable[[], None] | None = None,
        prefetch: bool = False,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if time_limit <= 0:
            raise ValueError("time_limit must be positive")
        pickle.dumps((func, initializer))  # fail here, not in the first spawn, for a lambda or closure
        for name in NATIVE_THREAD_VARIABLES:  # see the module docstring
            os.environ.setdefault(name, "1")
        self._func = func
        self._size = workers
        self._time_limit = time_limit
        self._memory_limit = memory_limit
        self._initializer = initializer
        self._prefetch = prefetch
        self._ctx = multiprocessing.get_context("spawn")
        self._queue: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._outbox: list[Event] = []
        self._unfinished: set[int] = set()
        self._next_id = 0
        self._start_failures = 0
        self._broken: str | None = None
        self._closed = False

    # -- public API --

    def submit(self, task: Any) -> int:
        """Queue ``task`` (picklable) and return its id; it starts when a worker is free."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        task_id = self._next_id
        self._next_id += 1
        self._unfinished.add(task_id)
        try:
            self._queue.append(_Task(task_id, _dumps(task)))
        except Exception as exc:  # noqa: BLE001 - unpicklable or oversized task
            self._outbox.append(TaskResult(task_id, "error", message=f"task could not be sent: {_describe(exc)}"))
        self._dispatch()
        return task_id

    def poll(self, timeout: float | None = None) -> list[Event]:
        """Wait up to ``timeout`` seconds (None: until something happens) and return the new events.

        Returns at once with an empty list when nothing is submitted or running.
        """
        end = None if timeout is None else time.monotonic() + max(0.0, timeout)
        while True:
            self._pump(0.0 if self._outbox else self._wait_time(end))
            if self._outbox or not self._busy() or (end is not None and time.monotonic() >= end):
                break
        events, self._outbox = self._outbox, []
        for event in events:
            if isinstance(event, TaskResult):
                self._unfinished.discard(event.task_id)
        return events

    def reply(self, task_id: int, answer: Any) -> None:
        """Answer the open :class:`Question` of ``task_id``; ignored if the task has already ended."""
        worker = next((w for w in self._workers if w.task is not None and w.task.task_id == task_id), None)
        if worker is None:
            return
        if not worker.asking:
            raise ValueError(f"task {task_id} has no open question")
        data = _dumps(("reply", answer))
        worker.asking = False
        with suppress(OSError):  # the worker died: poll() reports it
            worker.conn.send_bytes(data)

    def pending(self) -> int:
        """Tasks submitted whose :class:`TaskResult` has not yet been returned by :meth:`poll`."""
        return len(self._unfinished)

    def cancel_pending(self) -> list[int]:
        """Drop the queued tasks not yet handed to a worker; return their ids (they get no result)."""
        dropped = [t.task_id for t in self._queue]
        self._queue.clear()
        self._unfinished.difference_update(dropped)
        return dropped

    def close(self) -> None:
        """Stop all workers, killing those still running a task. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        self._unfinished.clear()
        self._outbox.clear()
        for w in self._workers:
            if w.ready and w.task is None:
                with suppress(OSError):
                    w.conn.send_bytes(_dumps(("stop",)))
            else:
                w.process.kill()
        end = time.monotonic() + _CLOSE_GRACE
        for w in self._workers:
            w.process.join(max(0.0, end - time.monotonic()))
            self._stop(w)
        self._workers.clear()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals --

    def _busy(self) -> bool:
        return bool(self._queue) or any(w.tasks or not w.ready for w in self._workers)

    def _wait_time(self, end: float | None) -> float:
        if not self._busy():
            return 0.0
        wake = min((w.deadline for w in self._workers), default=0.0)
        if end is not None:
            wake = min(wake, end)
        return max(0.0, wake - time.monotonic())

    def _pump(self, timeout: float) -> None:
        """Wait for worker output or exits (bounded), handle them, enforce deadlines, start tasks."""
        by_handle: dict[Any, _Worker] = {}
        for w in self._workers:
            by_handle[w.conn] = w
            by_handle[w.process.sentinel] = w
        for handle in wait(list(by_handle), timeout) if by_handle else []:
            w = by_handle[handle]
            if w not in self._workers:
                continue
            if handle is not w.conn:
                self._on_exit(w)
                continue
            try:
                self._read(w)
            except EOFError:
                self._on_exit(w)
        now = time.monotonic()
        for w in list(self._workers):
            if w.deadline <= now:
                self._on_deadline(w)
        self._dispatch()

    def _read(self, w: _Worker) -> None:
        """Read and handle one message from ``w``; raises EOFError when its pipe is closed."""
        try:
            data = w.conn.recv_bytes(MAX_MESSAGE_BYTES)
        except ConnectionResetError as exc:  # it died with a handed-over task unread (after what it had sent)
            raise EOFError from exc
        except OSError:  # over the size cap (or a broken pipe)
            self._fail(w, "error", f"worker sent a message over the {MAX_MESSAGE_BYTES}-byte cap")
            return
        try:
            msg = pickle.loads(data)
            kind = msg[0]
        except Exception as exc:  # noqa: BLE001 - e.g. a payload class the parent cannot import
            self._fail(w, "error", f"unreadable message from worker: {_describe(exc)}")
            return
        if kind == "ready":
            w.ready, w.deadline = True, float("inf")
            self._start_failures = 0
        elif kind == "init_failed":
            self._start_failed(w, f"worker initializer failed: {msg[1]}")
        elif kind == "result" and w.task is not None:
            _, task_id, outcome, value, message = msg
            w.tasks.popleft()
            w.asking, w.deadline = False, time.monotonic() + self._time_limit if w.tasks else float("inf")
            self._outbox.append(TaskResult(task_id, outcome, value, message))
            if outcome == "out_of_memory":  # start afresh rather than reuse a worker that hit its limit
                self._remove(w)
        elif kind == "message" and w.task is not None:
            self._outbox.append(Message(w.task.task_id, msg[1]))
        elif kind == "question" and w.task is not None:
            w.asking = True
            self._outbox.append(Question(w.task.task_id, msg[1]))

    def _drain(self, w: _Worker) -> None:
        """Handle what ``w`` managed to send before it stopped (bounded: a dying worker cannot stall us)."""
        for _ in range(_DRAIN_LIMIT):
            try:
                if w not in self._workers or not w.conn.poll(0):
                    return
                self._read(w)
            except (EOFError, OSError):
                return

    def _on_exit(self, w: _Worker) -> None:
        """``w`` exited or closed its pipe: report its task as crashed (or out of memory)."""
        w.process.join(_EXIT_WAIT)
        if w.process.exitcode is None:  # closed its pipe but lives on
            w.process.kill()
            w.process.join(_JOIN_TIMEOUT)
        self._drain(w)
        if w not in self._workers:
            return
        code = w.process.exitcode
        if w.task is not None:
            self._fail(w, "out_of_memory" if code == EXIT_NO_MEMORY else "crashed", _exit_text(code))
        elif not w.ready:
            self._start_failed(w, f"worker failed to start: {_exit_text(code)}")
        else:
            self._remove(w)

    def _on_deadline(self, w: _Worker) -> None:
        self._drain(w)  # the result may have arrived just in time
        if w not in self._workers or w.deadline > time.monotonic():
            return
        if w.task is not None:
            self._fail(w, "timeout", f"exceeded the time limit of {self._time_limit:g} s")
        else:
            self._start_failed(w, f"worker did not start within {STARTUP_TIMEOUT:g} s")

    def _fail(self, w: _Worker, outcome: Outcome, message: str) -> None:
        """Stop ``w`` and end its running task (if any) with ``outcome``."""
        if w.tasks:
            self._outbox.append(TaskResult(w.tasks.popleft().task_id, outcome, message=message))
        self._remove(w)

    def _start_failed(self, w: _Worker, message: str) -> None:
        self._remove(w)
        self._start_failures += 1
        if self._start_failures >= MAX_START_FAILURES:
            self._broken = message

    def _remove(self, w: _Worker) -> None:
        """Stop ``w``; the tasks it was handed but had not started go back to the front of the queue."""
        self._workers.remove(w)
        self._stop(w)
        self._queue.extendleft(reversed(w.tasks))
        w.tasks.clear()

    @staticmethod
    def _stop(w: _Worker) -> None:
        """Kill ``w`` if it still runs, reap it and release its handles."""
        if w.process.exitcode is None:
            w.process.kill()
            w.process.join(_JOIN_TIMEOUT)
        w.conn.close()
        if w.process.exitcode is not None:
            w.process.close()

    def _dispatch(self) -> None:
        """Hand queued tasks to idle workers and start workers for the rest."""
        if self._broken is not None:
            while self._queue:
                task = self._queue.popleft()
                self._outbox.append(TaskResult(task.task_id, "crashed", message=self._broken))
            return
        for w in list(self._workers):
            if self._queue and w.ready and not w.tasks:
                self._start_task(w, self._queue.popleft())
        starting = sum(1 for w in self._workers if not w.ready)
        if self._prefetch:  # a second task for each busy worker, leaving enough for workers still starting
            for w in list(self._workers):
                if len(self._queue) > starting and w.ready and len(w.tasks) == 1:
                    self._start_task(w, self._queue.popleft())
        while len(self._queue) > starting and len(self._workers) < self._size:
            self._spawn()
            starting += 1

    def _start_task(self, w: _Worker, task: _Task) -> None:
        try:
            w.conn.send_bytes(pickle.dumps(("task", task.task_id, task.data), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the worker died; the task goes to another (a running task's end is seen by _pump)
            self._queue.appendleft(task)
            if not w.tasks:
                self._remove(w)
            return
        w.tasks.append(task)
        if len(w.tasks) == 1:
            w.deadline = time.monotonic() + self._time_limit

    def _spawn(self) -> None:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker_main,
            args=(child_conn, self._func, self._memory_limit, self._initializer, os.getpid()),
            name="verify-bench-worker",
            daemon=True,
        )
        with main_left_out(self._func, self._initializer):
            process.start()
        child_conn.close()
        self._workers.append(_Worker(process, parent_conn, time.monotonic() + STARTUP_TIMEOUT))
