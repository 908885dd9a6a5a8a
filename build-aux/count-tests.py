#!/usr/bin/env python3
"""Sum up meson's test log: print 'N passed, N failed' and exit 1 on any failure or no test.

Every meson test counts once; skipped tests count as neither (GUIDE §6).
"""
import json
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as log:
                for line in log:
                    line = line.strip()
                    if not line:
                        continue
                    result = json.loads(line).get("result")
                    if result in PASS:
                        passed += 1
                    elif result in SKIP:
                        skipped += 1
                    else:
                        failed += 1
        except FileNotFoundError:
            print(f"no test log at {path}", file=sys.stderr)
            failed += 1
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
