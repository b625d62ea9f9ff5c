import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { Profiler } from "@/server/datasets/profile";
import { createRowReader } from "@/server/datasets/rows";
import { Validator } from "@/server/datasets/validation";
import { median, report } from "./load";
import { BENCH_KEY, type Stack } from "./stack";

const scale = Number(process.env.BENCH_SCALE ?? 1); // < 1 for a quick try of this section

function writeCsv(file: string, rows: number) {
  const fd = fs.openSync(file, "w");
  fs.writeSync(fd, "id,x,y,label,note\n");
  const labels = ["setosa", "versicolor", "virginica", "other", "unknown"];
  let buf = "";
  for (let i = 0; i < rows; i++) {
    buf += `${i},${(i % 997) / 10},${Math.sin(i).toFixed(6)},${labels[i % 5]},"row ${i % 100}, noted"\n`;
    if (buf.length > 1 << 20) { fs.writeSync(fd, buf); buf = ""; }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

async function readWith(file: string, full: boolean) {
  const profiler = new Profiler();
  const validator = new Validator([{ kind: "not_null", column: "label" }, { kind: "range", column: "x", min: 0, max: 100 }, { kind: "unique", column: "id" }]);
  let rows = 0;
  const reader = createRowReader("csv", full
    ? { columns: (n) => { profiler.columns(n); validator.columns(n); }, row: (c, ok, l) => { profiler.row(c, ok, l); validator.row(c, ok, l); } }
    : { columns: () => {}, row: () => { rows++; } });
  const start = performance.now();
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) reader.push(chunk as Buffer);
  reader.end();
  return performance.now() - start;
}

/** POSTs a file as a raw body, streamed from disk; the answer's status and text. */
function postFile(url: string, file: string): Promise<{ status: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "text/csv", "content-length": fs.statSync(file).size } }, (res) => {
      let answer = "";
      res.setEncoding("utf8").on("data", (d: string) => { answer += d; }).on("end", () => resolve({ status: res.statusCode ?? 0, answer }));
    });
    req.on("error", reject);
    pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), req).catch(reject);
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Profiling (types, statistics, three rules) against parsing alone; a 1 GB upload against a disk copy. */
export async function benchDatasets(stack: Stack) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-bench-ds-"));
  try {
    const small = path.join(dir, "rows.csv");
    const rows = Math.round(1_000_000 * scale);
    writeCsv(small, rows);
    const bare: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < 3; i++) { bare.push(await readWith(small, false)); full.push(await readWith(small, true)); }
    const ratio = median(full) / median(bare);
    report(`Dataset profile + validation, ${rows.toLocaleString("en")} rows (${(fs.statSync(small).size / 1e6).toFixed(0)} MB)`, `${median(full).toFixed(0)} ms`,
      `parsing alone ${median(bare).toFixed(0)} ms`, ratio, "≤ 2× the bare parse", ratio <= 2);

    // ~1 GB: the same rows again and again (the content does not matter to the pipe).
    const big = path.join(dir, "big.csv");
    const target = 1024 ** 3 * scale;
    const body = fs.readFileSync(small).subarray(fs.readFileSync(small).indexOf(10) + 1);
    const out = fs.openSync(big, "w");
    fs.writeSync(out, "id,x,y,label,note\n");
    for (let written = 0; written < target; written += body.length) fs.writeSync(out, body);
    fs.closeSync(out);
    const size = fs.statSync(big).size;
    const copyStart = performance.now();
    await pipeline(fs.createReadStream(big, { highWaterMark: 1 << 20 }), fs.createWriteStream(path.join(dir, "copy.csv")));
    const copyMs = performance.now() - copyStart;
    fs.rmSync(path.join(dir, "copy.csv"));

    const before = rssMb(stack.appPid);
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, rssMb(stack.appPid)); }, 100);
    const upStart = performance.now();
    // The client streams the file as curl would (node:http, the file piped to the socket), so
    // the figure is the server's, not the cost of converting the client's stream to a web one.
    const { status, answer } = await postFile(`${stack.url}/api/v1/datasets?name=bench-big&format=csv`, big);
    const upMs = performance.now() - upStart;
    clearInterval(sampler);
    if (status !== 201) throw new Error(`upload answered ${status}: ${answer.slice(0, 300)}`);
    const mbps = (ms: number) => size / 1e6 / (ms / 1000);
    const share = mbps(upMs) / mbps(copyMs);
    report(`Dataset upload over REST, ${(size / 1e9).toFixed(2)} GB CSV, profiled on the way`, `${mbps(upMs).toFixed(0)} MB/s, server memory +${(peak - before).toFixed(0)} MB`,
      `streamed disk copy ${mbps(copyMs).toFixed(0)} MB/s`, share, "≥ 0.5 of the copy, < 100 MB more memory", share >= 0.5 && peak - before < 100);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
