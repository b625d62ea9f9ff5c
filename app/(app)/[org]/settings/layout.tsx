import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/ui/page-header";

const TABS = [
  { href: "", label: "Organization" },
  { href: "/members", label: "Members" },
  { href: "/api-keys", label: "API keys" },
  { href: "/audit", label: "Audit log" },
];

export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org } = await params;
  return (
    <div>
      <PageHeader title="Settings" />
      <nav aria-label="Settings" className="mb-6 flex flex-wrap gap-1 border-b">
        {TABS.map((t) => (
          <Link key={t.label} href={`/${org}/settings${t.href}`} className="rounded-t-md px-3 py-2 text-sm font-medium text-muted-foreground hover:text-foreground focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring">{t.label}</Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
