import { Anvil, LogOut } from "lucide-react";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { MobileMenu } from "@/components/shell/mobile-menu";
import { OrgSwitcher } from "@/components/shell/org-switcher";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { ThemeToggle } from "@/components/theme/theme-toggle";
import { TrpcReactProvider } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { signOut } from "@/server/auth/config";
import { serverApi } from "@/server/api/rsc";
import { currentUserId } from "@/server/auth/session";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  if (!(await currentUserId())) {
    // Back to the very page that was opened (set by proxy.ts), not just the dashboard.
    const opened = (await headers()).get("x-anvil-path") ?? `/${slug}/dashboard`;
    redirect(`/login?next=${encodeURIComponent(opened)}`);
  }
  const api = await serverApi();
  const orgs = await api.organizations.mine();
  const current = orgs.find((o) => o.slug === slug);
  if (!current) notFound();

  const sidebar = (
    <div className="flex h-full flex-col gap-4 p-4">
      <Link href={`/${slug}/dashboard`} className="flex items-center gap-2 px-1 font-semibold"><Anvil className="size-5 text-primary" aria-hidden />Anvil</Link>
      <OrgSwitcher current={current} orgs={orgs} />
      <SidebarNav org={slug} />
      <div className="mt-auto flex items-center justify-between gap-2">
        <form action={async () => { "use server"; await signOut({ redirectTo: "/login" }); }}>
          <Button type="submit" variant="ghost" size="sm"><LogOut className="size-4" aria-hidden />Sign out</Button>
        </form>
        <ThemeToggle />
      </div>
    </div>
  );

  return (
    <TrpcReactProvider>
      <div className="flex min-h-dvh">
        <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 border-r bg-muted/30 md:block">{sidebar}</aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <MobileMenu title={`Anvil · ${current.name}`}>{sidebar}</MobileMenu>
          <main className="mx-auto w-full max-w-6xl flex-1 p-4 md:p-8">{children}</main>
        </div>
      </div>
    </TrpcReactProvider>
  );
}
