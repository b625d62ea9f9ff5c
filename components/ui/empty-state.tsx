import type { LucideIcon } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/utils";

export type EmptyStateProps = Omit<ComponentProps<"div">, "title"> & {
  icon?: LucideIcon;
  title: ReactNode;
  /** Say what to do next ("Log a metric with `anvil.log(...)` to see it here"), not just what is missing. */
  description?: ReactNode;
  /** Usually a `<Button>` or `<Button asChild><Link/></Button>` that performs the next step. */
  action?: ReactNode;
  /** Heading level of the title; defaults to h3 for use inside cards and sections. */
  headingLevel?: "h2" | "h3" | "h4";
};

export function EmptyState({
  icon: Icon,
  title,
  description,
  action,
  headingLevel: Heading = "h3",
  className,
  ...props
}: EmptyStateProps) {
  return (
    <div
      data-slot="empty-state"
      className={cn(
        "flex flex-col items-center justify-center gap-3 rounded-lg border border-dashed px-6 py-10 text-center",
        className,
      )}
      {...props}
    >
      {Icon ? (
        <div className="flex size-10 items-center justify-center rounded-full bg-muted text-muted-foreground">
          <Icon aria-hidden className="size-5" />
        </div>
      ) : null}
      <div className="flex max-w-sm flex-col gap-1">
        <Heading className="text-sm font-semibold">{title}</Heading>
        {description ? <div className="text-sm text-muted-foreground">{description}</div> : null}
      </div>
      {action ? <div className="mt-1 flex flex-wrap items-center justify-center gap-2">{action}</div> : null}
    </div>
  );
}
