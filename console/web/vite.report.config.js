import { defineConfig } from "vite";

// The benchmark report's chart bundle (src/report.js): one self-contained script (uPlot and its CSS inside) that the
// CLI inlines into each HTML report, which then opens offline.
export default defineConfig({
  build: {
    outDir: "dist/report",
    emptyOutDir: true,
    lib: { entry: "src/report.js", name: "IntersticeReport", formats: ["iife"], fileName: () => "report.js" },
  },
});
