import { ChevronDown } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";
import { fieldFocusRing, fieldInvalid } from "./focus";

export type SelectProps = ComponentProps<"select">;

/**
 * Styled native `<select>`: submits with plain form posts, works before hydration and gets the platform's
 * accessible picker on mobile. Pass `<option>`/`<optgroup>` children as usual.
 */
export function Select({ className, multiple, ...props }: SelectProps) {
  return (
    <div data-slot="select-wrapper" className={cn("relative w-full", className)}>
      <select
        data-slot="select"
        multiple={multiple}
        className={cn(
          "w-full min-w-0 appearance-none rounded-md border border-input bg-background px-3 text-sm shadow-xs",
          "transition-[color,box-shadow,border-color] duration-150 disabled:cursor-not-allowed disabled:opacity-50",
          multiple ? "py-1" : "h-9 pr-9",
          fieldFocusRing,
          fieldInvalid,
        )}
        {...props}
      />
      {multiple ? null : (
        <ChevronDown
          aria-hidden
          className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted-foreground"
        />
      )}
    </div>
  );
}
