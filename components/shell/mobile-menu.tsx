"use client";

import { Menu } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * The phone menu: a disclosure that works without JavaScript, and closes itself once a link
 * in it has taken the user to another page.
 */
export function MobileMenu({ title, children }: { title: string; children: ReactNode }) {
  const pathname = usePathname();
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);
  return (
    <details ref={ref} className="border-b md:hidden">
      <summary className="flex cursor-pointer list-none items-center gap-2 p-3 font-semibold"><Menu className="size-5" aria-hidden />{title}</summary>
      <div className="border-t">{children}</div>
    </details>
  );
}
