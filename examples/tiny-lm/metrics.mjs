// Prometheus text with vLLM's metric names and labels (model_name, engine), so what scrapes a
// vLLM server (a router, an autoscaler, Anvil's gateway) can scrape this one.
const TTFT = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const E2E = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

class Histogram {
  constructor(bounds) { this.bounds = bounds; this.counts = bounds.map(() => 0); this.sum = 0; this.count = 0; }
  observe(v) { this.bounds.forEach((b, i) => { if (v <= b) this.counts[i]++; }); this.sum += v; this.count++; }
  render(name, labels) {
    const lines = this.bounds.map((b, i) => `${name}_bucket{${labels},le="${b}"} ${this.counts[i]}`);
    return [...lines, `${name}_bucket{${labels},le="+Inf"} ${this.count}`, `${name}_sum{${labels}} ${this.sum}`, `${name}_count{${labels}} ${this.count}`];
  }
}

export class Metrics {
  constructor(model, maxNumSeqs) {
    this.labels = `engine="0",model_name="${model}"`;
    this.maxNumSeqs = maxNumSeqs;
    this.running = 0;
    this.waiting = 0;
    this.promptTokens = 0;
    this.generationTokens = 0;
    this.success = {};
    this.ttft = new Histogram(TTFT);
    this.e2e = new Histogram(E2E);
  }

  finished({ promptTokens, completionTokens, reason, ttft, e2e }) {
    this.promptTokens += promptTokens;
    this.generationTokens += completionTokens;
    this.success[reason] = (this.success[reason] ?? 0) + 1;
    this.ttft.observe(ttft);
    this.e2e.observe(e2e);
  }

  render() {
    const l = this.labels;
    return [
      "# TYPE vllm:num_requests_running gauge", `vllm:num_requests_running{${l}} ${this.running}`,
      "# TYPE vllm:num_requests_waiting gauge", `vllm:num_requests_waiting{${l}} ${this.waiting}`,
      // No KV cache here: the share of sequence slots in use stands in for it.
      "# TYPE vllm:kv_cache_usage_perc gauge", `vllm:kv_cache_usage_perc{${l}} ${this.running / this.maxNumSeqs}`,
      "# TYPE vllm:prompt_tokens_total counter", `vllm:prompt_tokens_total{${l}} ${this.promptTokens}`,
      "# TYPE vllm:generation_tokens_total counter", `vllm:generation_tokens_total{${l}} ${this.generationTokens}`,
      "# TYPE vllm:request_success_total counter", ...Object.entries(this.success).map(([r, n]) => `vllm:request_success_total{${l},finished_reason="${r}"} ${n}`),
      "# TYPE vllm:time_to_first_token_seconds histogram", ...this.ttft.render("vllm:time_to_first_token_seconds", l),
      "# TYPE vllm:e2e_request_latency_seconds histogram", ...this.e2e.render("vllm:e2e_request_latency_seconds", l),
      "",
    ].join("\n");
  }
}
