// System metrics of one local job, sampled by its supervisor and sent to the app as `system/*`
// metrics with the run's own token, like anything the job logs. Best effort by design: a sample
// that cannot be read or sent is dropped, and nothing here may disturb the job.
//
// Names follow MLflow's system metrics where they mean the same thing (host-wide CPU and memory,
// per-GPU utilisation and memory), plus the job's own processes, which on a shared machine are
// what a user wants to see.

import { spawnSync } from "node:child_process";
import fs from "node:fs";

const CLK_TCK = 100; // Linux USER_HZ on every mainstream architecture

function read(path) {
  try { return fs.readFileSync(path, "utf8"); } catch { return null; }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid) {
  const stat = read(`/proc/${pid}/stat`);
  return stat ? stat.slice(stat.lastIndexOf(")") + 2).split(" ") : null;
}

/** Total and idle jiffies of the host, from the first line of /proc/stat. */
function hostCpu() {
  const line = read("/proc/stat")?.split("\n", 1)[0];
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  return { total: v.reduce((a, b) => a + b, 0), idle: v[3] + (v[4] ?? 0) };
}

function hostMemory() {
  const info = read("/proc/meminfo");
  if (!info) return null;
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(info)?.[1] ?? NaN);
  const total = kb("MemTotal");
  const used = total - kb("MemAvailable");
  return Number.isFinite(used) ? { usedMb: used / 1024, percent: (100 * used) / total } : null;
}

/** The job's processes: every process of its uid when it has one, else the child's descendants. */
function jobProcesses(job) {
  const all = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    if (!f || f[0] === "Z") continue;
    let uid = null;
    if (typeof job.uid === "number") uid = Number(/^Uid:\s+(\d+)/m.exec(read(`/proc/${entry}/status`) ?? "")?.[1]);
    all.push({ pid: Number(entry), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]), uid });
  }
  if (typeof job.uid === "number") return all.filter((p) => p.uid === job.uid);
  const mine = new Set([job.pid]);
  // Parents appear before children in most cases; a few passes settle the rest.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return all.filter((p) => mine.has(p.pid));
}

let nvidiaSmi = true;
function gpus() {
  if (!nvidiaSmi) return [];
  const out = spawnSync("nvidia-smi", ["--query-gpu=utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits"], { encoding: "utf8", timeout: 3000 });
  if (out.error || out.status !== 0) {
    // Absent (ENOENT) means no NVIDIA GPU here: stop asking. Other failures may pass.
    if (out.error?.code === "ENOENT") nvidiaSmi = false;
    return [];
  }
  return out.stdout.trim().split("\n").filter(Boolean).map((l) => {
    const [util, used, total] = l.split(",").map((s) => Number(s.trim()));
    return { util, usedMb: used, percent: (100 * used) / total };
  });
}

/**
 * Starts sampling every `everyMs` and posting to `url` with `token`. `job` is {pid, uid?}.
 * Returns a stop function.
 */
export function startSystemMetrics({ url, token, everyMs }, job) {
  let step = 0;
  let lastHost = hostCpu();
  let lastTicks = new Map(jobProcesses(job).map((p) => [p.pid, p.ticks]));
  let lastAt = Date.now();

  function sample() {
    const now = Date.now();
    const seconds = (now - lastAt) / 1000;
    const points = [];
    const add = (key, value) => { if (Number.isFinite(value)) points.push({ key: `system/${key}`, value: Math.round(value * 100) / 100, step, timestamp: now }); };

    const host = hostCpu();
    if (host && lastHost && host.total > lastHost.total) add("cpu_utilization_percentage", 100 * (1 - (host.idle - lastHost.idle) / (host.total - lastHost.total)));
    lastHost = host;
    const mem = hostMemory();
    if (mem) { add("system_memory_usage_megabytes", mem.usedMb); add("system_memory_usage_percentage", mem.percent); }

    const procs = jobProcesses(job);
    // CPU time used since the last sample by processes alive now (100 = one core busy).
    const ticks = procs.reduce((sum, p) => sum + Math.max(0, p.ticks - (lastTicks.get(p.pid) ?? 0)), 0);
    if (seconds > 0) add("process_cpu_percentage", (100 * ticks) / CLK_TCK / seconds);
    add("process_memory_rss_megabytes", procs.reduce((sum, p) => sum + p.rssPages, 0) * 4096 / 1024 / 1024);
    lastTicks = new Map(procs.map((p) => [p.pid, p.ticks]));
    lastAt = now;

    gpus().forEach((g, i) => { add(`gpu_${i}_utilization_percentage`, g.util); add(`gpu_${i}_memory_usage_megabytes`, g.usedMb); add(`gpu_${i}_memory_usage_percentage`, g.percent); });
    step += 1;
    if (points.length === 0) return;
    fetch(url, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ metrics: points }), signal: AbortSignal.timeout(Math.max(1000, everyMs)),
    }).then((res) => res.body?.cancel()).catch(() => { /* app away: this sample is dropped */ });
  }

  const safeSample = () => { try { sample(); } catch { /* never disturb the job */ } };
  // A first sample after a second, so even a short job shows its footprint; then every `everyMs`.
  let interval = null;
  const first = setTimeout(() => {
    safeSample();
    interval = setInterval(safeSample, everyMs);
    interval.unref();
  }, Math.min(1000, everyMs));
  first.unref();
  return () => { clearTimeout(first); if (interval) clearInterval(interval); };
}
