/** Growable typed-array columns: bulk data stays in flat typed arrays, never arrays of objects. */

type TypedArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

/** A typed array that doubles its capacity as values are pushed. */
export class Column<T extends TypedArray> {
  /** Backing storage; only indices below `length` are meaningful. */
  data: T;
  /** Number of values pushed. */
  length = 0;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initialCapacity = 1024,
  ) {
    this.data = new ctor(initialCapacity);
  }

  /** Appends a value and returns its index. */
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new this.ctor(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  /** Gives back the unused capacity (a column that is done growing). */
  trim(): void {
    if (this.data.length > this.length) {
      this.data = this.data.slice(0, this.length) as T;
    }
  }
}

/** A Float64 column. */
export const f64 = (): Column<Float64Array> => new Column(Float64Array);
/** An Int32 column. */
export const i32 = (): Column<Int32Array> => new Column(Int32Array);
/** A Uint32 column. */
export const u32 = (): Column<Uint32Array> => new Column(Uint32Array);
/** A Uint16 column. */
export const u16 = (): Column<Uint16Array> => new Column(Uint16Array);
/** A Uint8 column. */
export const u8 = (): Column<Uint8Array> => new Column(Uint8Array);

/**
 * A column of integer ids: Int32 while every id fits (async ids of any trace we can hold do),
 * switching to Float64 the first time one does not. Readers only use `data[i]` and `length`.
 */
export class IdColumn {
  data: Int32Array | Float64Array = new Int32Array(1024);
  length = 0;

  /** Appends an id and returns its index. */
  push(value: number): number {
    let data = this.data;
    if (data instanceof Int32Array && (value | 0) !== value) {
      data = Float64Array.from(data);
    }
    if (this.length === data.length) {
      const grown = new (data instanceof Int32Array ? Int32Array : Float64Array)(data.length * 2);
      grown.set(data);
      data = grown;
    }
    this.data = data;
    data[this.length] = value;
    return this.length++;
  }

  /** Gives back the unused capacity. */
  trim(): void {
    if (this.data.length > this.length) {
      this.data = this.data.slice(0, this.length);
    }
  }
}
