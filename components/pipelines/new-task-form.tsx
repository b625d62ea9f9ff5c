"use client";

import { useActionState, useState } from "react";
import { createTaskAction } from "@/app/(app)/[org]/pipelines/actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";

export interface DatasetOption { id: string; name: string; type: string; rows: number | null }

/** The dataset of a type, for sensible defaults (the example's train, validation and test). */
const ofType = (datasets: DatasetOption[], type: string) => datasets.find((d) => d.type === type)?.id ?? "";

export function NewTaskForm({ org, datasets }: { org: string; datasets: DatasetOption[] }) {
  const [state, action] = useActionState(createTaskAction.bind(null, org), initialFormState);
  const v = state.values ?? {};
  const [mode, setMode] = useState(v.mode || "CONTINUOUS");
  const options = datasets.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.type}{d.rows !== null ? `, ${d.rows} rows` : ""})</option>);
  const field = formField(state);
  return (
    <form action={action} className="flex flex-col gap-6">
      <FormError state={state} />
      <Card>
        <CardHeader><CardTitle className="text-base">Task</CardTitle><CardDescription>Each iteration optimizes the data, trains on it and evaluates the model; a continuous task feeds the evaluation&apos;s bad cases into the next optimization.</CardDescription></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          {field("name", "Task name", <Input id="name" name="name" required defaultValue={v.name ?? "iris-hard-loop"} />)}
          {field("modelName", "Model name", <Input id="modelName" name="modelName" required defaultValue={v.modelName ?? "iris-softmax"} />, "A label for what the task trains; the built-in trainer is a softmax regression on every numeric column.")}
          {field("mode", "Mode", (
            <Select id="mode" name="mode" value={mode} onChange={(e) => setMode(e.target.value)}>
              <option value="CONTINUOUS">Continuous: loop until the threshold or the iteration limit</option>
              <option value="STANDARD">Standard: one iteration</option>
            </Select>
          ))}
          {mode === "CONTINUOUS" ? field("maxIterations", "Max iterations", <Input id="maxIterations" name="maxIterations" type="number" min={1} max={1000} defaultValue={v.maxIterations ?? "5"} />) : <div />}
          {field("performanceThreshold", "Stop at score", <Input id="performanceThreshold" name="performanceThreshold" type="number" step="any" placeholder="none" defaultValue={v.performanceThreshold ?? "0.97"} />, "The score is the macro-F1 on the test dataset (every class counts). Leave empty to run every iteration.")}
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Data</CardTitle><CardDescription>The label is the column named label, target, class or y, else the last one (or set the <code>label</code> hyperparameter); the numeric columns are the features. Bad cases come from validation and the score from test, so the feedback never sees what it is scored on.</CardDescription></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-3">
          {field("datasetId", "Training dataset", <Select id="datasetId" name="datasetId" required defaultValue={v.datasetId ?? ofType(datasets, "training")}><option value="">Choose…</option>{options}</Select>, "Its newest version; each optimization adds a version derived from it.")}
          {field("validationDatasetId", "Validation dataset", <Select id="validationDatasetId" name="validationDatasetId" defaultValue={v.validationDatasetId ?? ofType(datasets, "validation")}><option value="">None: hold out a fifth of the training rows</option>{options}</Select>)}
          {field("testDatasetId", "Test dataset", <Select id="testDatasetId" name="testDatasetId" defaultValue={v.testDatasetId ?? ofType(datasets, "test")}><option value="">None: score on validation</option>{options}</Select>)}
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Hyperparameters</CardTitle><CardDescription>One <code>name = value</code> per line: <code>epochs</code>, <code>lr</code>, <code>hidden</code>, <code>seed</code>, <code>per_case</code> (rows synthesized per bad case), <code>jitter</code>, <code>feedback</code> (false for an ablation), <code>label</code> (the label column).</CardDescription></CardHeader>
        <CardContent className="flex flex-col gap-4">
          {field("hyperparameters", "Hyperparameters", <Textarea id="hyperparameters" name="hyperparameters" rows={4} className="font-mono text-sm" defaultValue={v.hyperparameters ?? "epochs = 200\nseed = 1"} />)}
          <details className="rounded-md border p-3 text-sm">
            <summary className="cursor-pointer">Run phases on external services (admins)</summary>
            <p className="mt-2 text-xs text-muted-foreground">A phase with a service&apos;s base URL runs there instead of as a built-in run: Anvil sends <code>POST /api/v1/optimize</code> (or train, evaluate) with the inputs inline and polls <code>GET /api/v1/optimize/&#123;id&#125;</code> until it completes. See docs/api.md.</p>
            <div className="mt-3 grid gap-3 sm:grid-cols-2">
              {field("services.optimize", "Optimize service", <Input id="services.optimize" name="services.optimize" placeholder="http://optimizer:8002" defaultValue={v["services.optimize"]} />)}
              {field("services.train", "Train service", <Input id="services.train" name="services.train" placeholder="http://trainer:8004" defaultValue={v["services.train"]} />)}
              {field("services.evaluate", "Evaluate service", <Input id="services.evaluate" name="services.evaluate" placeholder="http://evaluator:8003" defaultValue={v["services.evaluate"]} />)}
              {field("serviceToken", "Bearer token (stored sealed)", <Input id="serviceToken" name="serviceToken" type="password" autoComplete="off" />)}
            </div>
          </details>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="start" defaultChecked={v.start ? v.start === "on" : true} className="size-4" />Start it now</label>
          <div><SubmitButton pendingText="Creating…">Create task</SubmitButton></div>
        </CardContent>
      </Card>
    </form>
  );
}
