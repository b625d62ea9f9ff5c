import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { datasets, datasetVersions, lifecycleTransitions, pipelineTasks, runs, taskExecutions } from "@/server/db/schema";
import type { TaskStatus } from "./task-lifecycle";
import { getTaskRow, type Task } from "./tasks";

function taskView(t: Task) {
  return {
    id: t.id, name: t.name, mode: t.mode, status: t.status as TaskStatus, desiredState: t.desiredState, suspendedFrom: t.suspendedFrom,
    modelName: t.modelName, datasetId: t.datasetId, projectId: t.projectId, hyperparameters: t.hyperparameters,
    services: t.phaseServices?.urls ?? {}, maxIterations: t.maxIterations, performanceThreshold: t.performanceThreshold, currentIteration: t.currentIteration,
    bestScore: t.bestScore, stopReason: t.stopReason, statusMessage: t.statusMessage,
    createdAt: t.createdAt, startedAt: t.startedAt, finishedAt: t.finishedAt,
  };
}

export async function listTasks(db: DbOrTx, orgId: string, limit = 200) {
  const rows = await db.select({ task: pipelineTasks, dataset: datasets.name }).from(pipelineTasks)
    .innerJoin(datasets, eq(datasets.id, pipelineTasks.datasetId))
    .where(eq(pipelineTasks.orgId, orgId)).orderBy(desc(pipelineTasks.seq)).limit(limit);
  return rows.map((r) => ({ ...taskView(r.task), dataset: r.dataset }));
}

/** One record per phase per iteration, in order, with its run and dataset versions named. */
export async function listExecutions(db: DbOrTx, orgId: string, taskId: string) {
  await getTaskRow(db, orgId, taskId); // 404 across organizations
  const rows = await db.select().from(taskExecutions).where(and(eq(taskExecutions.orgId, orgId), eq(taskExecutions.taskId, taskId)))
    .orderBy(asc(taskExecutions.iteration), asc(taskExecutions.startedAt));
  const runIds = rows.flatMap((r) => (r.runId ? [r.runId] : []));
  const versionIds = rows.flatMap((r) => [r.inputVersionId, r.outputVersionId].filter((v): v is string => v !== null));
  const [runRows, versionRows] = await Promise.all([
    runIds.length ? db.select({ id: runs.id, name: runs.name, status: runs.status, experimentId: runs.experimentId }).from(runs).where(inArray(runs.id, runIds)) : [],
    versionIds.length ? db.select({ id: datasetVersions.id, datasetId: datasetVersions.datasetId, version: datasetVersions.version, rows: datasetVersions.rows, dataset: datasets.name })
      .from(datasetVersions).innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId)).where(inArray(datasetVersions.id, versionIds)) : [],
  ]);
  const run = new Map(runRows.map((r) => [r.id, r]));
  const version = new Map(versionRows.map((v) => [v.id, v]));
  return rows.map((e) => ({
    id: e.id, iteration: e.iteration, phase: e.phase, status: e.status, message: e.message, score: e.score,
    run: e.runId ? run.get(e.runId) ?? null : null,
    inputVersion: e.inputVersionId ? version.get(e.inputVersionId) ?? null : null,
    outputVersion: e.outputVersionId ? version.get(e.outputVersionId) ?? null : null,
    modelArtifact: e.modelArtifact, report: e.report, serviceUrl: e.serviceUrl, remoteId: e.remoteId, remoteModel: e.remoteModel !== null, startedAt: e.startedAt, finishedAt: e.finishedAt,
    // The seed's TaskExecution fields.
    taskId: e.taskId, inputDatasetId: e.inputVersionId, outputDatasetId: e.outputVersionId,
    modelPath: e.modelArtifact && e.runId ? `runs/${e.runId}/artifacts/${e.modelArtifact}` : null,
    evaluationPath: e.report && e.runId ? `runs/${e.runId}/artifacts/report/report.json` : null, completedAt: e.finishedAt,
  }));
}

/** The task, its datasets, every transition (the timeline) and the score per iteration. */
export async function getTask(db: DbOrTx, orgId: string, id: string) {
  const task = await getTaskRow(db, orgId, id);
  const versionIds = [task.sourceVersionId, task.currentVersionId, task.validationVersionId, task.testVersionId].filter((v): v is string => v !== null);
  const [versions, history, executions] = await Promise.all([
    db.select({ id: datasetVersions.id, datasetId: datasetVersions.datasetId, version: datasetVersions.version, dataset: datasets.name, rows: datasetVersions.rows })
      .from(datasetVersions).innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId)).where(inArray(datasetVersions.id, versionIds)),
    db.select({ from: lifecycleTransitions.fromStatus, to: lifecycleTransitions.toStatus, actor: lifecycleTransitions.actor, reason: lifecycleTransitions.reason, at: lifecycleTransitions.at })
      .from(lifecycleTransitions).where(and(eq(lifecycleTransitions.lifecycle, "pipeline_task"), eq(lifecycleTransitions.entityId, id), eq(lifecycleTransitions.orgId, orgId)))
      .orderBy(asc(lifecycleTransitions.version)),
    listExecutions(db, orgId, id),
  ]);
  const v = (vid: string | null) => versions.find((x) => x.id === vid) ?? null;
  const latest = [...executions].reverse();
  const lastEval = latest.find((e) => e.phase === "EVALUATING" && e.status === "SUCCEEDED");
  const lastModel = latest.find((e) => e.phase === "TRAINING" && e.modelArtifact);
  return {
    ...taskView(task),
    source: v(task.sourceVersionId), current: v(task.currentVersionId), validation: v(task.validationVersionId), test: v(task.testVersionId),
    history, executions,
    scores: executions.filter((e) => e.phase === "EVALUATING" && e.score !== null).map((e) => ({ iteration: e.iteration, score: e.score! })),
    // The seed's MLTask fields.
    taskId: task.id, taskName: task.name, taskMode: task.mode, currentDatasetId: task.currentVersionId,
    latestScore: lastEval?.score ?? null, latestModelPath: lastModel?.modelPath ?? null, latestEvaluationPath: lastEval?.evaluationPath ?? null,
  };
}

/** Which task iteration made each version of a dataset (its optimized rows), for the dataset page. */
export async function versionProducers(db: DbOrTx, orgId: string, datasetId: string) {
  return db.select({ versionId: taskExecutions.outputVersionId, taskId: pipelineTasks.id, task: pipelineTasks.name, iteration: taskExecutions.iteration, runId: taskExecutions.runId })
    .from(taskExecutions).innerJoin(pipelineTasks, eq(pipelineTasks.id, taskExecutions.taskId))
    .innerJoin(datasetVersions, eq(datasetVersions.id, taskExecutions.outputVersionId))
    .where(and(eq(taskExecutions.orgId, orgId), eq(pipelineTasks.orgId, orgId), eq(datasetVersions.datasetId, datasetId)));
}

export type TaskDetail = Awaited<ReturnType<typeof getTask>>;
export type ExecutionView = TaskDetail["executions"][number];
