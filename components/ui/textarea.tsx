import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";
import { fieldFocusRing, fieldInvalid } from "./focus";

export type TextareaProps = ComponentProps<"textarea">;

export function Textarea({ className, ...props }: TextareaProps) {
  return (
    <textarea
      data-slot="textarea"
      className={cn(
        "flex min-h-20 w-full rounded-md border border-input bg-background px-3 py-2 text-sm shadow-xs",
        "field-sizing-content transition-[color,box-shadow,border-color] duration-150 placeholder:text-muted-foreground",
        "disabled:cursor-not-allowed disabled:opacity-50",
        fieldFocusRing,
        fieldInvalid,
        className,
      )}
      {...props}
    />
  );
}
