/**
 * Location id per live async id, for inferring sites from the trigger chain: set at every
 * init, read at the next, deleted at destroy. A Map costs tens of ns per operation, three times
 * per async operation; this is a direct-mapped table of typed arrays (a few ns), with a Map only
 * for the long-lived entries that a newer id pushed out of their slot.
 */
const SLOTS = 1 << 14;
const MASK = SLOTS - 1;

export class SiteTable {
  private readonly ids = new Float64Array(SLOTS).fill(NaN);
  private readonly locs = new Int32Array(SLOTS);
  private readonly evicted = new Map<number, number>();

  /** The location id of `asyncId`, or 0. */
  get(asyncId: number): number {
    const slot = asyncId & MASK;
    if (this.ids[slot] === asyncId) {
      return this.locs[slot];
    }
    return this.evicted.size === 0 ? 0 : (this.evicted.get(asyncId) ?? 0);
  }

  /** Sets the location id of `asyncId` (not 0). */
  set(asyncId: number, locId: number): void {
    const slot = asyncId & MASK;
    const held = this.ids[slot];
    if (held === held && held !== asyncId) {
      // Still alive after 16384 newer operations: a server, a socket, an interval. It moves.
      this.evicted.set(held, this.locs[slot]);
    }
    this.ids[slot] = asyncId;
    this.locs[slot] = locId;
  }

  /** Forgets `asyncId` (destroyed). */
  delete(asyncId: number): void {
    const slot = asyncId & MASK;
    if (this.ids[slot] === asyncId) {
      this.ids[slot] = NaN;
    } else if (this.evicted.size !== 0) {
      this.evicted.delete(asyncId);
    }
  }
}
