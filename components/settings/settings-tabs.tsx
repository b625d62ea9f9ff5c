"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const TABS = [
  { href: "", label: "Organization" },
  { href: "/members", label: "Members" },
  { href: "/api-keys", label: "API keys" },
  { href: "/scheduling", label: "GPU pools & budget" },
  { href: "/audit", label: "Audit log" },
];

/** The settings sections, with the one being shown marked (aria-current and an underline). */
export function SettingsTabs({ org }: { org: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="mb-6 flex flex-wrap gap-1 border-b">
      {TABS.map((t) => {
        const href = `/${org}/settings${t.href}`;
        const active = pathname === href;
        return (
          <Link key={t.label} href={href} aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px rounded-t-md border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring",
              active ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
            )}>{t.label}</Link>
        );
      })}
    </nav>
  );
}
