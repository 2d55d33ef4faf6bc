/** Ids per page: a page is one Int32Array of this many slots (16 KiB). */
const PAGE_BITS = 12;
const PAGE_IDS = 1 << PAGE_BITS;
/**
 * Ids of one page held in the hash map before the page is made: at 256 a page costs 64 bytes
 * per id, about what the map's entries cost, so memory stays proportional to the ids however
 * they are spaced (a file of ids 4096 apart made a 16 KiB page per id: 1.66 GB from 1 MB).
 */
const PAGE_MIN_IDS = 256;

/**
 * A map from async ids (integers, negative for promise-hook ids) to row indices, in pages of
 * consecutive ids. A thread's ids are nearly dense and come in increasing (or, for promise-hook
 * ids, decreasing) order, so a million entries fill ~250 pages (4 MB) and a lookup is an index
 * into the page of the previous lookup; a hash table cost 24 MB and, on a slow VM, 0.35 s of a
 * million-span decode in inserts and rehashing. Ids of a page that has few go to a hash map
 * until it has PAGE_MIN_IDS, so sparse ids cost a map entry each, never a page each.
 */
export class IdIndex {
  /** Number of entries. */
  size = 0;
  /** Pages by Math.floor(id / PAGE_IDS); a slot holds row + 1, 0 when empty. */
  private readonly pages = new Map<number, Int32Array>();
  /** Ids of pages not made yet, to their rows (made on first use: a thread may have none). */
  private sparse: Map<number, number> | undefined;
  /** How many ids each page not made yet holds in `sparse`. */
  private sparseCount: Map<number, number> | undefined;
  private lastKey = NaN;
  private lastPage: Int32Array | undefined;
  /** The made page `set` wrote last, and how many sets it took in a row (see setSparse). */
  private fillKey = NaN;
  private fillCount = 0;

  /** Int32 slots allocated in pages (for memory bounds: 4 bytes each). */
  get pageSlots(): number {
    return this.pages.size * PAGE_IDS;
  }

  /** The value for `key`, or undefined. */
  get(key: number): number | undefined {
    // The page of the last lookup first, small enough for V8 to inline into the model's hot
    // paths (a call per lookup was 4% of a 10M-span first paint).
    const pageKey = Math.floor(key / PAGE_IDS);
    if (pageKey === this.lastKey) {
      const slot = this.lastPage![key - pageKey * PAGE_IDS];
      return slot === 0 || slot === undefined ? undefined : slot - 1;
    }
    return this.getElsewhere(key, pageKey);
  }

  /** get() of a key outside the last page used. */
  private getElsewhere(key: number, pageKey: number): number | undefined {
    const page = this.pages.get(pageKey);
    if (page === undefined) {
      return this.sparse?.get(key);
    }
    this.lastKey = pageKey;
    this.lastPage = page;
    const slot = page[key - pageKey * PAGE_IDS];
    return slot === 0 || slot === undefined ? undefined : slot - 1;
  }

  /** Sets `key` (an integer) to `value` (a row index, 0 or more). */
  set(key: number, value: number): void {
    const pageKey = Math.floor(key / PAGE_IDS);
    if (pageKey !== this.lastKey) {
      const page = this.pages.get(pageKey) ?? this.setSparse(pageKey, key, value);
      if (page === undefined) {
        return;
      }
      this.lastKey = pageKey;
      this.lastPage = page;
    }
    const page = this.lastPage!;
    const i = key - pageKey * PAGE_IDS;
    if (page[i] === 0) {
      this.counted(pageKey);
    }
    page[i] = value + 1;
  }

  /** A new id in made page `pageKey`: counts it, and the new ids in a row on that page. */
  private counted(pageKey: number): void {
    this.size++;
    // New ids only: setting one id again and again earns no page.
    if (pageKey === this.fillKey) {
      this.fillCount++;
    } else {
      this.fillKey = pageKey;
      this.fillCount = 1;
    }
  }

  /** Sets a key of a page not made yet; makes the page (and returns it) once it has enough. */
  private setSparse(pageKey: number, key: number, value: number): Int32Array | undefined {
    if (Math.abs(pageKey - this.fillKey) === 1 && this.fillCount >= PAGE_MIN_IDS) {
      // Ids running on densely from the page next to it (a thread's ids rise, a promise's
      // fall): the page is made at once, not after PAGE_MIN_IDS map entries. It took as many
      // new ids in a row as a sparse page needs, so memory stays proportional to the ids.
      return this.makePage(pageKey);
    }
    const sparse = (this.sparse ??= new Map());
    const sparseCount = (this.sparseCount ??= new Map());
    if (!sparse.has(key)) {
      const n = (sparseCount.get(pageKey) ?? 0) + 1;
      if (n < PAGE_MIN_IDS) {
        sparseCount.set(pageKey, n);
        sparse.set(key, value);
        this.size++;
        return undefined;
      }
    } else {
      sparse.set(key, value);
      return undefined;
    }
    return this.makePage(pageKey);
  }

  /** Makes page `pageKey`, moving its ids from the map (set() then adds the new key). */
  private makePage(pageKey: number): Int32Array {
    const page = new Int32Array(PAGE_IDS);
    const sparse = this.sparse;
    if (sparse === undefined || sparse.size === 0) {
      this.pages.set(pageKey, page);
      return page;
    }
    const sparseCount = this.sparseCount!;
    if (!sparseCount.has(pageKey)) {
      this.pages.set(pageKey, page);
      return page;
    }
    const base = pageKey * PAGE_IDS;
    if (sparse.size < PAGE_IDS) {
      // Dense ids: the map holds little more than this page's, so walk the map.
      for (const [id, row] of sparse) {
        if (id >= base && id < base + PAGE_IDS) {
          page[id - base] = row + 1;
          sparse.delete(id);
        }
      }
    } else {
      for (let i = 0; i < PAGE_IDS; i++) {
        const row = sparse.get(base + i);
        if (row !== undefined) {
          page[i] = row + 1;
          sparse.delete(base + i);
        }
      }
    }
    sparseCount.delete(pageKey);
    this.pages.set(pageKey, page);
    return page;
  }
}
