import { defineConfig } from "vite";

// The page is served by the node from the console jar (classpath console/): relative asset paths, no CDN.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 200 },
});
