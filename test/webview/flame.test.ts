// The Stacks track (issue #17) in the real panel, in headless Chromium: a program recorded with
// stack sampling shows a flame chart on the shared axis under its 300 ms timer callback; hover
// names the function, its file:line and its time in view; a click posts a jump to its line.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { createSession, withTracerNodeOptions } from '../../src/launch/session';
import { readSessionTrace } from '../../src/launch/tail';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import {
  buildTracer,
  buildWebview,
  closePanel,
  nextFrames,
  openPanel,
  postToPage,
  startHarness,
  tempDir,
  type Harness,
} from './harness';
import type { PageElement, PageWindow } from './pageGlobals';

declare const window: PageWindow & { __posted: Array<{ type: string; position?: unknown }> };
declare const document: {
  getElementById(id: string): (PageElement & { height: number }) | null;
};

const SESSION = { title: 'burn.js', commandLine: 'node burn.js' };
const CANVAS = 'track-stacks-canvas';
/** The track's layout (flameTrack.ts): a label row, then 14 px per depth. */
const LABEL_PX = 16;
const ROW_PX = 14;

const PROGRAM = `function burnCpu(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
setTimeout(() => {
  burnCpu(300);
}, 20);
`;

/** The canvas's pixels at client y `yPx` from client x `x0Px` to `x1Px` (RGBA each). */
async function pixelsAt(page: Page, x0Px: number, x1Px: number, yPx: number): Promise<number[][]> {
  return page.evaluate(
    ({ id, x0Px, x1Px, yPx }) => {
      const canvas = document.getElementById(id)!;
      const rect = canvas.getBoundingClientRect() as unknown as {
        left: number;
        top: number;
        width: number;
      };
      const dpr = canvas.width / rect.width;
      const x0 = Math.floor((x0Px - rect.left) * dpr);
      const x1 = Math.floor((x1Px - rect.left) * dpr);
      const y = Math.floor((yPx - rect.top) * dpr);
      const data = canvas.getContext('2d')!.getImageData(x0, y, x1 - x0 + 1, 1).data;
      const out: number[][] = [];
      for (let i = 0; i < data.length; i += 4) {
        out.push([data[i], data[i + 1], data[i + 2], data[i + 3]]);
      }
      return out;
    },
    { id: CANVAS, x0Px, x1Px, yPx },
  );
}

/** User code is painted warm (orange): red well above blue, on the dark background. */
const warm = ([r, , b]: number[]): boolean => r > 150 && r > b + 60;

/**
 * Whether most of a strip of 41 px centred on (xPx, yPx) is warm. A strip, not a pixel: a
 * sample V8 took without a JS stack leaves a hole in a long box (more of them on a loaded
 * machine), and each piece after a hole carries the name in black from its left edge, so one
 * pixel may fall on a glyph (seen: rgb 92 .. 41 on a flaky run).
 */
async function mostlyWarm(page: Page, xPx: number, yPx: number): Promise<[boolean, string]> {
  const strip = await pixelsAt(page, xPx - 20, xPx + 20, yPx);
  const count = strip.filter(warm).length;
  return [count >= strip.length * 0.6, `${count} of ${strip.length} px warm`];
}

describe('webview: the Stacks track (flame chart)', function () {
  this.timeout(120_000);
  let harness: Harness;
  let page: Page;
  let errors: string[];
  let trace: Uint8Array;
  let file: string;
  const model = new TraceModel();

  before(async () => {
    const out = tempDir('cv-webview-flame-');
    file = path.join(out, 'burn.js');
    fs.writeFileSync(file, PROGRAM);
    const session = createSession(await buildTracer(out), out, { stacks: 1000 });
    const r = spawnSync(process.execPath, [file], {
      env: {
        ...process.env,
        NODE_OPTIONS: withTracerNodeOptions(process.env.NODE_OPTIONS, session.preloadPath),
      },
      stdio: 'ignore',
    });
    assert.equal(r.status, 0);
    trace = readSessionTrace(session.dir);
    new TraceDecoder(model).pushFile(trace);
    harness = await startHarness(await buildWebview(out));
  });

  after(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    errors = [];
    page = await openPanel(harness, errors);
  });

  afterEach(async () => {
    await closePanel(page, errors);
  });

  it('draws burnCpu under the timer callback, hovers its time in view and jumps to its line', async () => {
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'replay' } }, [
      trace,
    ]);
    await page.waitForSelector('[data-track="stacks"]:not([hidden])');
    await nextFrames(page);
    const stacks = model.stacks.of(model.threads[0].stream)!;
    let burn = 0;
    for (let f = 1; f < stacks.frameParent.length; f++) {
      if (stacks.nameOf(f) === 'burnCpu') {
        burn = f;
      }
    }
    assert.ok(burn > 0, 'burnCpu was sampled');
    // The middle of the timer callback, on the shared axis (the Threads track's x).
    const at = await page.evaluate(() => window.cvDebug.findSpan({ type: 'Timeout' }));
    assert.ok(at, 'the Timeout span is drawn');
    const threads = (await page.locator('#threads-canvas').boundingBox())!;
    const canvas = (await page.locator(`#${CANVAS}`).boundingBox())!;
    const xPx = threads.x + at.x;
    const yPx = canvas.y + LABEL_PX + (stacks.frameDepth[burn] - 1) * ROW_PX + ROW_PX / 2;
    // (Polled over a few frames: the track draws on the frame after its data is indexed.)
    let [drawn, seen] = [false, ''];
    for (let tries = 0; tries < 60 && !drawn; tries++) {
      if (tries > 0) {
        await nextFrames(page);
      }
      [drawn, seen] = await mostlyWarm(page, xPx, yPx);
    }
    assert.ok(drawn, `burnCpu's box around (${xPx}, ${yPx}): ${seen}`);
    // Below the deepest frame there is nothing.
    const below = canvas.y + LABEL_PX + stacks.maxDepth * ROW_PX + ROW_PX / 2;
    if (below < canvas.y + canvas.height) {
      const strip = await pixelsAt(page, xPx - 20, xPx + 20, below);
      assert.equal(strip.filter(warm).length, 0, 'no box below the deepest frame');
    }

    await page.mouse.move(xPx, yPx);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = (await page.textContent('#tooltip')) ?? '';
    assert.match(tip, /burnCpu/);
    assert.ok(tip.includes(`${file}:1`), tip);
    const self = /in view: self ([\d.]+) ms/.exec(tip);
    assert.ok(self && Number(self[1]) >= 240, tip);

    // The thread's label row says what sampling costs it, waiting or not.
    await page.mouse.move(xPx, canvas.y + LABEL_PX / 2);
    await page.waitForFunction(() =>
      /wakes this thread every 1 ms/.test(document.getElementById('tooltip')?.textContent ?? ''),
    );

    await page.mouse.click(xPx, yPx);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'jump'));
    const jumps = (await page.evaluate(() =>
      window.__posted.filter((m) => m.type === 'jump'),
    )) as Array<{ position: { file: string; line: number } }>;
    assert.equal(jumps.length, 1);
    assert.equal(jumps[0].position.file, file);
    assert.equal(jumps[0].position.line, 1);

    // The callback's details list its hottest functions, burnCpu first.
    await page.mouse.click(xPx, threads.y + at.y);
    await page.waitForSelector('#details-hot li');
    const first = (await page.textContent('#details-hot li')) ?? '';
    assert.match(first, /^burnCpu \(burn\.js:1\) self [\d.]+ ms/);
  });
});
