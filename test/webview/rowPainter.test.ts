// The row painter's zoomed-out path: groups of spans narrower than a pixel or two are painted
// as units (their speed is the viewer benchmark's business). It must cover the same pixels as
// painting span by span, and change nothing once spans are wider than a pixel. Runs in Node
// with a recording context.
import * as assert from 'node:assert/strict';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import { RowPainter } from '../../webview-ui/timeline/rowPainter';
import { GROUP_SPANS, SpanIndex } from '../../webview-ui/timeline/spanIndex';
import { TimeScale } from '../../webview-ui/timeline/timeScale';
import type { Theme } from '../../webview-ui/theme';
import { syntheticTrace } from '../fixtures/traces';

/** A 2D context that records the rectangles filled, nothing else. */
function recordingContext(): { ctx: CanvasRenderingContext2D; rects: number[][] } {
  const rects: number[][] = [];
  const ctx = {
    fillStyle: '',
    fillRect: (x: number, y: number, w: number, h: number) => rects.push([x, y, w, h]),
    strokeRect: () => undefined,
    fillText: () => undefined,
    measureText: () => ({ width: 10 }),
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, rects };
}

/** Pixel columns covered by rectangles. */
function columns(rects: number[][]): Set<number> {
  const covered = new Set<number>();
  for (const [x, , w] of rects) {
    for (let px = Math.floor(x); px < Math.ceil(x + w); px++) {
      covered.add(px);
    }
  }
  return covered;
}

const theme = { kinds: Array(16).fill('#336699'), kindText: Array(16).fill('#ffffff') } as Theme;

describe('webview: row painter (zoomed-out groups)', () => {
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(syntheticTrace(1, 40_000));
  const index = new SpanIndex(model);
  index.update();
  const row = index.lanesOf(0)[0];
  // The same index without its groups: the span-by-span path.
  const plain = Object.assign(Object.create(SpanIndex.prototype) as SpanIndex, index, {
    groupsOf: () => undefined,
  });

  before(() => {
    // The pixel strip needs a DOM canvas; without one the painter falls back to rectangles,
    // which is what this test records.
    (globalThis as { document?: unknown }).document ??= {
      createElement: () => ({ getContext: () => null }),
    };
  });

  function paint(ix: SpanIndex, scale: TimeScale): { rects: number[][] } {
    const { ctx, rects } = recordingContext();
    const painter = new RowPainter();
    painter.begin();
    painter.paint(ctx, model, ix, row, scale, scale.startPx, scale.endPx, 0, 14, theme, false);
    return { rects };
  }

  it('groups every finished run of spans, and no open span', () => {
    const groups = index.groupsOf(row)!;
    assert.equal(groups.endNs.length, Math.floor(row.length / GROUP_SPANS));
    // Group g ends where its last span ends and starts where its first span starts.
    const g = 7;
    const last = row.data[(g + 1) * GROUP_SPANS - 1];
    assert.equal(groups.endNs.data[g], model.spanEndNs.data[last]);
    assert.equal(groups.startNs.data[g], model.spanStartNs.data[row.data[g * GROUP_SPANS]]);
  });

  it('covers the same pixels as painting span by span', () => {
    // ~36k top-level spans over 1000 px: about 36 a pixel.
    const scale = new TimeScale(model.startNs, model.endNs, 100, 1100);
    const grouped = paint(index, scale);
    const spanBySpan = paint(plain, scale);
    const a = columns(grouped.rects);
    const b = columns(spanBySpan.rects);
    const missing = [...b].filter((px) => !a.has(px));
    const extra = [...a].filter((px) => !b.has(px));
    assert.ok(missing.length <= 2, `pixels lost by grouping: ${missing.join(', ')}`);
    assert.ok(extra.length <= 2, `pixels added by grouping: ${extra.join(', ')}`);
    assert.ok(b.size > 900, `the row is busy across the view (${b.size} px)`);
  });

  it('paints exactly as span by span once spans are wider than a pixel', () => {
    // 200 µs over 1000 px: 5 px per µs, spans of 4 µs are 20 px wide.
    const from = model.spanStartNs.data[row.data[5000]];
    const scale = new TimeScale(from, from + 200_000, 100, 1100);
    assert.deepEqual(paint(index, scale).rects, paint(plain, scale).rects);
  });
});
