// The flight recorder in VS Code (issue #20 item 4), end to end in code-server: with
// concurrencyVisualizer.ringSeconds = 2 in the workspace settings, a server under load (an HTTP
// server calling itself endlessly) is visualized; the panel says it records, "Show the last 2 s
// now" draws the window, the session folder keeps its segments to the window's, Save the Last N
// Seconds writes a .cvtrace that reopens, and Stop shows the final window with its banner.
// While it runs it prints the session folder's size and the extension host's resident memory
// every few seconds: CV_RING_E2E_SECONDS=240 makes it the long run bench/README.md reports.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { RESULTS, extensionLog, runCommand, waitFor } from './harness';
import { LOAD_SERVER, extensionHostPid, rssMB } from './hostInspector';
import { openFile, openWorkbench, panel, saveInDialog, type Workbench } from './workbench';

/** How long the recording runs under load before Stop (the folder is watched all along). */
const WATCH_SECONDS = Number(process.env.CV_RING_E2E_SECONDS || 15);
const PANEL_TAB = 'Concurrency: loadServer.js';

/** Stream files of a session folder: bytes, and the segment numbers of each stream. */
function folderNow(dir: string): { bytes: number; segments: Map<string, number[]> } {
  let bytes = 0;
  const segments = new Map<string, number[]>();
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const m = /^(.+)\.(\d+)\.cvt$/.exec(name);
    if (!m) {
      continue;
    }
    try {
      bytes += fs.statSync(path.join(dir, name)).size;
    } catch {
      continue; // deleted since the listing
    }
    segments.set(m[1], [...(segments.get(m[1]) ?? []), Number(m[2])]);
  }
  return { bytes, segments };
}

/** The little of the DOM panelViews reads (no DOM lib in this project's tsconfig). */
interface Node {
  textContent: string | null;
  getAttribute(name: string): string | null;
  closest(selector: string): Node | null;
}
type Globals = { document: { querySelector(selector: string): Node | null } };

/** What one timeline webview shows: its title, state, spans and flight-recorder line. */
interface PanelView {
  title: string;
  state: string;
  spans: number;
  recording: string;
  banner: string;
}

/**
 * Every timeline webview's view, panels and trace editors alike (two show side by side once
 * Save the Last N Seconds opens its file): one read inside each frame.
 */
async function panelViews(page: Page): Promise<PanelView[]> {
  const views: PanelView[] = [];
  for (const frame of page.frames()) {
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    const view = await frame
      .evaluate(() => {
        const doc = (globalThis as unknown as Globals).document;
        if (!doc.querySelector('#threads-canvas')) {
          return undefined;
        }
        const recording = doc.querySelector('#ring-recording');
        const banner = doc.querySelector('#ring-banner');
        return {
          title: doc.querySelector('#title')?.textContent ?? '',
          state: doc.querySelector('#status')?.getAttribute('data-state') ?? '',
          spans: Number(doc.querySelector('#threads')?.getAttribute('data-spans') ?? NaN),
          recording: recording && !recording.closest('[hidden]') ? recording.textContent : '',
          banner: banner && !banner.closest('[hidden]') ? banner.textContent : '',
        };
      })
      .catch(() => undefined);
    if (view) {
      views.push(view as PanelView);
    }
  }
  return views;
}

/** The view of the webview titled `title` (waits for it to exist). */
async function viewOf(page: Page, title: string): Promise<PanelView> {
  const view = (await panelViews(page)).find((v) => v.title === title);
  if (!view) {
    throw new Error(`no webview titled ${title}`);
  }
  return view;
}

