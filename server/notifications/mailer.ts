import nodemailer from "nodemailer";
import { env } from "@/server/env";

export interface Mail { to: string; subject: string; text: string }
export interface Mailer { send(mail: Mail): Promise<void> }

/**
 * E-mail through the SMTP server in ANVIL_SMTP_URL (`smtp://user:pass@host:587`, `smtps://…`
 * for TLS from the first byte), from ANVIL_SMTP_FROM. Null when not configured: then people copy
 * links by hand, which always works.
 */
export function configuredMailer(url = env.ANVIL_SMTP_URL, sender = env.ANVIL_SMTP_FROM): Mailer | null {
  if (!url) return null;
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  const transport = nodemailer.createTransport({
    host: u.hostname, port: Number(u.port) || (secure ? 465 : 587), secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    // Seconds, not nodemailer's default minutes: an admin waits for this while inviting someone.
    connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000,
  });
  const from = sender ?? "Anvil <anvil@localhost>";
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

/** The link people get, on this server's public address (ANVIL_URL). */
export function publicUrl(pathname: string): string {
  return new URL(pathname, env.ANVIL_URL ?? `http://127.0.0.1:${env.PORT}`).toString();
}
