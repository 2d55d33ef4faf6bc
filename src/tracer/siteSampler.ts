/**
 * Call-site sampling: the creation site of each new operation without a stack capture per
 * operation. A stack costs microseconds, so it is captured for the first hits of each (type,
 * trigger site) key and a sample after; the rest take the key's site, flagged inferred. A key
 * whose sampled sites disagree is refined by the site of the code running (or captured every
 * time), except for promises and ticks: too many to capture each (Node's streams make dozens
 * per request), their sites stay a sample.
 */
import { executionAsyncId } from 'node:async_hooks';
import { captureUserSite, sourceMapped } from './callsite';
import type { SiteTable } from './siteTable';
import type { FrameWriter } from './writer';

/** Call sites: capture the first hits of a key for real, then at each power of two, then one
 * in this many (a power of 2). */
const SITE_FIRST_HITS = 4;
const SITE_SAMPLE_EVERY = 1024;

/** The first `h >= hits` such that the `h`-th creation of a call-site key (counted from 0)
 * captures a real stack: the first hits, then each power of two and each multiple of
 * SITE_SAMPLE_EVERY. */
function nextSampleHit(hits: number): number {
  if (hits < SITE_FIRST_HITS) {
    return hits;
  }
  let pow2 = SITE_FIRST_HITS;
  while (pow2 < hits) {
    pow2 *= 2;
  }
  return Math.min(pow2, Math.ceil(hits / SITE_SAMPLE_EVERY) * SITE_SAMPLE_EVERY);
}

/** What the call-site cache knows of one (type, trigger site) key. */
export interface SiteKey {
  /** Operations made under this key so far. */
  hits: number;
  /** The key's site (not flagged inferred), 0 for none. */
  base: number;
  /** `base` flagged inferred: what an operation gets between two samples. */
  inferred: number;
  /** While `hits` is below this, operations take `inferred`; at it, a stack is captured.
   * 0 for a varying key: it never takes the shortcut. */
  nextSample: number;
  /** Sampled captures disagreed: refine by the running code's site (or, there, capture always). */
  varies: boolean;
  /** For a varying (type, trigger site) key: entries per site of the code running. */
  byExec?: Map<number, SiteKey>;
}

/** What the call-site sampler of a thread reads. */
export interface SiteSamplerOptions {
  writer: FrameWriter;
  /** Location id per live asyncId: the site of the code running, for varying keys. */
  siteOf: SiteTable;
  /** The tracer's own file: its frames are never a site. */
  tracerFile: string;
  /** Skip frames in node_modules when user code called in. */
  skipNodeModules: boolean;
  /** Types whose sites are only ever sampled (promises, ticks, microtasks). */
  sampledOnly: ReadonlySet<number>;
}

/** The call-site sampler of one thread (see callSiteSampler). */
export interface CallSiteSampler {
  /** The entry of a (type, trigger site) key, if an operation was made under it. */
  find(typeId: number, triggerLoc: number): SiteKey | undefined;
  /**
   * The creation site (a location id of the thread's stream) of a new operation of `typeId`
   * whose trigger was created at `triggerLoc`, under its key's `entry` (undefined for a new
   * key): the key's site between two samples, else a stack captured now.
   */
  site(entry: SiteKey | undefined, typeId: number, triggerLoc: number): number;
}

/**
 * The call-site sampler of one thread. The tracer keeps the memo of the last key beside its
 * init hook, whose fast path reads it inline (see index.ts): the rest is here, as closures
 * over this function's variables (the hooks call them with their state in a known context).
 */
export function callSiteSampler(options: SiteSamplerOptions): CallSiteSampler {
  const { writer, siteOf, tracerFile, skipNodeModules, sampledOnly } = options;
  /** Site cache per (type, site of the trigger) key. */
  const siteCache: Array<Map<number, SiteKey> | undefined> = [];
  /** Source-mapped location id per generated position. */
  const mappedLoc = new Map<string, number>();

  /** The location id of the first user frame on the stack now, source-mapped; 0 for none. */
  const capture = (): number => {
    const site = captureUserSite(tracerFile, skipNodeModules);
    if (!site) {
      return 0;
    }
    const key = `${site.line}:${site.column}:${site.file}`;
    let id = mappedLoc.get(key);
    if (id === undefined) {
      const s = sourceMapped(site);
      id = writer.locationId(s.file, s.line, s.column, false);
      mappedLoc.set(key, id);
    }
    return id;
  };

  const find = (typeId: number, triggerLoc: number): SiteKey | undefined =>
    siteCache[typeId]?.get(triggerLoc);

  const site = (entry: SiteKey | undefined, typeId: number, triggerLoc: number): number => {
    if (entry !== undefined && entry.varies) {
      // Sites under this trigger differ: tell them apart by the site of the code running now
      // (a server's and a client's callbacks make the same internal timers from other lines).
      const execLoc = siteOf.get(executionAsyncId());
      const byExec = (entry.byExec ??= new Map());
      let refined = byExec.get(execLoc);
      if (refined === undefined) {
        refined = { hits: 0, base: -1, inferred: 0, nextSample: 0, varies: false };
        byExec.set(execLoc, refined);
      }
      entry = refined;
    }
    if (entry !== undefined && entry.hits < entry.nextSample) {
      entry.hits++;
      return entry.inferred;
    }
    let locId = capture();
    if (locId === 0 && triggerLoc !== 0) {
      // Created by Node between callbacks (no user frame): the trigger's site.
      locId = writer.inferredLocationId(triggerLoc);
    }
    const base = writer.baseLocationId(locId);
    const inferred = writer.inferredLocationId(base);
    if (entry === undefined) {
      (siteCache[typeId] ??= new Map()).set(triggerLoc, {
        hits: 1,
        base,
        inferred,
        nextSample: nextSampleHit(1),
        varies: false,
      });
    } else {
      if (entry.hits > 0 && base !== entry.base) {
        entry.varies = !sampledOnly.has(typeId);
      }
      entry.hits++;
      entry.base = base;
      entry.inferred = inferred;
      // A varying key never takes the fast path again.
      entry.nextSample = entry.varies ? 0 : nextSampleHit(entry.hits);
    }
    return locId;
  };
  return { find, site };
}
