/**
 * Job templates offered by the create-job form. Each is a real script in examples/ that
 * runs on a laptop with nothing but Node; hyperparameters reach it as ANVIL_PARAMS.
 */
export interface JobTemplate {
  id: string;
  name: string;
  description: string;
  framework: string;
  command: string;
  hyperparameters: Record<string, number | string>;
}

export const JOB_TEMPLATES: readonly JobTemplate[] = [
  {
    id: "iris-softmax",
    name: "Iris classifier — softmax regression",
    description: "Multinomial logistic regression on the Iris dataset (150 rows, shipped in examples/). Logs loss and accuracy each epoch and uploads the model.",
    framework: "Node.js (no dependencies)",
    command: "node examples/iris-softmax/train.mjs",
    hyperparameters: { epochs: 40, lr: 0.5, hidden: 0, seed: 42, epoch_delay_ms: 150 },
  },
  {
    id: "iris-mlp",
    name: "Iris classifier — small MLP",
    description: "The same job with one hidden layer of 16 units: a slower, non-linear baseline to compare against.",
    framework: "Node.js (no dependencies)",
    command: "node examples/iris-softmax/train.mjs",
    hyperparameters: { epochs: 60, lr: 0.3, hidden: 16, seed: 42, epoch_delay_ms: 100 },
  },
];

export function findTemplate(id: string): JobTemplate | undefined {
  return JOB_TEMPLATES.find((t) => t.id === id);
}
