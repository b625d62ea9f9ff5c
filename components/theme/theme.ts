/** Shared by the pre-paint script and the toggle; kept free of React so both can import it. */
export const THEME_STORAGE_KEY = "anvil-theme";
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

export function parseTheme(value: string | null | undefined): Theme {
  return value === "light" || value === "dark" ? value : "system";
}

/**
 * Inline script for <head>. It must run before first paint to avoid a light flash on dark setups, so it
 * is a plain string (no imports, no bundler helpers) and mirrors `applyTheme` below. Also re-applies on
 * OS theme changes while the preference is "system", and on changes made in other tabs.
 */
export const themeScript = `(function(){try{
var k=${JSON.stringify(THEME_STORAGE_KEY)},d=document.documentElement,m=window.matchMedia("(prefers-color-scheme: dark)");
function a(){var t;try{t=localStorage.getItem(k)}catch(e){}
var dark=t==="dark"||(t!=="light"&&m.matches);
d.classList.toggle("dark",dark);d.style.colorScheme=dark?"dark":"light";d.dataset.theme=t==="light"||t==="dark"?t:"system"}
a();m.addEventListener("change",a);window.addEventListener("storage",function(e){if(e.key===k)a()});
}catch(e){}})();`;

/** Client-side counterpart of the script: persist the choice and update <html> immediately. */
export function applyTheme(theme: Theme): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage can be blocked (privacy mode); the choice still applies for this page view.
  }
  const root = document.documentElement;
  const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
  root.dataset.theme = theme;
}
