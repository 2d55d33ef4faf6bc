/** Ids per page: a page is one Int32Array of this many slots (16 KiB). */
const PAGE_BITS = 12;
const PAGE_IDS = 1 << PAGE_BITS;

/**
 * A map from async ids (integers, negative for promise-hook ids) to row indices, in pages of
 * consecutive ids. A thread's ids are nearly dense and come in increasing (or, for promise-hook
 * ids, decreasing) order, so a million entries fill ~250 pages (4 MB) and a lookup is an index
 * into the page of the previous lookup; a hash table cost 24 MB and, on a slow VM, 0.35 s of a
 * million-span decode in inserts and rehashing. Sparse ids cost at most a page each.
 */
export class IdIndex {
  /** Number of entries. */
  size = 0;
  /** Pages by Math.floor(id / PAGE_IDS); a slot holds row + 1, 0 when empty. */
  private readonly pages = new Map<number, Int32Array>();
  private lastKey = NaN;
  private lastPage: Int32Array | undefined;

  /** The value for `key`, or undefined. */
  get(key: number): number | undefined {
    const pageKey = Math.floor(key / PAGE_IDS);
    let page = this.lastPage;
    if (pageKey !== this.lastKey) {
      page = this.pages.get(pageKey);
      if (page === undefined) {
        return undefined;
      }
      this.lastKey = pageKey;
      this.lastPage = page;
    }
    const slot = page![key - pageKey * PAGE_IDS];
    return slot === 0 || slot === undefined ? undefined : slot - 1;
  }

  /** Sets `key` (an integer) to `value` (a row index, 0 or more). */
  set(key: number, value: number): void {
    const pageKey = Math.floor(key / PAGE_IDS);
    let page = this.lastPage;
    if (pageKey !== this.lastKey) {
      page = this.pages.get(pageKey);
      if (page === undefined) {
        page = new Int32Array(PAGE_IDS);
        this.pages.set(pageKey, page);
      }
      this.lastKey = pageKey;
      this.lastPage = page;
    }
    const i = key - pageKey * PAGE_IDS;
    if (page![i] === 0) {
      this.size++;
    }
    page![i] = value + 1;
  }
}
