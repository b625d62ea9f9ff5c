import { signIn } from "@/server/auth/config";
import type { ProviderInfo } from "@/server/auth/providers";
import { Button } from "@/components/ui/button";
import { Separator } from "@/components/ui/separator";

/** One form per provider: a plain POST through a server action, so it works without JavaScript. */
export function OAuthButtons({ providers, next }: { providers: ProviderInfo[]; next: string }) {
  return (
    <div className="flex flex-col gap-3">
      <div className="flex items-center gap-3 text-xs text-muted-foreground"><Separator className="flex-1" />or<Separator className="flex-1" /></div>
      {providers.map((p) => (
        <form key={p.id} action={async () => { "use server"; await signIn(p.id, { redirectTo: next }); }}>
          <Button type="submit" variant="outline" className="w-full">Continue with {p.name}</Button>
        </form>
      ))}
    </div>
  );
}
