#!/usr/bin/env python3
"""Re-runs every ```console block in docs/*.md and README.md and writes the
real output back under its command.

A console block is one command ("$ iosim ARGS") followed by what it prints;
tests/e2e/docs_examples_test.cpp checks that they agree. When a change to
iosim changes an output on purpose, run this (after building), review the
diff, and commit it:

    scripts/build.sh iosim && scripts/refresh-doc-outputs.py
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / "build" / "iosim"


def refresh(text: str) -> str:
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i] == "```console" and i + 1 < len(lines) and lines[i + 1].startswith("$ iosim "):
            command = lines[i + 1]
            out.append(command)
            # Through the shell, as the test runs it (quoting behaves the same).
            run = subprocess.run(f"{BINARY} {command[len('$ iosim '):]}", shell=True, cwd=ROOT,
                                 capture_output=True, text=True)
            out.extend(run.stdout.rstrip("\n").split("\n") if run.stdout else [])
            i += 2
            while i < len(lines) and lines[i] != "```":
                i += 1
            continue
        i += 1
    return "\n".join(out)


def main() -> int:
    if not BINARY.exists():
        print(f"{BINARY} is missing: build it first (scripts/build.sh iosim)", file=sys.stderr)
        return 1
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        old = page.read_text()
        new = refresh(old)
        if new != old:
            page.write_text(new)
            print(f"updated {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
