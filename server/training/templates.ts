import type { DistributedSpec } from "@/server/executors/types";

/**
 * Job templates offered by the create-job form and the REST API. Each is a real script in
 * examples/; hyperparameters reach it as ANVIL_PARAMS. The Iris ones run anywhere with Node;
 * the framework ones need a Ray cluster (Ray installs their `pip` packages per job) and find
 * their code in the job's working directory (a `working_dir` URI, or the cluster's image).
 */
export interface JobTemplate {
  id: string;
  name: string;
  description: string;
  framework: string;
  /** Where it can run: this machine and clusters, or clusters only. */
  runsOn: "anywhere" | "cluster";
  hyperparameters: Record<string, number | string>;
  pip?: string[];
  /** Set when the template is a distributed job: its defaults. */
  distributed?: DistributedSpec;
  /** The entrypoint for a spec (distributed settings decide the launcher). */
  command(distributed: DistributedSpec | undefined): string;
}

/**
 * torchrun on one node; on several, the launcher starts one torchrun per node inside a Ray
 * placement group and points them all at the first (torch.distributed's c10d rendezvous).
 */
function torchrun(script: string, args = ""): (d: DistributedSpec | undefined) => string {
  return (d) => {
    const tail = args ? ` ${args}` : "";
    if (!d || d.workers <= 1) return `torchrun --standalone --nnodes=1 --nproc_per_node=${Math.max(1, d?.gpusPerWorker ?? 1)} ${script}${tail}`;
    return `python examples/distributed/ray_torchrun.py ${script}${tail}`;
  };
}

const NODE = "Node.js (no dependencies)";
const GPU_WORKERS: DistributedSpec = { workers: 2, gpusPerWorker: 1, cpusPerWorker: 4, memoryGbPerWorker: 16 };

export const JOB_TEMPLATES: readonly JobTemplate[] = [
  {
    id: "iris-softmax",
    name: "Iris classifier — softmax regression",
    description: "Multinomial logistic regression on the Iris dataset (150 rows, shipped in examples/). Logs loss and accuracy each epoch, saves checkpoints and uploads the model.",
    framework: NODE, runsOn: "anywhere",
    hyperparameters: { epochs: 40, lr: 0.5, hidden: 0, seed: 42, epoch_delay_ms: 150, checkpoint_every: 10 },
    command: () => "node examples/iris-softmax/train.mjs",
  },
  {
    id: "iris-mlp",
    name: "Iris classifier — small MLP",
    description: "The same job with one hidden layer of 16 units: a slower, non-linear baseline to compare against.",
    framework: NODE, runsOn: "anywhere",
    hyperparameters: { epochs: 60, lr: 0.3, hidden: 16, seed: 42, epoch_delay_ms: 100, checkpoint_every: 20 },
    command: () => "node examples/iris-softmax/train.mjs",
  },
  {
    id: "tiny-lm",
    name: "Tiny language model — character n-grams",
    description: "A character-level language model of public-domain poems (shipped in examples/): picks the context length with the best held-out perplexity and uploads the model, which examples/tiny-lm/serve.mjs serves with an OpenAI-compatible API.",
    framework: NODE, runsOn: "anywhere",
    hyperparameters: { max_order: 7, val_fraction: 0.1, seed: 1 },
    command: () => "node examples/tiny-lm/train.mjs",
  },
  {
    id: "pytorch-ddp",
    name: "PyTorch DDP (torchrun)",
    description: "DistributedDataParallel training of a ResNet-18 on CIFAR-10, one process per GPU, over as many nodes as you ask for.",
    framework: "PyTorch", runsOn: "cluster",
    hyperparameters: { epochs: 10, lr: 0.1, batch_size: 128 },
    pip: ["torch", "torchvision"],
    distributed: GPU_WORKERS,
    command: torchrun("examples/distributed/ddp_train.py"),
  },
  {
    id: "deepspeed",
    name: "DeepSpeed ZeRO-2",
    description: "The DDP job under DeepSpeed (ZeRO stage 2, bf16), launched with torchrun so no SSH between nodes is needed.",
    framework: "DeepSpeed", runsOn: "cluster",
    hyperparameters: { epochs: 10, lr: 0.001, batch_size: 64, zero_stage: 2 },
    pip: ["torch", "torchvision", "deepspeed"],
    distributed: GPU_WORKERS,
    command: torchrun("examples/distributed/ddp_train.py", "--deepspeed"),
  },
  {
    id: "xgboost",
    name: "XGBoost (Ray Train)",
    description: "Gradient-boosted trees on the breast-cancer dataset with Ray Train's XGBoostTrainer, data-parallel over the workers.",
    framework: "XGBoost", runsOn: "cluster",
    hyperparameters: { num_boost_round: 100, max_depth: 6, eta: 0.1 },
    pip: ["xgboost", "scikit-learn", "ray[train]"],
    distributed: { workers: 2, gpusPerWorker: 0, cpusPerWorker: 2, memoryGbPerWorker: 4 },
    command: () => "python examples/distributed/gbdt_train.py xgboost",
  },
  {
    id: "lightgbm",
    name: "LightGBM (Ray Train)",
    description: "The same dataset with Ray Train's LightGBMTrainer.",
    framework: "LightGBM", runsOn: "cluster",
    hyperparameters: { num_boost_round: 100, num_leaves: 31, learning_rate: 0.1 },
    pip: ["lightgbm", "scikit-learn", "ray[train]"],
    distributed: { workers: 2, gpusPerWorker: 0, cpusPerWorker: 2, memoryGbPerWorker: 4 },
    command: () => "python examples/distributed/gbdt_train.py lightgbm",
  },
  {
    id: "transformers-finetune",
    name: "Transformers fine-tune",
    description: "Fine-tunes a Hugging Face model (default distilbert-base-uncased on IMDB) with the Trainer API; DDP across the GPUs through torchrun.",
    framework: "Hugging Face Transformers", runsOn: "cluster",
    hyperparameters: { model: "distilbert-base-uncased", dataset: "imdb", epochs: 1, lr: 0.00005, batch_size: 16 },
    pip: ["torch", "transformers", "datasets", "accelerate", "evaluate"],
    distributed: { workers: 1, gpusPerWorker: 1, cpusPerWorker: 8, memoryGbPerWorker: 32 },
    command: torchrun("examples/distributed/hf_finetune.py"),
  },
];

export function findTemplate(id: string): JobTemplate | undefined {
  return JOB_TEMPLATES.find((t) => t.id === id);
}

/** What the form and the API show of a template (its command for the default settings). */
export function templateView(t: JobTemplate) {
  return {
    id: t.id, name: t.name, description: t.description, framework: t.framework, runsOn: t.runsOn,
    hyperparameters: t.hyperparameters, pip: t.pip ?? [], distributed: t.distributed ?? null, command: t.command(t.distributed),
  };
}
