"""Helpers of the harness self-tests (tests/harness/test_*.py): the judges
of harness/judge/ run on real console logs (tests/harness/fixtures/) and on
copies of them broken in one way each. A broken copy must make its judge
fail, and a real one must pass, or the judge proves nothing.
"""
import contextlib
import importlib.util
import io
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(HERE, "fixtures")
JUDGE = os.path.join(TOP, "harness", "judge")
sys.path.insert(0, JUDGE)
sys.dont_write_bytecode = True      # leave harness/judge/ as it was


def fixture(name):
    with open(os.path.join(FIX, name)) as f:
        return f.read()


def load(script):
    """harness/judge/SCRIPT as a module (guest-log.py has no importable name)."""
    name = script[:-3].replace("-", "_")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(JUDGE, script))
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def call(fn, *args):
    """(exit status, stdout + stderr) of fn(*args) in this process."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            rc = fn(*args)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
            if isinstance(e.code, str):
                print(e.code)
    return rc or 0, out.getvalue()


def run(script, *args):
    """(exit status, output) of harness/judge/SCRIPT ARGS, run by its main()
    in this process: a hundred interpreters would take seconds."""
    return call(load(script).main, list(args))


def run_process(script, *args):
    """The same as a process of its own, as the gates run it."""
    p = subprocess.run([os.path.join(JUDGE, script), *args],
                       capture_output=True, text=True, check=False)
    return p.returncode, p.stdout + p.stderr


def sub(text, pattern, repl, count=1):
    """text with pattern (a multi-line regex) replaced; the edit must hit,
    or the test would test nothing."""
    new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    if n == 0:
        raise AssertionError(f"fixture edit /{pattern}/ matched nothing")
    return new


def fails(script, args, pattern):
    """script must exit non-zero and say pattern."""
    rc, out = run(script, *args)
    assert rc != 0 and re.search(pattern, out), \
        f"exit {rc}, want a failure saying /{pattern}/; output: {out[-400:]}"
    return out


def passes(rc, out, ok):
    assert rc == 0 and ok, f"exit {rc}: {out[-400:]}"


# Damage any log suffers: what a judge reads must not survive any of these.
def _garble(text):
    """Every line with its middle third overwritten by noise: the words a
    reader keys on are no longer whole."""
    lines = []
    for x in text.splitlines():
        n = len(x) // 3
        lines.append(x[:n] + "\ufffd\x00#?" * max(1, n // 4) + x[2 * n:] if n else x)
    return "\n".join(lines) + "\n"


def _cut(text):
    """The first half of the lines: the boot died half-way."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:len(lines) // 2])


def _reorder(text):
    """The lines in reverse order: nothing comes where it belongs."""
    return "".join(reversed(text.splitlines(keepends=True)))


DAMAGE = {
    "empty": lambda t: "",
    "cut": _cut,
    "garbled": _garble,
    "reordered": _reorder,
}


def crlf(text):
    """text with the line ends the serial console gives."""
    return text.replace("\n", "\r\n")


def judge_damaged(put, script, base, series, which, damage):
    """(exit status, output) of "SCRIPT judge vhe BASE SERIES" on the texts
    base and series, the one WHICH names ("base" or "series") put through
    DAMAGE[damage]."""
    texts = {"base": base, "series": series}
    texts[which] = DAMAGE[damage](texts[which])
    return run(script, "judge", "vhe", put("base.log", texts["base"]),
               put("series.log", texts["series"]))
