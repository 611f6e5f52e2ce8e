"""How the analysis modules run their Polars plans.

Each function builds its work as one lazy plan where it can and collects it once: on one
athlete's few dozen rows a command's time goes to the number of Polars operations (each one
dispatches to the thread pool), not to the data (issue 19, the first keystroke).
"""

from __future__ import annotations

from typing import Final

#: The engine these plans run on: Polars' in-memory engine, the one its eager methods use.
#: A plan of a few window expressions over one athlete's days costs about a third of the CPU
#: there that it costs on the default (streaming) engine; on a federation's days it is not
#: slower (bench/bench_load.py).
ENGINE: Final = "in-memory"
