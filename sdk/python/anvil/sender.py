"""The background sender: batches points, retries, spools to disk while the server is away."""
import json
import os
import queue
import threading
import time

from .transport import AnvilError, Unreachable

BATCH = 1000


class Sender:
    """Owns a queue of metric points for one run. `put` never blocks training: when the queue is
    full the oldest points go to the spool file instead."""

    def __init__(self, transport, run_id, spool_dir, flush_every=1.0, heartbeat_every=30.0):
        self.transport = transport
        self.run_id = run_id
        self.queue = queue.Queue(maxsize=100_000)
        self.spool_path = os.path.join(spool_dir, f"{run_id}.jsonl")
        os.makedirs(spool_dir, exist_ok=True)
        self.flush_every = flush_every
        self.heartbeat_every = heartbeat_every
        self.stop_requested = False
        self.errors = []
        self._closing = threading.Event()
        self._idle = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="anvil-sender", daemon=True)
        self._thread.start()

    def put(self, point):
        try:
            self.queue.put_nowait(point)
        except queue.Full:
            self._spool([point])

    def _drain(self, limit):
        points = []
        while len(points) < limit:
            try:
                points.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return points

    def _spool(self, points):
        with self._lock, open(self.spool_path, "a", encoding="utf-8") as f:
            for p in points:
                f.write(json.dumps(p) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _send(self, points):
        for i in range(0, len(points), BATCH):
            self.transport.request("POST", f"/api/v1/runs/{self.run_id}/metrics", {"metrics": points[i:i + BATCH]}, attempts=3)

    def _resend_spool(self):
        """Points spooled while the server was away, oldest first; the file goes once all are in."""
        with self._lock:
            if not os.path.exists(self.spool_path):
                return
            with open(self.spool_path, encoding="utf-8") as f:
                points = [json.loads(line) for line in f if line.strip()]
        self._send(points)
        with self._lock:
            os.remove(self.spool_path)

    def _loop(self):
        last_beat = 0.0
        while True:
            closing = self._closing.wait(self.flush_every)
            points = self._drain(BATCH * 10)
            try:
                self._resend_spool()
                if points:
                    self._send(points)
                if time.monotonic() - last_beat > self.heartbeat_every:
                    beat = self.transport.request("POST", f"/api/v1/runs/{self.run_id}/heartbeat", attempts=1)
                    self.stop_requested = bool(beat.get("stopRequested"))
                    last_beat = time.monotonic()
            except Unreachable:
                if points:
                    self._spool(points)
            except AnvilError as err:
                # Refused for good (bad key, bad value): keep the points on disk, tell the user.
                if points:
                    self._spool(points)
                self.errors.append(str(err))
            if closing and self.queue.empty():
                self._idle.set()
                return

    def close(self, timeout):
        """Sends what is queued and spooled; what cannot be sent in time stays in the spool."""
        self._closing.set()
        self._thread.join(timeout)
        leftover = self._drain(self.queue.qsize() + 1)
        if leftover:
            self._spool(leftover)
        return not os.path.exists(self.spool_path)
