"""Entry point of packaged builds: the desktop app with no arguments, the command line with any.

``verify-bench`` (double-clicked, or run bare) opens the app; ``verify-bench import CASE PATH`` and
every other command behave as the pip-installed ``verify-bench``. ``verify-bench --smoke`` runs the
packaged-app smoke test (packaging/smoke.py) inside the build.
"""

import multiprocessing
import sys


def run() -> int:
    multiprocessing.freeze_support()  # import workers are spawned processes of this same program
    args = sys.argv[1:]
    if args[:1] == ["--smoke"]:
        from smoke import main as smoke

        return smoke(args[1:])
    if not args:
        from verify_bench.gui.app import main as gui

        return gui([])
    from verify_bench.cli import main as cli

    return cli.main(args=args, prog_name="verify-bench")


if __name__ == "__main__":
    sys.exit(run())
