import type { TaskStatus } from "@/server/pipelines/task-lifecycle";
import { NODE, prepareStateDiagram } from "./prepare-pipeline";
import { TASK_STATUS_STYLES } from "./task-status";

/** The task's state machine with the current state lit and the transitions it took drawn strong. */
export function StateDiagram({ status, history }: { status: TaskStatus; history: Array<{ from: string | null; to: string }> }) {
  const { nodes, edges, width, height } = prepareStateDiagram(status, history);
  const label = `State machine; the task is ${TASK_STATUS_STYLES[status].label.toLowerCase()}`;
  return (
    <figure data-testid="state-diagram" data-current={status} className="overflow-x-auto">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} className="h-auto w-full min-w-[560px] max-w-[760px]">
        <defs>
          <marker id="arrow-faint" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="var(--border)" /></marker>
          <marker id="arrow-main" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="var(--muted-foreground)" /></marker>
          <marker id="arrow-taken" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="var(--primary)" /></marker>
        </defs>
        {edges.map((e) => {
          const look = e.taken > 0 ? "taken" : e.kind === "main" ? "main" : "faint";
          return (
            <g key={`${e.from}>${e.to}`} data-edge={`${e.from}>${e.to}`} data-taken={e.taken}>
              <line x1={e.x1} y1={e.y1} x2={e.x2} y2={e.y2} markerEnd={`url(#arrow-${look})`}
                stroke={look === "taken" ? "var(--primary)" : look === "main" ? "var(--muted-foreground)" : "var(--border)"}
                strokeWidth={look === "taken" ? 2 : 1} strokeDasharray={look === "faint" ? "3 3" : undefined} />
              {e.taken > 1 ? <text x={(e.x1 + e.x2) / 2 + 6} y={(e.y1 + e.y2) / 2 - 4} fontSize={10} fill="var(--primary)">×{e.taken}</text> : null}
            </g>
          );
        })}
        {nodes.map((n) => (
          <g key={n.status} data-node={n.status} data-current={n.current || undefined}>
            <rect x={n.x - NODE.w / 2} y={n.y - NODE.h / 2} width={NODE.w} height={NODE.h} rx={8}
              fill={n.current ? "var(--primary)" : "var(--background)"}
              stroke={n.current || n.visited ? "var(--primary)" : "var(--border)"} strokeWidth={n.current ? 2 : 1} />
            <text x={n.x} y={n.y + 4} textAnchor="middle" fontSize={11} fontWeight={n.current ? 600 : 400}
              fill={n.current ? "var(--primary-foreground)" : n.visited ? "var(--foreground)" : "var(--muted-foreground)"}>{n.status}</text>
          </g>
        ))}
      </svg>
      <figcaption className="text-xs text-muted-foreground">Lit: where the task is now. Blue arrows: transitions it took (×n when more than once).</figcaption>
    </figure>
  );
}
