"""Worker processes that die with their parent: after `kill -9` of `drago import`, its decoder
processes (hundreds of MB each) must not live on.

On Linux the kernel sends the worker SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG,
man 2 prctl); elsewhere, and as a second guard, a daemon thread notices that the parent is gone
(the worker is re-parented: `os.getppid()` changes) and ends the worker.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
#: How often the watching thread looks for the parent.
WATCH_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Call first thing in a worker process started by `parent_pid`."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the thread below still guards
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_S)
        os._exit(1)

    threading.Thread(target=watch, name="drago-parent-watch", daemon=True).start()
