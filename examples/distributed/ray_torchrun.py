"""Runs a torchrun script on several nodes of a Ray cluster: one torchrun per node.

    python examples/distributed/ray_torchrun.py SCRIPT [ARGS...]

Anvil submits this as the Ray Job's entrypoint for a multi-node torchrun template. It reserves
ANVIL_NUM_WORKERS nodes (one placement-group bundle per node, each with ANVIL_CPUS_PER_WORKER
CPUs and ANVIL_GPUS_PER_WORKER GPUs), then starts on each
    torchrun --nnodes=N --node_rank=i --nproc_per_node=G --master_addr=<node 0> --master_port=P
so the processes meet at node 0 (torch.distributed's static c10d rendezvous): no SSH, no
hostfile. Stopping the Ray job (SIGTERM) cancels the per-node tasks, which ends every torchrun.
"""
import os
import signal
import sys

import ray
from ray.util.placement_group import placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy


class Stopped(Exception):
    """Raised from the signal handler so the main loop, not the handler, talks to Ray."""


def _env_int(name: str, default: int) -> int:
    try:
        return int(float(os.environ.get(name, default)))
    except ValueError:
        return default


@ray.remote(num_cpus=0)
def rendezvous_point():
    """Bundle 0's node address and a port free on it, where the other nodes find torchrun's store."""
    import socket
    with socket.socket() as s:
        s.bind(("", 0))
        port = s.getsockname()[1]
    return ray.util.get_node_ip_address(), port


# max_retries=0: re-running one node's torchrun alone could never rejoin the others.
@ray.remote(num_cpus=0, max_retries=0)
def run_node(node_rank: int, torchrun_args: list, forwarded_env: dict, driver_cwd: str) -> int:
    """Runs torchrun on this node, echoing its output with a [node i] prefix; returns its exit code."""
    import ctypes
    import subprocess

    env = {**os.environ, **forwarded_env, "PYTHONUNBUFFERED": "1"}
    # The script path is relative to the job's working directory; on a node where this worker
    # does not start there (code baked into the image), run from the driver's directory.
    script = next(a for a in torchrun_args if not a.startswith("-"))  # the first non-option
    cwd = None if os.path.exists(script) else driver_cwd

    # If Ray kills this worker (ray.cancel(force=True), job stop), the kernel sends torchrun
    # SIGTERM (PR_SET_PDEATHSIG), and torchrun stops its training processes: nothing is orphaned.
    try:
        prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl  # resolved before the fork
    except OSError:  # not glibc Linux: rely on Ray ending the worker's children
        prctl = None

    def die_with_parent():
        if prctl is not None:
            prctl(1, int(signal.SIGTERM))  # 1 = PR_SET_PDEATHSIG

    # `python -m torch.distributed.run` is the torchrun command, with this worker's Python
    # (the job's runtime_env), whether or not its bin directory is on PATH.
    cmd = [sys.executable, "-m", "torch.distributed.run", *torchrun_args]
    print(f"[node {node_rank}] {' '.join(cmd)}", flush=True)
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", bufsize=1, preexec_fn=die_with_parent)
    # The prefix tells the nodes apart in the job's log (and keeps Ray from folding equal lines).
    for line in proc.stdout:
        print(f"[node {node_rank}] {line}", end="", flush=True)
    return proc.wait()


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    script_argv = sys.argv[1:]
    nodes = max(1, _env_int("ANVIL_NUM_WORKERS", 1))
    gpus = max(0, _env_int("ANVIL_GPUS_PER_WORKER", 0))
    cpus = max(1, _env_int("ANVIL_CPUS_PER_WORKER", 1))
    nproc = max(1, gpus)  # one training process per GPU; one CPU process (gloo) without GPUs

    def on_signal(signum, _frame):
        raise Stopped(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ray.init(address="auto")
    bundle = {"CPU": cpus, **({"GPU": gpus} if gpus else {})}
    # STRICT_SPREAD: one bundle per node, so each node runs exactly one torchrun.
    pg = placement_group([dict(bundle) for _ in range(nodes)], strategy="STRICT_SPREAD")
    tasks = {}
    try:
        print(f"ray_torchrun: reserving {nodes} node(s) with {bundle} each", flush=True)
        ready = pg.ready()
        while not ray.wait([ready], timeout=60)[0]:
            print(f"ray_torchrun: still waiting for {nodes} nodes with {bundle} (does the cluster have or autoscale to them?)", flush=True)

        def on_bundle(i: int):
            return PlacementGroupSchedulingStrategy(placement_group=pg, placement_group_bundle_index=i)

        addr, free_port = ray.get(rendezvous_point.options(scheduling_strategy=on_bundle(0)).remote())
        port = int(os.environ.get("MASTER_PORT") or free_port)
        print(f"ray_torchrun: {nodes} node(s) x {nproc} process(es), rendezvous at {addr}:{port}", flush=True)

        # Workers already carry the job's runtime_env variables; forwarding ANVIL_* explicitly
        # keeps metrics and resume working even where a worker's environment differs.
        forwarded = {k: v for k, v in os.environ.items() if k.startswith("ANVIL_")}
        for i in range(nodes):
            args = [f"--nnodes={nodes}", f"--node_rank={i}", f"--nproc_per_node={nproc}",
                    f"--master_addr={addr}", f"--master_port={port}", *script_argv]
            # Asking for the bundle's GPUs makes Ray set CUDA_VISIBLE_DEVICES to them (a task
            # with no GPUs would see none); CPUs stay 0: the bundle already reserves them.
            ref = run_node.options(num_gpus=gpus, scheduling_strategy=on_bundle(i)).remote(i, args, forwarded, os.getcwd())
            tasks[ref] = i

        pending = list(tasks)
        while pending:
            done, pending = ray.wait(pending, num_returns=1, timeout=5)
            for ref in done:
                try:
                    code = ray.get(ref)
                except ray.exceptions.RayError as err:
                    code = f"lost ({err.__class__.__name__})"
                if code != 0:
                    # The other nodes would block in collectives until their timeout: end them now.
                    print(f"ray_torchrun: node {tasks[ref]} failed (exit {code}); stopping the others", flush=True)
                    for other in pending:
                        ray.cancel(other, force=True)
                    return 1
        print("ray_torchrun: all nodes finished", flush=True)
        return 0
    except Stopped as stop:
        print(f"ray_torchrun: got signal {stop.args[0]}, cancelling {len(tasks)} node task(s)", flush=True)
        for ref in tasks:
            ray.cancel(ref, force=True)
        return 128 + stop.args[0]
    finally:
        remove_placement_group(pg)


if __name__ == "__main__":
    sys.exit(main())
