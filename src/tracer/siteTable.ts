/**
 * Location id per live async id, for inferring sites from the trigger chain: set at every
 * init, read at the next, deleted at destroy. A Map costs tens of ns per operation, three times
 * per async operation; this is a direct-mapped table in one typed array (a few ns), with a Map
 * only for the long-lived entries that a newer id pushed out of their slot. A slot holds the id
 * and its location side by side, so that a lookup touches one cache line. An empty slot is all
 * zeros (id 0, location 0: "none", right for id 0 too), so the table needs no fill at start (a
 * fill of NaN costs ~0.9 ms at every thread's start).
 */
const SLOTS = 1 << 14;
const MASK = SLOTS - 1;

export class SiteTable {
  /** [2 * slot]: the async id held (0: none); [2 * slot + 1]: its location id (0 when empty). */
  private readonly slots = new Float64Array(2 * SLOTS);
  private readonly evicted = new Map<number, number>();

  /** The location id of `asyncId`, or 0. */
  get(asyncId: number): number {
    const i = (asyncId & MASK) << 1;
    if (this.slots[i] === asyncId) {
      return this.slots[i + 1];
    }
    return this.evicted.size === 0 ? 0 : (this.evicted.get(asyncId) ?? 0);
  }

  /** Sets the location id of `asyncId` (not 0). */
  set(asyncId: number, locId: number): void {
    const slots = this.slots;
    const i = (asyncId & MASK) << 1;
    const held = slots[i];
    if (held !== 0 && held !== asyncId) {
      // Still alive after 16384 newer operations: a server, a socket, an interval. It moves.
      this.evicted.set(held, slots[i + 1]);
    }
    slots[i] = asyncId;
    slots[i + 1] = locId;
  }

  /** Forgets `asyncId` (destroyed). */
  delete(asyncId: number): void {
    const i = (asyncId & MASK) << 1;
    if (this.slots[i] === asyncId) {
      this.slots[i] = 0;
      this.slots[i + 1] = 0;
    } else if (this.evicted.size !== 0) {
      this.evicted.delete(asyncId);
    }
  }
}
