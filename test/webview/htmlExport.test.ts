// `export --format html` opened from file:// in real headless Chromium with the network off: the
// timeline draws every span of a recorded trace, hover and click show the embedded code, the
// page's CSP is the panel's with hashes, and a hostile trace (markup and quotes in names, paths
// and source lines) runs nothing and adds no element.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeChunks } from '../../src/cli/export/command';
import { htmlExportChunks, type ViewerAssets } from '../../src/cli/export/html';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import { chromiumPath, HEADLESS_ARGS } from '../../scripts/chromium';
import { StreamBuilder, traceFile } from '../fixtures/traceBuilder';
import { buildCli } from '../tracer/helpers';
import { buildTracer, buildWebview, recordExample, RESULTS, ROOT, tempDir } from './harness';
import type { PageDocument } from './pageGlobals';

declare const document: PageDocument & {
  scripts: { length: number };
  title: string;
  querySelector(s: string): { textContent: string | null } | null;
};
declare const window: {
  __cspViolations: string[];
  __pwned?: unknown;
  cvDebug: { findSpan(q: { type?: string }): { x: number; y: number } | undefined };
};

function modelOf(bytes: Uint8Array): TraceModel {
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return model;
}

/** A page of `file`, offline, with what it requested off file:, its errors and CSP reports. */
async function openExport(
  browser: Browser,
  file: string,
): Promise<{ page: Page; requests: string[]; errors: string[]; dialogs: string[] }> {
  const context = await browser.newContext({
    offline: true,
    acceptDownloads: true,
    viewport: { width: 1100, height: 700 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => {
    if (!/^(file|blob|data):/.test(r.url())) {
      requests.push(r.url());
    }
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') {
      errors.push(m.text());
    }
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript({
    content: `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});`,
  });
  await page.goto(pathToFileURL(file).href);
  return { page, requests, errors, dialogs };
}

async function spansDrawn(page: Page, atLeast: number): Promise<number> {
  await page.waitForFunction(
    (n) => Number(document.getElementById('threads')?.dataset.spans) >= n,
    atLeast,
  );
  return Number(await page.getAttribute('#threads', 'data-spans'));
}

/** Clicks the first span of `type` and returns the details' current code line. */
async function clickSpan(page: Page, type: string): Promise<string> {
  const point = await page.evaluate((t) => window.cvDebug.findSpan({ type: t }), type);
  assert.ok(point, `a ${type} span is drawn`);
  const box = (await page.locator('#threads-canvas').boundingBox())!;
  await page.mouse.move(box.x + point.x, box.y + point.y);
  await page.waitForSelector('#tooltip:not([hidden])');
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForSelector('#details-code .code-line.current');
  return (await page.textContent('#details-code .code-line.current')) ?? '';
}

describe('export --format html in headless Chromium from file://', function () {
  this.timeout(120000);
  let browser: Browser;
  let dir: string;
  let assets: ViewerAssets;

  before(async () => {
    dir = tempDir('cv-html-');
    assets = {
      webviewJs: await buildWebview(dir),
      panelCss: path.join(ROOT, 'media', 'panel.css'),
    };
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: HEADLESS_ARGS,
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('draws every span of a recorded trace offline, with code on hover and click', async () => {
    const tracer = await buildTracer(dir);
    const bytes = await recordExample(tracer, dir, 'timers.js');
    const input = path.join(dir, 'timers.cvtrace');
    fs.writeFileSync(input, bytes);
    const model = modelOf(bytes);
    const out = path.join(dir, 'timers.html');
    await writeChunks(htmlExportChunks(input, model, assets), out);
    const html = fs.readFileSync(out, 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'sha256-[^']+' 'sha256-[^']+';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|nonce-|https?:|\*/);

    const { page, requests, errors, dialogs } = await openExport(browser, out);
    const spans = await spansDrawn(page, model.spanCount);
    assert.equal(spans, model.spanCount);
    assert.equal(await page.getAttribute('#threads', 'data-lanes'), '1');
    assert.equal(await page.textContent('#status'), 'Saved trace: exported');
    assert.equal(await page.textContent('#title'), 'timers.cvtrace');
    const line = await clickSpan(page, 'Timeout');
    assert.match(line, /setTimeout\(/);
    assert.match((await page.textContent('#tooltip')) ?? '', /timers\.js:/);
    await page.screenshot({ path: path.join(RESULTS, 'html-export.png') });
    // Save… downloads the very trace the file embeds.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    assert.equal(download.suggestedFilename(), 'timers.cvtrace');
    const saved = await download.path();
    assert.ok(saved && Buffer.from(bytes).equals(fs.readFileSync(saved)));
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    assert.deepEqual(dialogs, []);
    await page.context().close();
  });

  it('shows the code a trace carries (record --embed-sources) when its file is gone', async () => {
    const work = tempDir('cv-embed-');
    const program = path.join(work, 'gone.js');
    fs.writeFileSync(program, "// first\nsetTimeout(() => console.log('embedded'), 1);\n");
    const input = path.join(work, 'gone.cvtrace');
    const r = spawnSync(
      process.execPath,
      [buildCli(), 'record', '--embed-sources', '--out', input, '--', process.execPath, program],
      { cwd: work, encoding: 'utf8', timeout: 60000 },
    );
    assert.equal(r.status, 0, r.stderr);
    fs.rmSync(program);
    const bytes = fs.readFileSync(input);
    const out = path.join(work, 'gone.html');
    await writeChunks(htmlExportChunks(input, modelOf(bytes), assets), out);
    const { page, errors } = await openExport(browser, out);
    await spansDrawn(page, 1);
    // The export found no file to read: the viewer's own model supplies the lines.
    assert.match(
      await clickSpan(page, 'Timeout'),
      /setTimeout\(\(\) => console\.log\('embedded'\)/,
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('runs nothing from a hostile trace: names, paths and source lines stay text', async () => {
    const evil = `"'<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>\u0001\u2028`;
    // A source file whose path and lines carry markup ('/' splits the path into folders).
    const srcDir = path.join(dir, `</script><script>window.__pwned=3<`);
    fs.mkdirSync(srcDir, { recursive: true });
    const srcFile = path.join(srcDir, `script><img src=x onerror=window.__pwned=4>.js`);
    fs.writeFileSync(
      srcFile,
      ['// line 1', `const a = '</script><script>window.__pwned=5</script>'; // ${evil}`, ''].join(
        '\n',
      ),
    );
    const s = new StreamBuilder(4242, 0, 1 << 16);
    s.thread(1_000_000, evil, { argv: [evil, srcFile] });
    s.string(1, evil);
    s.string(2, srcFile);
    s.location(1, 2, 2, 11);
    s.init(1_000_000, 10, 1, 1, 1);
    s.before(2_000_000, 10);
    s.after(5_000_000, 10);
    s.end(6_000_000, { reason: 'exit', exitCode: 0 });
    s.cut(true);
    const bytes = traceFile(s.frames);
    const input = path.join(dir, `<img src=x onerror=window.__pwned=6>.cvtrace`);
    fs.writeFileSync(input, bytes);
    const out = path.join(dir, 'hostile.html');
    await writeChunks(htmlExportChunks(input, modelOf(bytes), assets), out);

    const { page, requests, errors, dialogs } = await openExport(browser, out);
    assert.equal(await spansDrawn(page, 1), 1);
    const line = await clickSpan(page, evil);
    assert.ok(line.includes(`'</script><script>window.__pwned=5</script>'`), line);
    assert.equal(await page.textContent('#title'), path.basename(input));
    assert.equal(await page.evaluate(() => document.title), `Concurrency: ${path.basename(input)}`);
    // The page's own five blocks (session, sources, trace, host, viewer) and no other.
    assert.equal(await page.evaluate(() => document.scripts.length), 5);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    await page.screenshot({ path: path.join(RESULTS, 'html-export-hostile.png') });
    await page.context().close();
  });
});
