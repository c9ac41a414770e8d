#!/usr/bin/env python3
"""Drive a program on a pseudo-terminal, as a user at a keyboard would.

    keyboard.py [--env NAME=VALUE]... -- COMMAND ARGS... < SCRIPT

SCRIPT has one step per line:
    send TEXT       type TEXT (Python escapes: \\r Enter, \\t Tab, \\x03 Ctrl-C,
                    \\x04 Ctrl-D, \\x1b[A the Up arrow)
    expect REGEX    wait until the output since the last expect matches REGEX
    exit CODE       wait for the program to end and check its exit status

A step that is not met within 30 seconds fails; a failure prints the step
and the whole output, and exits 1. The waits only bound a hang: nothing is
timed, every step waits for what the program prints.
"""
import os
import pty
import re
import select
import sys
import time

LIMIT = 30.0


def main():
    args = sys.argv[1:]
    env = dict(os.environ)
    while args and args[0] == "--env":
        name, _, value = args[1].partition("=")
        env[name] = value
        args = args[2:]
    if args and args[0] == "--":
        args = args[1:]
    steps = [line.rstrip("\n") for line in sys.stdin if line.strip()]

    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(args[0], args, env)

    transcript = b""
    seen = 0          # output before this offset was matched already

    def read_some(deadline):
        nonlocal transcript
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return None   # the program ended
        if not data:
            return None
        transcript += data
        return True

    def fail(why):
        sys.stdout.write("keyboard.py: %s\n--- output ---\n%s\n--- end ---\n"
                         % (why, transcript.decode("utf-8", "replace")))
        sys.exit(1)

    for step in steps:
        verb, _, arg = step.partition(" ")
        deadline = time.monotonic() + LIMIT
        if verb == "send":
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif verb == "expect":
            pattern = re.compile(arg.encode(), re.M)
            while True:
                m = pattern.search(transcript, seen)
                if m:
                    seen = m.end()
                    break
                got = read_some(deadline)
                if got is None:
                    fail("the program ended before: " + step)
                if got is False:
                    fail("not seen within %d s: %s" % (LIMIT, step))
        elif verb == "exit":
            while True:
                got = read_some(deadline)
                if got is None:
                    break
                if got is False:
                    fail("the program did not end within %d s" % LIMIT)
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            if code != int(arg):
                fail("exit status %d, want %s" % (code, arg))
            return
        else:
            fail("unknown step: " + step)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


main()
