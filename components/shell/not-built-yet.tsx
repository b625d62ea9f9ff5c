import { Construction } from "lucide-react";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

/** An honest page for an area that does not exist yet: what it will do, and no made-up data. */
export function NotBuiltYet({ title, summary, planned }: { title: string; summary: string; planned: string[] }) {
  return (
    <div>
      <PageHeader title={title} description={summary} />
      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2 text-base"><Construction className="size-5 text-warning" aria-hidden />Not built yet</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-3 text-sm">
          <p className="text-muted-foreground">This part of Anvil is not available in this version. Nothing on this page is simulated. It is planned to do this:</p>
          <ul className="list-disc space-y-1 pl-5">{planned.map((p) => <li key={p}>{p}</li>)}</ul>
        </CardContent>
      </Card>
    </div>
  );
}
