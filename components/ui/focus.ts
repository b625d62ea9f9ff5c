/**
 * Shared keyboard-focus treatment. A ring (box-shadow) instead of the base-layer outline so it follows
 * border radius; `outline-hidden` keeps a transparent outline that Windows High Contrast still draws.
 */
export const focusRing =
  "focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background";

/** Focus treatment for text fields, where an offset ring would collide with adjacent labels. */
export const fieldFocusRing =
  "focus-visible:outline-hidden focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40";

/** Invalid state driven by `aria-invalid`, so server-rendered validation errors style fields without JS. */
export const fieldInvalid =
  "aria-invalid:border-destructive aria-invalid:focus-visible:border-destructive aria-invalid:focus-visible:ring-destructive/40";
