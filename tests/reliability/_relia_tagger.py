"""Tag fragments on one item in a loop until killed: the workload of the random-kill test.

Run as ``python -m tests.reliability._relia_tagger CASE ITEM COUNT``; prints ``ready`` once the
case is open, so the test kills it while it writes, not while Python starts.
"""

from __future__ import annotations

import sys

from verify_bench.case import Case
from verify_bench.fragments.regions import rect
from verify_bench.fragments.tags import edit_fragment, tag_fragment


def main(case_path: str, item: str, count: int) -> None:
    with Case.open(case_path) as case:
        print("ready", flush=True)
        for n in range(count):
            result = tag_fragment(case, item, rect(2 + n % 40, 3, 20, 10), grid="stored",
                                  fields={"markings": f"lot {n}", "component": "tail kit"}, crop=n % 2 == 0)
            if n % 3 == 0:
                edit_fragment(case, result.fragment_id, {"note": f"edited {n}"}, crop=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
