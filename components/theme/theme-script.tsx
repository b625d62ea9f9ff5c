import { themeScript } from "./theme";

/**
 * Render inside <head> of the root layout. The layout's <html> needs `suppressHydrationWarning`, because
 * this script changes its class/style before React hydrates.
 */
export function ThemeScript({ nonce }: { nonce?: string }) {
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />;
}
