import type { TaskStatus } from "@/server/pipelines/task-lifecycle";

/**
 * The task's state machine laid out for drawing (PRODUCT.md's table): the main flow on one row,
 * SUSPENDED above it, LOOPING below with the way back, the ends on the right. Pure: which state
 * is lit and which transitions the task took come from its history.
 */
export const NODE = { w: 104, h: 32 };

const LAYOUT: Record<TaskStatus, [number, number]> = {
  PENDING: [64, 96], OPTIMIZING: [200, 96], TRAINING: [336, 96], EVALUATING: [472, 96], COMPLETED: [640, 96],
  SUSPENDED: [336, 24], LOOPING: [336, 172], FAILED: [640, 172], CANCELLED: [640, 24],
};

/** The table's pairs; the main flow and the loop are drawn solid, the rest only when taken or faint. */
export const EDGES: Array<[TaskStatus, TaskStatus, "main" | "side"]> = [
  ["PENDING", "OPTIMIZING", "main"], ["OPTIMIZING", "TRAINING", "main"], ["TRAINING", "EVALUATING", "main"], ["EVALUATING", "COMPLETED", "main"],
  ["EVALUATING", "LOOPING", "main"], ["LOOPING", "OPTIMIZING", "main"], ["LOOPING", "COMPLETED", "side"],
  ["OPTIMIZING", "SUSPENDED", "side"], ["TRAINING", "SUSPENDED", "side"], ["EVALUATING", "SUSPENDED", "side"],
  ["SUSPENDED", "OPTIMIZING", "side"], ["SUSPENDED", "TRAINING", "side"], ["SUSPENDED", "EVALUATING", "side"],
  ["PENDING", "CANCELLED", "side"], ["OPTIMIZING", "CANCELLED", "side"], ["TRAINING", "CANCELLED", "side"], ["LOOPING", "CANCELLED", "side"],
  ["OPTIMIZING", "FAILED", "side"], ["TRAINING", "FAILED", "side"], ["EVALUATING", "FAILED", "side"],
];

export interface DiagramNode { status: TaskStatus; x: number; y: number; current: boolean; visited: boolean }
export interface DiagramEdge { from: TaskStatus; to: TaskStatus; kind: "main" | "side"; taken: number; x1: number; y1: number; x2: number; y2: number }

/** Where the segment from a's centre to b's centre leaves a's box. */
export function clipToBox(cx: number, cy: number, tx: number, ty: number, half = { w: NODE.w / 2, h: NODE.h / 2 }): [number, number] {
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const scale = Math.min(dx === 0 ? Infinity : half.w / Math.abs(dx), dy === 0 ? Infinity : half.h / Math.abs(dy));
  return [cx + dx * scale, cy + dy * scale];
}

export function prepareStateDiagram(status: TaskStatus, history: Array<{ from: string | null; to: string }>) {
  const taken = new Map<string, number>();
  for (const h of history) if (h.from) taken.set(`${h.from}>${h.to}`, (taken.get(`${h.from}>${h.to}`) ?? 0) + 1);
  const visited = new Set(history.map((h) => h.to));
  const nodes: DiagramNode[] = (Object.keys(LAYOUT) as TaskStatus[]).map((s) => ({ status: s, x: LAYOUT[s][0], y: LAYOUT[s][1], current: s === status, visited: visited.has(s) }));
  const edges: DiagramEdge[] = EDGES.map(([from, to, kind]) => {
    const [ax, ay] = LAYOUT[from];
    const [bx, by] = LAYOUT[to];
    // The two directions between SUSPENDED and a phase are drawn side by side, not on top of each other.
    const offset = from === "SUSPENDED" ? 6 : to === "SUSPENDED" ? -6 : 0;
    const [x1, y1] = clipToBox(ax + offset, ay, bx + offset, by);
    const [x2, y2] = clipToBox(bx + offset, by, ax + offset, ay);
    return { from, to, kind, taken: taken.get(`${from}>${to}`) ?? 0, x1, y1, x2, y2 };
  });
  return { nodes, edges, width: 700, height: 200 };
}

/** Score per iteration, with the best so far, for the chart. */
export function prepareScores(scores: Array<{ iteration: number; score: number }>) {
  let best = -Infinity;
  return scores.map((s) => {
    best = Math.max(best, s.score);
    return { iteration: s.iteration, score: s.score, best };
  });
}
