"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the server component tree every `ms` while `active`, e.g. while jobs are running —
 * but not while a dialog is open: a confirmation must not change under the user's pointer.
 */
export function AutoRefresh({ active, ms = 3000 }: { active: boolean; ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => {
      if (!document.querySelector('[role="dialog"], [role="alertdialog"]')) router.refresh();
    }, ms);
    return () => clearInterval(id);
  }, [active, ms, router]);
  return null;
}
