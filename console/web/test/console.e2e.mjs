// Drives the console in the system's headless Chromium (playwright-core, no browser download), as ConsoleBrowserTest
// asks: node console.e2e.mjs <console url> <admin token> <module .wasm to upload> <screenshot dir>.
// From the line "load: start" on, the Java test calls hello.hello in a loop, so the greetings table changes under the
// page being browsed.
// Prints one line per step; exits non-zero with the reason on the first failure.
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, token, wasm, shots] = process.argv.slice(2);
if (!shots) {
  console.error("usage: console.e2e.mjs <url> <token> <wasm> <screenshot dir>");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "interstice-console-chromium-"));
// a fresh profile: persistent contexts take it as userDataDir (playwright refuses --user-data-dir in args)
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1100, height: 720 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const step = (what) => console.log(`step: ${what}`);
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15000);
  page.on("dialog", (d) => d.accept());
  const requests = [];
  page.on("request", (r) => requests.push(r.postData() ?? ""));

  step("a wrong token is refused");
  await page.goto(url);
  await page.fill("#token", "0".repeat(64));
  await page.click("#login button");
  await page.getByTestId("error").waitFor();

  step("log in");
  await page.fill("#token", token);
  await page.screenshot({ path: join(shots, "login.png") });
  await page.click("#login button");
  await page.getByTestId("node-info").waitFor();
  if (requests.some((body) => body.includes(token))) throw new Error("the token was sent in a request body");
  await page.screenshot({ path: join(shots, "node.png") });

  step("modules and a module's schema");
  await page.goto(url + "#/modules");
  await page.locator('[data-module="hello"]').waitFor();
  await page.goto(url + "#/module/hello");
  await page.getByText("get_greetings").waitFor();
  await page.locator('[data-testid="history"] tbody tr').first().waitFor(); // its publication, from the log
  await page.screenshot({ path: join(shots, "module.png"), fullPage: true });

  step("browse a table and see rows change while a load runs");
  await page.goto(url + "#/table/hello/greetings");
  const rows = page.locator('[data-testid="rows"] tbody tr');
  await rows.first().waitFor();
  const before = await page.locator('[data-testid="rows"]').innerText();
  console.log("load: start"); // the Java test starts calling hello.hello now
  await page.waitForFunction(() => /\d+ change\(s\) seen/.test(document.querySelector('[data-testid="live-status"]').textContent));
  await page.waitForFunction((old) => document.querySelector('[data-testid="rows"]').innerText !== old, before);
  await page.screenshot({ path: join(shots, "table.png") });

  step("upload a module");
  await page.goto(url + "#/publish");
  await page.setInputFiles("#wasm", wasm);
  await page.click("#publish button");
  await page.locator('[data-testid="publish-result"] [data-testid="ok"]').waitFor();
  const published = await page.locator('[data-testid="publish-result"]').innerText();
  const module = /published (\S+)/.exec(published)?.[1];
  if (!module) throw new Error(`unexpected publish answer: ${published}`);
  await page.goto(url + "#/modules");
  await page.locator(`[data-module="${module}"]`).waitFor();

  step(`call a reducer of ${module} with a bad argument and see the error`);
  await page.goto(url + `#/module/${module}`);
  const href = await page.locator('a[href*="/reducer/tx_insert_stateful"]').getAttribute("href");
  await page.goto(url + href);
  await page.fill("#arg-client_id", "console");
  await page.fill("#arg-seq", "not-a-number");
  await page.fill("#arg-payload_bytes", "8");
  await page.click("#call button");
  const error = await page.locator('[data-testid="call-result"] [data-testid="error"]').innerText();
  if (!/seq/.test(error)) throw new Error(`the error does not name the argument: ${error}`);
  await page.screenshot({ path: join(shots, "call-error.png") });

  step("the same call with good arguments commits");
  await page.fill("#arg-seq", "1");
  await page.click("#call button");
  await page.locator('[data-testid="call-result"] [data-testid="ok"]').waitFor();

  step("transactions and charts");
  await page.goto(url + "#/log?module=hello");
  await page.locator('[data-testid="log"] tbody tr').first().click();
  await page.screenshot({ path: join(shots, "log.png") });
  await page.goto(url + "#/charts");
  await page.locator('[data-testid="charts"] canvas').first().waitFor();
  await page.waitForTimeout(2500); // two samples on the charts for the screenshot, not an assertion
  await page.screenshot({ path: join(shots, "charts.png") });
  console.log("ok");
} catch (e) {
  console.error(`failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
