import type { ReactNode } from "react";
import { Anvil } from "lucide-react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 bg-muted/40 p-4">
      <div className="flex items-center gap-2 text-lg font-semibold">
        <Anvil className="size-6 text-primary" aria-hidden />
        Anvil
      </div>
      <div className="w-full max-w-sm">{children}</div>
    </main>
  );
}
