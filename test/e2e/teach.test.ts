// Teaching with it, end to end in code-server (#19): Open Lesson on lesson 8 (which has guided
// steps) runs it and its panel turns presenter mode on; the lesson's steps and the step
// buttons move through the callbacks with the editor's highlighted line following; the queues
// panel shows lesson 8's order; Toggle Presenter Mode turns it off live. Screenshots:
// test-results/e2e-teach-*.png (copied to media/ with CV_UPDATE_SCREENSHOT=1).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, RESULTS, runCommand, waitFor } from './harness';
import { decoratedLines, lineOf, openWorkbench, panel, threads, type Workbench } from './workbench';

const LESSON = '08-event-loop-order.js';
const LESSON_FILE = path.join(REPO, 'examples', 'lessons', LESSON);

describe('e2e: teaching with it (presenter mode, steps, queues) in code-server', function () {
  let workbench: Workbench | undefined;
  let page: Page;

  async function screenshot(name: string, readme?: string): Promise<void> {
    const file = path.join(RESULTS, `e2e-teach-${name}.png`);
    await page.screenshot({ path: file });
    if (readme && process.env.CV_UPDATE_SCREENSHOT) {
      fs.copyFileSync(file, path.join(REPO, 'media', readme));
    }
  }

  /**
   * Waits until the lesson file's editor highlights `line` (the panel's hover message), and no
   * longer shows `gone` (a decoration returned before); returns the line's decoration.
   */
  async function editorLights(line: number, gone?: string): Promise<string> {
    const lines = await waitFor(
      `${LESSON}:${line} highlighted in the editor${gone ? ` instead of ${gone}` : ''}`,
      () => decoratedLines(page, LESSON),
      (lines) => lines.some((d) => d.startsWith(`${line}:`)) && (!gone || !lines.includes(gone)),
      15000,
    );
    return lines.find((d) => d.startsWith(`${line}:`))!;
  }

  async function caption(): Promise<string> {
    return (await panel(page).locator('#teach-caption').innerText({ timeout: 5000 })).trim();
  }

  before(async function () {
    this.timeout(15 * 60 * 1000);
    workbench = await openWorkbench('e2e-teach-console.log');
    page = workbench.page;
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  after(async function () {
    this.timeout(30000);
    await workbench?.close();
  });

  it('Open Lesson runs lesson 8 and its panel opens in presenter mode', async function () {
    this.timeout(120000);
    await runCommand(page, 'Concurrency Visualizer: Open Lesson');
    await page.locator('.quick-input-widget input').fill('Who runs first');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Who runs first' })
      .first()
      .click({ timeout: 15000 });
    await waitFor(
      'the lesson 8 panel to show the program exited with spans',
      () => threads(page),
      (t) => t.title === LESSON && t.spans > 0 && t.state === 'exited',
      60000,
    );
    await panel(page).locator('.lesson-nav:not([hidden])').waitFor({ timeout: 15000 });
    const presenter = await panel(page)
      .locator('body')
      .evaluate((body) => body.classList.contains('presenter'));
    assert.equal(presenter, true, 'a lesson with steps opens in presenter mode');
    assert.match(
      await panel(page).locator('#lesson-step').innerText(),
      /8\. Who runs first\?: step 0 \/ 6/,
    );
  });

  it("plays the lesson's steps with the editor line following, and the queues' order", async function () {
    this.timeout(120000);
    const tickLine = lineOf(LESSON_FILE, 'process.nextTick(() =>');
    await panel(page).locator('#lesson-next').click();
    await editorLights(tickLine);
    assert.match(await caption(), /First: process\.nextTick/);
    // The queues at that instant: the rest of the lesson waiting, in turn order.
    const items = await panel(page)
      .locator('#queues .queue-item[data-turn]')
      .evaluateAll((lis) =>
        lis.map((li) => ({
          turn: Number(li.getAttribute('data-turn')),
          line: Number(li.getAttribute('data-line')),
          queue: li.closest('.queue')?.getAttribute('data-queue'),
        })),
      );
    const scheduled = [
      'queueMicrotask(() =>',
      '.then(() =>',
      'await null',
      'setImmediate(() =>',
      'setTimeout(() =>',
    ].map((text) => lineOf(LESSON_FILE, text));
    const waiting = items
      .filter((it) => scheduled.includes(it.line))
      .sort((a, b) => a.turn - b.turn);
    assert.deepEqual(
      waiting.map((it) => it.line),
      scheduled,
      `the waiting callbacks' turns are the printed order: ${JSON.stringify(items)}`,
    );
    assert.deepEqual(
      waiting.map((it) => it.queue),
      ['microtasks', 'microtasks', 'microtasks', 'immediates', 'timers'],
    );
    // The panel's page from its top: the bar, the caption, the queues and the lanes below.
    await panel(page)
      .locator('body')
      .evaluate((body) => body.ownerDocument.scrollingElement?.scrollTo(0, 0));
    await screenshot('lesson8-step1', 'teach-presenter.png');
    await panel(page).locator('#lesson-next').click();
    await editorLights(scheduled[0]);
    // The step buttons: forward, then back, the editor's line following each.
    await panel(page).locator('#step-forward').click();
    const thenLit = await editorLights(scheduled[1]);
    const forward = await caption();
    assert.match(forward, /PROMISE at 08-event-loop-order\.js:\d+ runs on main/);
    await panel(page).locator('#step-back').click();
    await editorLights(scheduled[0], thenLit);
    assert.notEqual(await caption(), forward, 'stepped back');
    assert.match(await caption(), /Microtask at 08-event-loop-order\.js:\d+ runs on main/);
    await screenshot('stepped-back');
  });

  it('replays, and Toggle Presenter Mode turns presenter mode off live', async function () {
    this.timeout(60000);
    await panel(page).locator('#replay-speed').selectOption({ label: '1x real time' });
    await panel(page).locator('#replay-play').click();
    await panel(page).locator('#replay-play', { hasText: 'Play' }).waitFor({ timeout: 15000 }); // back to Play at the trace's end
    await runCommand(page, 'Concurrency Visualizer: Toggle Presenter Mode');
    await waitFor(
      'presenter mode off in the panel',
      () =>
        panel(page)
          .locator('body')
          .evaluate((body) => body.classList.contains('presenter')),
      (on) => !on,
      15000,
    );
    await screenshot('presenter-off');
  });
});
