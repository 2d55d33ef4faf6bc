// Makes media/os-threads.png for the README: a recorded trace (argv[2], e.g. a sharp resize
// recorded with `concurrency-visualizer record`) in the real webview of the test harness,
// scrolled to its OS-thread lanes. Run: npx tsx scripts/threads-screenshot.mjs trace.cvtrace
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

// tsx lets this module require the TypeScript test helpers (as CommonJS, their own format).
const require = createRequire(import.meta.url);
const { scratchDir } = require('../test/tracer/helpers.ts');
const { buildWebview, fakeWebviewHost, ROOT, startHarness } = require('../test/webview/harness.ts');

/* global window, document, atob -- used only inside page.evaluate callbacks (browser side) */

const OUT = path.join(ROOT, 'media', 'os-threads.png');

async function main() {
  const file = process.argv[2];
  const bytes = fs.readFileSync(file);
  const webviewJs = await buildWebview(scratchDir('cv-threads-shot-'));
  const harness = await startHarness(webviewJs);
  try {
    const page = await harness.browser.newPage({
      viewport: { width: 1400, height: 900 },
      deviceScaleFactor: 1,
    });
    await page.addInitScript({ content: fakeWebviewHost() });
    await page.goto(harness.url);
    await page.waitForFunction(() => window.__posted.length > 0);
    await page.evaluate(
      ({ title, b64 }) => {
        const chunk = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        window.postMessage(
          {
            type: 'hydrate',
            session: { title, commandLine: `node ${title}` },
            status: { state: 'exited', exitCode: 0 },
            chunks: [chunk],
          },
          '*',
        );
      },
      { title: path.basename(file), b64: Buffer.from(bytes).toString('base64') },
    );
    await page.waitForFunction(() => Number(document.getElementById('threads')?.dataset.spans) > 0);
    await page.waitForTimeout(500); // let the charts finish their first draw
    await page.screenshot({ path: OUT, fullPage: true });
    console.log(`wrote ${path.relative(ROOT, OUT)}`);
  } finally {
    await harness.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
