"use client";

import { Monitor, Moon, Sun } from "lucide-react";
import { useSyncExternalStore } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { applyTheme, parseTheme, type Theme } from "./theme";

const NEXT: Record<Theme, Theme> = { light: "dark", dark: "system", system: "light" };
const LABEL: Record<Theme, string> = { light: "Light", dark: "Dark", system: "System" };
const ICON = { light: Sun, dark: Moon, system: Monitor } satisfies Record<Theme, unknown>;

// The script in <head> records the active preference on <html data-theme>; observing that attribute keeps
// every toggle on the page (and changes from other tabs, which the script applies) in sync.
function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}
const getSnapshot = (): Theme => parseTheme(document.documentElement.dataset.theme);
// The server cannot know the stored preference; hydrate as "system" and correct right after.
const getServerSnapshot = (): Theme => "system";

export type ThemeToggleProps = Omit<ButtonProps, "onClick" | "children" | "asChild">;

/** Icon button cycling Light → Dark → System. The label names the current theme and the next one. */
export function ThemeToggle({ variant = "ghost", size = "icon", ...props }: ThemeToggleProps) {
  const theme = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  const next = NEXT[theme];
  const Icon = ICON[theme];
  const label = `Theme: ${LABEL[theme]}. Switch to ${LABEL[next]}`;
  return (
    <Button variant={variant} size={size} aria-label={label} title={label} onClick={() => applyTheme(next)} {...props}>
      <Icon aria-hidden />
    </Button>
  );
}
