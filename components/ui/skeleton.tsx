import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/** Loading placeholder. Hidden from screen readers: announce loading on the container (`aria-busy`) instead. */
export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return (
    <div
      data-slot="skeleton"
      aria-hidden
      className={cn("animate-pulse rounded-md bg-muted", className)}
      {...props}
    />
  );
}
