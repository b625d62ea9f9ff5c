"""A user's training script: 100,000 steps logged with the Anvil SDK, one spike at step 61,234.
Prints the run id when started and, at the end, the longest time one log() call took."""
import json
import math
import sys
import time

import anvil

run = anvil.init(project="SDK e2e", experiment="spikes", name=sys.argv[1], config={"lr": 0.01, "optimizer": "sgd"})
print(json.dumps({"started": run.id}), flush=True)
slowest = 0.0
for step in range(100_000):
    loss = 1.0 / math.sqrt(step + 1) + (50.0 if step == 61_234 else 0.0)
    t = time.perf_counter()
    anvil.log({"loss": loss}, step=step)
    slowest = max(slowest, time.perf_counter() - t)
    if step % 1_000 == 0:
        time.sleep(0.08)  # "training": about 8 s in all, long enough to outlive a server restart
anvil.finish()
print(json.dumps({"run": run.id, "slowest_log_ms": slowest * 1000}), flush=True)
