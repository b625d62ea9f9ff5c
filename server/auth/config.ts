import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { ForbiddenError } from "@/server/errors";
import { signInWithPassword, upsertOAuthUser } from "@/server/tenancy/users";
import { emailSchema } from "@/server/tenancy/validation";
import { loadOrCreateAuthSecret } from "./auth-secret";
import { enabledProviders } from "./providers";

/** Too many failed sign-ins; `code` carries the minutes to wait to the sign-in form. */
export class ThrottledSignIn extends CredentialsSignin {
  constructor(minutes: number) {
    super();
    this.code = `throttled:${minutes}`;
  }
}

/**
 * The address the nearest proxy saw: the last X-Forwarded-For hop (Next sets it to the socket's
 * address when no proxy did). Without a reverse proxy a client can choose it, so the per-account
 * limit is the one that always holds.
 */
function clientAddress(request: Request | undefined): string | null {
  const hops = request?.headers.get("x-forwarded-for")?.split(",").map((h) => h.trim()).filter(Boolean) ?? [];
  return hops.at(-1)?.slice(0, 100) ?? null;
}

function buildProviders(): Provider[] {
  const providers: Provider[] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const email = emailSchema.safeParse(raw?.email);
        if (!email.success || typeof raw?.password !== "string") throw new CredentialsSignin();
        const result = await signInWithPassword(await getDb(), { email: email.data, password: raw.password, address: clientAddress(request) });
        if (result.ok) return result.user;
        throw result.reason === "throttled" ? new ThrottledSignIn(result.minutes) : new CredentialsSignin();
      },
    }),
  ];
  for (const p of enabledProviders(env)) {
    if (p.id === "github") providers.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
    if (p.id === "google") providers.push(Google({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET }));
    if (p.id === "oidc") {
      providers.push({
        id: "oidc", name: p.name, type: "oidc", issuer: env.AUTH_OIDC_ISSUER,
        clientId: env.AUTH_OIDC_ID, clientSecret: env.AUTH_OIDC_SECRET,
      });
    }
  }
  return providers;
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  // Credentials sign-in requires JWT sessions; OAuth users are linked to our users table in signIn.
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  secret: loadOrCreateAuthSecret(env.AUTH_SECRET, env.ANVIL_DATA_DIR),
  trustHost: true,
  pages: { signIn: "/login", error: "/login" },
  providers: buildProviders(),
  callbacks: {
    async signIn({ user, account, profile }) {
      if (!account || account.provider === "credentials") return true;
      const email = emailSchema.safeParse(user.email ?? profile?.email);
      if (!email.success) return false;
      try {
        const stored = await upsertOAuthUser(await getDb(), {
          email: email.data, name: user.name ?? null, image: user.image ?? null,
          provider: account.provider, providerAccountId: account.providerAccountId, type: account.type,
          emailVerified: profile?.email_verified === true,
        });
        user.id = stored.id;
        return true;
      } catch (err) {
        return err instanceof ForbiddenError && err.message.includes("could not be confirmed") ? "/login?error=OAuthAccountNotLinked" : "/login?error=AccessDenied";
      }
    },
    async jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    async session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
