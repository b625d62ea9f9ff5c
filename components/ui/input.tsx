import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";
import { fieldFocusRing, fieldInvalid } from "./focus";

export const inputClassName = cn(
  "flex h-9 w-full min-w-0 rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs",
  "transition-[color,box-shadow,border-color] duration-150 placeholder:text-muted-foreground",
  "file:mr-3 file:border-0 file:bg-transparent file:text-sm file:font-medium file:text-foreground",
  "disabled:cursor-not-allowed disabled:opacity-50",
  fieldFocusRing,
  fieldInvalid,
);

export type InputProps = ComponentProps<"input">;

export function Input({ className, type = "text", ...props }: InputProps) {
  return <input data-slot="input" type={type} className={cn(inputClassName, className)} {...props} />;
}
