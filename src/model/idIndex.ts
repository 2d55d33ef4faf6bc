/**
 * A map from async ids (integers, negative for promise-hook ids) to row indices, as an
 * open-addressing hash table in typed arrays: a million entries cost 24 MB and no garbage,
 * where a Map costs several times that and slows decoding down with rehashes and GC.
 */
export class IdIndex {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  /** Number of entries. */
  size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) {
      capacity *= 2;
    }
    this.keys = new Float64Array(capacity).fill(NaN);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(key: number): number {
    // Ids are integers; mix the low and high 32 bits.
    const h = Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The value for `key`, or undefined. */
  get(key: number): number | undefined {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) {
        return this.values[i];
      }
      if (k !== k) {
        return undefined; // NaN: an empty slot ends the probe
      }
    }
  }

  /** Sets `key` to `value`. */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) {
      this.grow();
    }
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (k !== k) {
        keys[i] = key;
        this.values[i] = value;
        this.size++;
        return;
      }
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(NaN);
    this.values = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] === oldKeys[i]) {
        this.set(oldKeys[i], oldValues[i]);
      }
    }
  }
}
