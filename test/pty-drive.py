"""Runs a command in a real pseudo-terminal and answers its prompts, as a person at a keyboard would.

usage: python3 pty-drive.py STEPS_JSON -- command args...
STEPS_JSON is a list of [text to wait for, keys to type]; an empty text means "type now".
Prints one JSON object: {"exit": code, "output": everything the terminal showed}.
"""
import json
import os
import pty
import select
import sys
import time

steps = json.loads(sys.argv[1])
command = sys.argv[sys.argv.index("--") + 1 :]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

seen = b""
cursor = 0


def read_some(timeout):
    global seen
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return False
    if not chunk:
        return False
    seen += chunk
    return True


for wait_for, keys in steps:
    deadline = time.time() + 30
    needle = wait_for.encode()
    while needle and seen.find(needle, cursor) < 0:
        if time.time() > deadline or not read_some(0.2):
            print(json.dumps({"exit": None, "output": seen.decode("utf8", "replace"), "stuck_at": wait_for}))
            sys.exit(1)
    if needle:
        cursor = seen.find(needle, cursor) + len(needle)
    if keys == "<SIGINT>":
        os.kill(pid, 2)
    else:
        os.write(fd, keys.encode())

deadline = time.time() + 30
while time.time() < deadline and read_some(0.2):
    pass
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"exit": code, "output": seen.decode("utf8", "replace")}))
