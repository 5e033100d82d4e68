// Opens a benchmark HTML report (interstice benchmark --html) in the system's headless Chromium and checks its
// charts: one uPlot chart each for tx/s, latency over time and the distribution, every run in each, values on hover,
// zoom by dragging. node report.e2e.mjs <report.html> <runs> <screenshot.png>
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [report, runs, shot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "interstice-report-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1000, height: 1100 },
  offline: true, // the report must need nothing from the network
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(pathToFileURL(resolve(report)).href);
  const charts = page.locator(".uplot");
  await charts.nth(2).waitFor();
  if ((await charts.count()) !== 3) throw new Error(`expected 3 charts, found ${await charts.count()}`);
  const legend = await charts.first().locator(".u-legend .u-series").count();
  if (legend !== Number(runs) + 1) throw new Error(`expected ${runs} runs in the tx/s chart, found ${legend - 1}`);
  // hover: the legend shows the values under the cursor
  const over = charts.first().locator(".u-over");
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const value = await charts.first().locator(".u-legend .u-series").nth(1).locator(".u-value").innerText();
  if (!/tx\/s/.test(value)) throw new Error(`no value on hover: '${value}'`);
  // zoom: drag over the middle third, the x axis' range shrinks
  const span = () => page.evaluate(() => window.intersticeCharts[0].scales.x.max - window.intersticeCharts[0].scales.x.min);
  const before = await span();
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + (2 * box.width) / 3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((b) => window.intersticeCharts[0].scales.x.max - window.intersticeCharts[0].scales.x.min < b / 2, before);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  if (shot) await page.screenshot({ path: shot, fullPage: false });
  console.log("ok");
} catch (e) {
  console.error(`failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
