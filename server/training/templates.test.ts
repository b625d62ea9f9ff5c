import { describe, expect, it } from "vitest";
import { raySubmitRequest } from "@/server/executors/ray/ray-executor";
import { rayJobManifest } from "@/server/executors/kuberay/kuberay-executor";
import { JOB_TEMPLATES, findTemplate } from "./templates";

/** Each template's Ray entrypoint and runtime_env, against the shapes Ray and KubeRay document. */

const specFor = (id: string, distributed = findTemplate(id)!.distributed) => {
  const t = findTemplate(id)!;
  return { command: t.command(distributed), env: { ANVIL_PARAMS: JSON.stringify(t.hyperparameters) }, pip: t.pip, distributed, resources: { cpu: 2, memoryGb: 4 } };
};

describe("job templates", () => {
  it("PyTorch DDP: torchrun on one node, the Ray launcher on several", () => {
    const t = findTemplate("pytorch-ddp")!;
    expect(t.command({ workers: 1, gpusPerWorker: 4, cpusPerWorker: 8, memoryGbPerWorker: 32 }))
      .toBe("torchrun --standalone --nnodes=1 --nproc_per_node=4 examples/distributed/ddp_train.py");
    expect(t.command({ workers: 2, gpusPerWorker: 1, cpusPerWorker: 4, memoryGbPerWorker: 16 }))
      .toBe("python examples/distributed/ray_torchrun.py examples/distributed/ddp_train.py");
    const req = raySubmitRequest(specFor("pytorch-ddp"), "anvil-x-1", "2.52.0", "anvil");
    expect(req).toEqual({
      entrypoint: "python examples/distributed/ray_torchrun.py examples/distributed/ddp_train.py",
      submission_id: "anvil-x-1",
      runtime_env: {
        pip: ["torch", "torchvision"],
        env_vars: { ANVIL_PARAMS: expect.any(String), ANVIL_NUM_WORKERS: "2", ANVIL_GPUS_PER_WORKER: "1", ANVIL_CPUS_PER_WORKER: "4", ANVIL_MEMORY_GB_PER_WORKER: "16" },
      },
      metadata: { anvil_install: "anvil" },
      entrypoint_num_cpus: 2,
      entrypoint_memory: 4 * 1024 ** 3,
    });
    // The driver of a distributed job takes no GPU: its workers do.
    expect(req.entrypoint_num_gpus).toBeUndefined();
  });

  it("DeepSpeed launches through torchrun with --deepspeed and installs deepspeed", () => {
    const req = raySubmitRequest(specFor("deepspeed"), "id", "2.52.0", "anvil");
    expect(req.entrypoint).toBe("python examples/distributed/ray_torchrun.py examples/distributed/ddp_train.py --deepspeed");
    expect(req.runtime_env!.pip).toContain("deepspeed");
  });

  it("XGBoost and LightGBM run Ray Train scripts with ray[train]", () => {
    for (const id of ["xgboost", "lightgbm"]) {
      const req = raySubmitRequest(specFor(id), "id", "2.52.0", "anvil");
      expect(req.entrypoint).toBe(`python examples/distributed/gbdt_train.py ${id}`);
      expect(req.runtime_env!.pip).toEqual(expect.arrayContaining([id, "ray[train]"]));
    }
  });

  it("Transformers fine-tune: torchrun over the node's GPUs, which the entrypoint itself asks for", () => {
    const req = raySubmitRequest(specFor("transformers-finetune"), "id", "2.52.0", "anvil");
    expect(req.entrypoint).toBe("torchrun --standalone --nnodes=1 --nproc_per_node=1 examples/distributed/hf_finetune.py");
    expect(req.entrypoint_num_gpus).toBe(1);
    const m = rayJobManifest(specFor("transformers-finetune"), "id", { namespace: "ml", installId: "a", rayImage: "rayproject/ray:2.52.0" });
    expect(m.spec).toMatchObject({ entrypointNumGpus: 1 });
  });

  it("a GPU job without workers asks Ray for GPUs and the accelerator type", () => {
    const req = raySubmitRequest({ command: "python t.py", resources: { cpu: 1, gpuCount: 2, gpuType: "A100" } }, "id", "2.52.0", "i");
    expect(req).toMatchObject({ entrypoint_num_gpus: 2, entrypoint_resources: { "accelerator_type:A100": 0.001 } });
  });

  it("KubeRay gets the same runtime env as YAML text (JSON is YAML) and a worker group per the spec", () => {
    const m = rayJobManifest(specFor("pytorch-ddp"), "anvil-x-1", { namespace: "ml", installId: "anvil", rayImage: "rayproject/ray:2.52.0" });
    expect(JSON.parse(m.spec.runtimeEnvYAML)).toMatchObject({ pip: ["torch", "torchvision"], env_vars: { ANVIL_NUM_WORKERS: "2" } });
    expect(m.spec.rayClusterSpec).toMatchObject({ rayVersion: "2.52.0", workerGroupSpecs: [{ replicas: 2, minReplicas: 2, maxReplicas: 2 }] });
    expect(m.spec).not.toHaveProperty("entrypointMemory");
  });

  it("the Python scripts behind the cluster templates parse (python3's own parser)", async () => {
    const { execFileSync } = await import("node:child_process");
    const fs = await import("node:fs");
    const files = fs.readdirSync("examples/distributed").filter((f) => f.endsWith(".py")).map((f) => `examples/distributed/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(5);
    execFileSync("python3", ["-c", "import ast,sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)", ...files]);
  });

  it("every template names a script that exists", async () => {
    const fs = await import("node:fs");
    for (const t of JOB_TEMPLATES) {
      for (const part of t.command(t.distributed).split(" ").filter((p) => p.startsWith("examples/"))) expect(fs.existsSync(part), `${t.id}: ${part}`).toBe(true);
    }
  });
});
