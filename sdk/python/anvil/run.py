"""init/log/finish: the module-level API over one active Run."""
import atexit
import mimetypes
import os
import time
import urllib.parse

from .sender import Sender
from .transport import AnvilError, Transport, Unreachable

_active = None


class Run:
    def __init__(self, transport, run_id, name, url, spool_dir, owned):
        self.transport = transport
        self.id = run_id
        self.name = name
        self.url = url
        self._owned = owned
        self._sender = Sender(transport, run_id, spool_dir)
        self._finished = False

    @property
    def stop_requested(self):
        """True once someone pressed Stop for this run in Anvil; check it to end training early."""
        return self._sender.stop_requested

    def log(self, metrics, step):
        """Queues one point per key; returns at once."""
        ts = int(time.time() * 1000)
        for key, value in metrics.items():
            v = float(value)
            if v != v:
                v = "NaN"
            elif v in (float("inf"), float("-inf")):
                v = "Infinity" if v > 0 else "-Infinity"
            self._sender.put({"key": key, "value": v, "step": int(step), "timestamp": ts})

    def log_params(self, params):
        self.transport.request("POST", f"/api/v1/runs/{self.id}/params", {"params": {k: str(v) for k, v in params.items()}})

    def log_artifact(self, local_path, name=None):
        name = name or os.path.basename(local_path)
        quoted = "/".join(urllib.parse.quote(part, safe="") for part in name.split("/"))
        ctype = mimetypes.guess_type(local_path)[0] or "application/octet-stream"
        with open(local_path, "rb") as f:
            # urllib sends a file object as the body in blocks, never reading it whole.
            size = os.fstat(f.fileno()).st_size
            return self._upload(quoted, f, ctype, size)

    def _upload(self, quoted, f, ctype, size):
        import urllib.request
        req = urllib.request.Request(f"{self.transport.url}/api/v1/runs/{self.id}/artifacts/{quoted}", data=f, method="PUT",
                                     headers={"authorization": f"Bearer {self.transport.token}", "content-type": ctype, "content-length": str(size)})
        with urllib.request.urlopen(req, timeout=self.transport.timeout) as res:
            return res.read()

    def finish(self, status="FINISHED", timeout=60.0):
        """Flushes every point (waiting up to `timeout` s) and reports how the run ended."""
        if self._finished:
            return
        self._finished = True
        sent_all = self._sender.close(timeout)
        if self._owned:
            try:
                self.transport.request("PATCH", f"/api/v1/runs/{self.id}", {"status": status})
            except (Unreachable, AnvilError) as err:
                print(f"anvil: could not mark run {self.id} {status}: {err}")
        if not sent_all:
            print(f"anvil: some points could not be sent yet; they are kept in {self._sender.spool_path}")


def init(project="Default", experiment="Default", name=None, config=None, tags=None, url=None, api_key=None,
         heartbeat_timeout=300, spool_dir=None):
    """Starts a run (or attaches to the Anvil job's own run) and makes it the active one."""
    global _active
    url = url or os.environ.get("ANVIL_URL") or "http://localhost:3000"
    spool_dir = spool_dir or os.path.join(os.path.expanduser("~"), ".anvil", "spool")
    job_run, job_token = os.environ.get("ANVIL_RUN_ID"), os.environ.get("ANVIL_RUN_TOKEN")
    if job_run and job_token and not api_key:
        transport = Transport(url, job_token)
        _active = Run(transport, job_run, name or job_run, url, spool_dir, owned=False)
    else:
        key = api_key or os.environ.get("ANVIL_API_KEY")
        if not key:
            raise AnvilError(401, "set ANVIL_API_KEY (Settings → API keys) or pass api_key=")
        transport = Transport(url, key)
        body = {"project": project, "experiment": experiment, "heartbeatTimeout": heartbeat_timeout}
        if name:
            body["name"] = name
        if config:
            body["params"] = {k: str(v) for k, v in config.items()}
        if tags:
            body["tags"] = {k: str(v) for k, v in tags.items()}
        created = transport.request("POST", "/api/v1/runs", body, attempts=6)
        _active = Run(transport, created["id"], created["name"], created.get("url"), spool_dir, owned=True)
    atexit.register(_active.finish)
    return _active


def active_run():
    return _active


def _require():
    if _active is None:
        raise RuntimeError("call anvil.init() first")
    return _active


def log(metrics, step):
    _require().log(metrics, step)


def log_params(params):
    _require().log_params(params)


def log_artifact(local_path, name=None):
    return _require().log_artifact(local_path, name)


def finish(status="FINISHED"):
    _require().finish(status)
