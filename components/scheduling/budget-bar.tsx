import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Progress } from "@/components/ui/progress";
import { money } from "@/lib/format-money";
import type { BudgetStatus } from "@/server/scheduling/costs";



/** This month's spend against the budget, with the warning from 80 % and the stop at 100 %. */
export function BudgetBar({ budget }: { budget: BudgetStatus }) {
  const pct = Math.round(budget.fraction * 100);
  return (
    <div className="flex flex-col gap-1.5" data-testid="budget-bar">
      <div className="flex justify-between text-sm"><span>{budget.month}: {money(budget.spent)} of {money(budget.limit)}</span><span className="tabular-nums">{pct} %</span></div>
      <Progress value={Math.min(budget.spent, budget.limit)} max={budget.limit || 1} label="Budget spent this month"
        indicatorClassName={budget.state === "spent" ? "bg-destructive" : budget.state === "warn" ? "bg-warning" : undefined} />
    </div>
  );
}

/** Shown where jobs are submitted and costs are read, once 80 % of the budget is gone. */
export function BudgetWarning({ budget, settingsHref }: { budget: BudgetStatus | null; settingsHref: string }) {
  if (!budget || budget.state === "ok") return null;
  const spent = budget.state === "spent";
  return (
    <Alert variant={spent ? "destructive" : "warning"} className="mb-4" role={spent ? "alert" : "status"}>
      <AlertTitle>{spent ? "The GPU budget is spent" : `${Math.round(budget.fraction * 100)} % of the GPU budget is spent`}</AlertTitle>
      <AlertDescription>
        <p>{money(budget.spent)} of {money(budget.limit)} for {budget.month}. {spent ? "New GPU jobs are refused and queued ones wait until" : "At 100 % new GPU jobs are refused until"} an admin raises it (<a className="underline" href={settingsHref}>Settings → GPU pools & budget</a>) or the month ends.</p>
      </AlertDescription>
    </Alert>
  );
}
