// The tracer's table of creation sites per live async id: a direct-mapped array with a Map for
// entries pushed out of their slot. It must answer exactly like a Map.
import * as assert from 'node:assert/strict';
import { SiteTable } from '../../src/tracer/siteTable';

describe('tracer: site table', () => {
  it('answers like a Map through evictions, deletes and ids beyond 32 bits', () => {
    const table = new SiteTable();
    const model = new Map<number, number>();
    // A fresh table is all zeros: every id, 0 included, reads "no site".
    assert.equal(table.get(0), 0);
    assert.equal(table.get(16384), 0);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // A long-lived server (id 1), a million short operations, some living long, big ids too.
    const live: number[] = [];
    const set = (id: number, loc: number): void => {
      table.set(id, loc);
      model.set(id, loc);
      live.push(id);
    };
    set(1, 99);
    for (let id = 2; id < 1_000_000; id++) {
      set(id % 50_000 === 0 ? 2 ** 40 + id : id, 1 + (id % 1000));
      if (live.length > 100 && random(10) < 9) {
        const k = 1 + random(live.length - 1); // never the server
        const victim = live[k];
        live[k] = live[live.length - 1];
        live.pop();
        table.delete(victim);
        model.delete(victim);
      }
    }
    for (let i = 0; i < 20_000; i++) {
      const id = random(1_000_000);
      assert.equal(table.get(id), model.get(id) ?? 0, `id ${id}`);
    }
    for (const id of live.slice(0, 5000)) {
      assert.equal(table.get(id), model.get(id), `live id ${id}`);
    }
    assert.equal(table.get(1), 99, 'the server survived every eviction');
    assert.equal(table.get(2 ** 40 + 50_000), model.get(2 ** 40 + 50_000) ?? 0);
  });
});
