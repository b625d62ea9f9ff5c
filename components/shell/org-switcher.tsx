"use client";

import Link from "next/link";
import { Check, ChevronsUpDown, Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";

export interface OrgOption { slug: string; name: string; role: string }

export function OrgSwitcher({ current, orgs }: { current: OrgOption; orgs: OrgOption[] }) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" className="w-full justify-between" aria-label={`Organization: ${current.name}. Switch organization`}>
          <span className="truncate">{current.name}</span>
          <ChevronsUpDown className="size-4 opacity-60" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-56">
        <DropdownMenuLabel>Organizations</DropdownMenuLabel>
        {orgs.map((o) => (
          <DropdownMenuItem key={o.slug} asChild>
            <Link href={`/${o.slug}/dashboard`} className="flex items-center justify-between gap-2">
              <span className="truncate">{o.name}</span>
              <span className="flex items-center gap-1 text-xs text-muted-foreground">{o.role}{o.slug === current.slug ? <Check className="size-4" aria-label="current" /> : null}</span>
            </Link>
          </DropdownMenuItem>
        ))}
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/welcome"><Plus className="size-4" aria-hidden />New organization</Link>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
