import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";
import { focusRing } from "./focus";

export type CheckboxProps = Omit<ComponentProps<"input">, "type">;

/**
 * Native checkbox tinted via `accent-color` (see globals.css): it posts with the form and needs no JS.
 * Carries the `peer` class so a following `<Label>` can dim when it is disabled.
 */
export function Checkbox({ className, ...props }: CheckboxProps) {
  return (
    <input
      data-slot="checkbox"
      type="checkbox"
      className={cn(
        "peer size-4 shrink-0 cursor-pointer accent-primary disabled:cursor-not-allowed disabled:opacity-50",
        focusRing,
        className,
      )}
      {...props}
    />
  );
}
