"use client";

import type { ReactNode } from "react";
import { Button, type ButtonProps } from "./button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "./dialog";

/**
 * A button that asks before it submits: for actions that cannot be undone (stopping a job,
 * removing a member). The confirmation is a real form, so the action runs as a server action.
 */
export function ConfirmSubmit({ action, children, title, description, confirmLabel, variant = "outline", size = "sm", ...props }: {
  action: () => Promise<void>;
  children: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
} & Pick<ButtonProps, "variant" | "size" | "aria-label" | "disabled">) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button type="button" variant={variant} size={size} {...props}>{children}</Button>
      </DialogTrigger>
      <DialogContent showCloseButton={false}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <DialogClose asChild><Button type="button" variant="outline">Cancel</Button></DialogClose>
          <form action={action}><Button type="submit" variant="destructive">{confirmLabel}</Button></form>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
