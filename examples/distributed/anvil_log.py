"""Tiny, stdlib-only link from a training script to Anvil.

Anvil starts a job with ANVIL_URL, ANVIL_RUN_ID and ANVIL_RUN_TOKEN (where and as whom to
report), ANVIL_PARAMS (the hyperparameters, a JSON object) and, when resuming,
ANVIL_RESUME_FROM. Without them (a script started by hand) everything here just prints.
Nothing in this module may crash training: a failed request prints a warning and moves on.
"""
import json
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

_URL = os.environ.get("ANVIL_URL", "").rstrip("/")
_RUN_ID = os.environ.get("ANVIL_RUN_ID", "")
_TOKEN = os.environ.get("ANVIL_RUN_TOKEN", "")
# The server accepts keys of letters, digits and _ . / - : space, up to 250 characters.
_BAD_KEY_CHARS = re.compile(r"[^\w./ :-]", re.ASCII)


def enabled() -> bool:
    return bool(_URL and _RUN_ID and _TOKEN)


def is_rank0() -> bool:
    """torchrun sets RANK; a process started any other way counts as the only (first) one."""
    return os.environ.get("RANK", "0") == "0"


def params() -> dict:
    """ANVIL_PARAMS as a dict ({} when unset or not a JSON object)."""
    raw = os.environ.get("ANVIL_PARAMS", "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as err:
        print(f"anvil: ignoring ANVIL_PARAMS, not JSON ({err})")
        return {}
    return value if isinstance(value, dict) else {}


def param(p: dict, name: str, default):
    """p[name] coerced to the type of `default`: the form and the API may send "0.1" or 0.1."""
    value = p.get(name)
    if value is None or value == "":
        return default
    if isinstance(default, bool):
        return str(value).strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(float(value))  # "10", 10 and 10.0 all mean 10
    if isinstance(default, float):
        return float(value)
    return str(value)


def _value(v: float):
    # JSON has no NaN or infinities: the API takes them as strings.
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _request(method: str, path: str, data=None, content_type="application/json", attempts=3, timeout=60):
    """One call to the run's REST API, retrying connection errors, 429 and 5xx briefly."""
    headers = {"Authorization": f"Bearer {_TOKEN}"}
    if data is not None:
        headers["Content-Type"] = content_type
    for attempt in range(attempts):
        req = urllib.request.Request(f"{_URL}/api/v1/runs/{_RUN_ID}{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                return res.read()
        except urllib.error.HTTPError as err:
            if (err.code != 429 and err.code < 500) or attempt == attempts - 1:
                raise RuntimeError(f"HTTP {err.code}: {err.read().decode('utf-8', 'replace')[:300]}") from None
        except (urllib.error.URLError, OSError):
            if attempt == attempts - 1:
                raise
        time.sleep(0.5 * 2 ** attempt)  # short: a training step is waiting


def log(metrics: dict, step: int) -> None:
    """Prints the metrics and, from rank 0 only, sends them to the run (non-numbers are skipped)."""
    if not is_rank0():
        return
    points, ts = [], int(time.time() * 1000)
    for key, value in metrics.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        points.append({"key": _BAD_KEY_CHARS.sub("_", str(key))[:250], "value": _value(v), "step": max(0, int(step)), "timestamp": ts})
    if not points:
        return
    print(f"step {step}: " + " ".join(f"{p['key']}={p['value']:.4g}" if isinstance(p["value"], float) else f"{p['key']}={p['value']}" for p in points), flush=True)
    if not enabled():
        return
    try:
        _request("POST", "/metrics", json.dumps({"metrics": points}).encode(), timeout=15)
    except Exception as err:  # never let monitoring stop training
        print(f"anvil: warning: could not log metrics at step {step}: {err}", flush=True)


def _quote(name: str) -> str:
    return "/".join(urllib.parse.quote(part, safe="") for part in name.split("/"))


def upload(local_path: str, name: str) -> None:
    """Stores a file (a checkpoint) as an artifact of the run, so a later job can resume from it."""
    if not enabled():
        return
    try:
        with open(local_path, "rb") as f:  # urllib streams a file body instead of reading it whole
            size = os.fstat(f.fileno()).st_size
            req = urllib.request.Request(f"{_URL}/api/v1/runs/{_RUN_ID}/artifacts/{_quote(name)}", data=f, method="PUT", headers={
                "Authorization": f"Bearer {_TOKEN}", "Content-Type": "application/octet-stream", "Content-Length": str(size)})
            with urllib.request.urlopen(req, timeout=600) as res:
                res.read()
        print(f"anvil: uploaded {name} ({size} bytes)", flush=True)
    except Exception as err:
        print(f"anvil: warning: could not upload {name}: {err}", flush=True)


def resume_file():
    """The local path of ANVIL_RESUME_FROM, or None when not resuming.

    Anvil copies the chosen checkpoint into this run's artifacts and names it (e.g.
    "resume/epoch-0003.pt"); it is downloaded once to that same relative path. A local path
    or a file already downloaded (by another process of this node) is used as it is.
    """
    target = os.environ.get("ANVIL_RESUME_FROM", "").strip()
    if not target:
        return None
    if os.path.isfile(target):
        return target
    if not enabled():
        raise FileNotFoundError(f"ANVIL_RESUME_FROM={target} is not a file here and there is no Anvil run to fetch it from")
    local = os.path.normpath(target.lstrip("/"))
    os.makedirs(os.path.dirname(local) or ".", exist_ok=True)
    partial = f"{local}.part{os.getpid()}"
    with open(partial, "wb") as f:
        f.write(_request("GET", f"/artifacts/{_quote(target)}"))
    os.replace(partial, local)  # atomic: a process on the same node never reads half a file
    return local
