"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

/** An invitation link with this server's address in front, and a button that copies it. */
export function InvitationLink({ path }: { path: string }) {
  const [origin, setOrigin] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setOrigin(window.location.origin), []);
  const url = `${origin}${path}`;
  return (
    <div className="flex items-center gap-2">
      <code data-testid="invitation-link" className="min-w-0 flex-1 break-all rounded bg-background p-2 font-mono text-xs select-all">{url}</code>
      <Button type="button" size="sm" variant="outline" onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true))} aria-label="Copy the invitation link">
        {copied ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}{copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}