describe('e2e: the flight recorder in VS Code (ringSeconds = 2)', function () {
  let workbench: Workbench | undefined;
  let page: Page;
  let sessionDir = '';
  let capBytes = 0;

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(RESULTS, `e2e-ring-${name}.png`) });
  }

  before(async function () {
    this.timeout(15 * 60 * 1000);
    workbench = await openWorkbench('e2e-ring-console.log', (examples) => {
      fs.mkdirSync(path.join(examples, '.vscode'), { recursive: true });
      fs.writeFileSync(
        path.join(examples, '.vscode', 'settings.json'),
        JSON.stringify({ 'concurrencyVisualizer.ringSeconds': 2 }),
      );
      fs.writeFileSync(path.join(examples, 'loadServer.js'), LOAD_SERVER);
    });
    page = workbench.page;
  });

  after(async function () {
    this.timeout(30000);
    if (workbench && (this.currentTest?.state === 'failed' || process.env.CV_E2E_KEEP)) {
      await screenshot('last').catch(() => undefined);
    }
    await workbench?.close();
  });

  it('a) while the server runs, the panel says it records; "Show the last 2 s now" draws the window', async function () {
    this.timeout(120000);
    await openFile(page, 'loadServer.js');
    await runCommand(page, 'Visualize Concurrency');
    const line = await waitFor(
      'the panel to say it records the last 2 s',
      () => viewOf(page, 'loadServer.js'),
      (b) =>
        /recording the last 2 s · running for \d+ s · [\d.]+ MB on disk of a/.test(b.recording),
      60000,
    );
    capBytes = Number(/of a ([\d.]+) MB cap/.exec(line.recording)?.[1]) * 1024 * 1024;
    assert.ok(capBytes > 0, line.recording);
    assert.equal(line.state, 'running');
    assert.equal(line.spans, 0, 'nothing is drawn before the window is asked for');
    assert.equal(line.banner, '', 'no window yet');
    const run = extensionLog(workbench!.userDataDir)
      .map((l) => / trace in (\S+)$/.exec(l)?.[1])
      .filter((d): d is string => !!d);
    sessionDir = run[run.length - 1];
    assert.ok(sessionDir && fs.existsSync(sessionDir), `session folder ${sessionDir}`);
    // Two windows and more: the first segments are gone by then.
    await waitFor(
      'the recording to have run 5 s',
      () => viewOf(page, 'loadServer.js'),
      (b) => Number(/running for (\d+) s/.exec(b.recording)?.[1]) >= 5,
      60000,
    );
    await panel(page).locator('#ring-show-now').click();
    const shown = await waitFor(
      'the window to be drawn, with its banner, while the program runs',
      () => viewOf(page, 'loadServer.js'),
      // The recording line comes back with the host's next word, right after the window.
      (t) => t.spans > 0 && t.banner !== '' && t.recording !== '',
      30000,
    );
    assert.equal(shown.state, 'running', 'the program runs on');
    assert.match(shown.recording, /recording the last 2 s/, 'and the recording goes on');
    assert.match(
      shown.banner,
      /^Flight recorder: this trace holds the last [\d.]+ s \(a window of 2 s\); everything before [\d.]+ (s|ms) \(since launch\) was discarded$/,
    );
    await screenshot('show-now');
  });

  it(`b) over ${WATCH_SECONDS} s of load the session folder keeps a window's segments, under its cap`, async function () {
    this.timeout(WATCH_SECONDS * 1000 + 60000);
    const hostPid = extensionHostPid(workbench!.server.pid);
    const lines: string[] = [];
    /** [seconds since the watch began, folder MB, extension host RSS MB], one every second. */
    const samples: Array<[number, number, number]> = [];
    let maxBytes = 0;
    let maxSegments = 0;
    const startMs = Date.now();
    let nextPrintMs = startMs;
    await waitFor(
      `${WATCH_SECONDS} s of recording`,
      async () => {
        const now = folderNow(sessionDir);
        maxBytes = Math.max(maxBytes, now.bytes);
        for (const kept of now.segments.values()) {
          maxSegments = Math.max(maxSegments, kept.length);
        }
        const tS = (Date.now() - startMs) / 1000;
        if (samples.length === 0 || tS - samples[samples.length - 1][0] >= 1) {
          samples.push([tS, now.bytes / 1048576, rssMB(hostPid ?? -1)]);
        }
        if (Date.now() >= nextPrintMs) {
          nextPrintMs += 3000;
          lines.push(
            `[ring e2e] t=${Math.round((Date.now() - startMs) / 1000)} s folder ${(now.bytes / 1048576).toFixed(1)} MB in ${[...now.segments.values()].flat().length} segments, extension host RSS ${rssMB(hostPid ?? -1).toFixed(0)} MB`,
          );
          console.log(lines[lines.length - 1]);
        }
        return Date.now() - startMs;
      },
      (elapsedMs) => elapsedMs >= WATCH_SECONDS * 1000,
      WATCH_SECONDS * 1000 + 30000,
    );
    const half = samples.filter(([tS]) => tS >= WATCH_SECONDS / 2);
    const range = (i: 1 | 2): string =>
      `${Math.min(...half.map((x) => x[i])).toFixed(1)}-${Math.max(...half.map((x) => x[i])).toFixed(1)} MB`;
    lines.push(
      `[ring e2e] ${WATCH_SECONDS} s, second half: folder ${range(1)}, extension host RSS ${range(2)} (first sample: ${samples[0][2].toFixed(1)} MB)`,
    );
    console.log(lines[lines.length - 1]);
    fs.writeFileSync(path.join(RESULTS, 'e2e-ring-folder.log'), lines.join('\n') + '\n');
    const end = folderNow(sessionDir);
    assert.ok(
      end.segments.size >= 2,
      `the program.s stream and the sampler.s: ${[...end.segments]}`,
    );
    for (const [stream, kept] of end.segments) {
      // The oldest segments went: the kept ones are a window's, not the run's.
      assert.ok(Math.min(...kept) > 0, `${stream} still holds its first segment: ${kept}`);
    }
    assert.ok(maxSegments <= 6, `a stream held ${maxSegments} segments (at most 6)`);
    assert.ok(maxBytes < capBytes, `the folder reached ${maxBytes} bytes of a ${capBytes} cap`);
  });

  it('c) Save the Last N Seconds writes the window to a .cvtrace that reopens in the trace editor', async function () {
    this.timeout(90000);
    await runCommand(page, 'Save the Last N Seconds (Flight Recorder)');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await waitFor(
      'the dialog to propose a .cvtrace name',
      () => input.inputValue(),
      (v) => v.endsWith('.cvtrace'),
      15000,
    );
    const saved = await saveInDialog(page, path.join(workbench!.examples, 'window.cvtrace'), 8);
    assert.deepEqual([...saved.subarray(0, 4)], [...Buffer.from('CVTR')], 'the file header');
    const reopened = await waitFor(
      'the saved window in the trace editor, with its banner',
      () => viewOf(page, 'window.cvtrace'),
      (t) => t.state === 'replay' && t.spans > 0,
      30000,
    );
    assert.match(reopened.banner, /this trace holds the last [\d.]+ s \(a window of 2 s\)/);
    assert.equal(reopened.recording, '', 'a saved trace records nothing');
    await screenshot('saved-window');
  });

  it('d) Stop shows the final window with the discarded banner', async function () {
    this.timeout(90000);
    await runCommand(page, 'Concurrency Visualizer: Stop Traced Program');
    await page.locator('.tabs-container .tab', { hasText: PANEL_TAB }).first().click();
    const stopped = await waitFor(
      'the panel to show the stopped program with the window',
      () => viewOf(page, 'loadServer.js'),
      (t) => t.state === 'stopped' && t.spans > 0,
      60000,
    );
    assert.equal(stopped.recording, '', 'no longer recording');
    const held = Number(/holds the last ([\d.]+) s/.exec(stopped.banner)?.[1]);
    assert.ok(held >= 1.9 && held <= 3.5, `the window holds ${held} s: ${stopped.banner}`);
    assert.match(stopped.banner, /everything before [\d.]+ s \(since launch\) was discarded/);
    await screenshot('stopped');
  });
});
