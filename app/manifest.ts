import type { MetadataRoute } from "next";

/** Lets people add Anvil to a phone's home screen with its own icon and name. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Anvil",
    short_name: "Anvil",
    description: "Train, serve, simulate and track machine-learning models.",
    start_url: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#4f46e5",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
}
