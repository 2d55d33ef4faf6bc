/** Growable typed-array columns: bulk data stays in flat typed arrays, never arrays of objects. */

type TypedArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

/** What a model sizes up front and trims when done: any column, typed or id. */
export interface Resizable {
  reserve(capacity: number): void;
  trim(): void;
}

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
      this.grow();
    }
    this.data[this.length] = value;
    return this.length++;
  }

  /** Makes room for `capacity` values in all (no-op if there is). */
  reserve(capacity: number): void {
    if (capacity > this.data.length) {
      const grown = new this.ctor(capacity);
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
  }

  /** Doubles the capacity. */
  protected grow(): void {
    const grown = new this.ctor(Math.max(16, this.data.length * 2));
    grown.set(this.data);
    this.data = grown;
  }

  /** Gives back the unused capacity (a column that is done growing). */
  trim(): void {
    if (this.data.length > this.length) {
      this.data = this.data.slice(0, this.length) as T;
    }
  }
}

// One subclass per element type, each with its own copy of `push`: V8 keeps type feedback
// per function, and a single `push` storing into five kinds of typed array goes megamorphic
// (decoding a million spans spent over a second in it on a slow VM; these take a fifth).

/** A Float64 column. */
class F64Column extends Column<Float64Array> {
  constructor(initialCapacity?: number) {
    super(Float64Array, initialCapacity);
  }
  override push(value: number): number {
    if (this.length === this.data.length) {
      this.grow();
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

/** An Int32 column. */
class I32Column extends Column<Int32Array> {
  constructor(initialCapacity?: number) {
    super(Int32Array, initialCapacity);
  }
  override push(value: number): number {
    if (this.length === this.data.length) {
      this.grow();
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

/** A Uint32 column. */
class U32Column extends Column<Uint32Array> {
  constructor(initialCapacity?: number) {
    super(Uint32Array, initialCapacity);
  }
  override push(value: number): number {
    if (this.length === this.data.length) {
      this.grow();
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

/** A Uint16 column. */
class U16Column extends Column<Uint16Array> {
  constructor(initialCapacity?: number) {
    super(Uint16Array, initialCapacity);
  }
  override push(value: number): number {
    if (this.length === this.data.length) {
      this.grow();
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

/** A Uint8 column. */
class U8Column extends Column<Uint8Array> {
  constructor(initialCapacity?: number) {
    super(Uint8Array, initialCapacity);
  }
  override push(value: number): number {
    if (this.length === this.data.length) {
      this.grow();
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

/** A Float64 column (1024 values at first unless told: per-thread columns start small). */
export const f64 = (initialCapacity?: number): Column<Float64Array> =>
  new F64Column(initialCapacity);
/** An Int32 column. */
export const i32 = (initialCapacity?: number): Column<Int32Array> => new I32Column(initialCapacity);
/** A Uint32 column. */
export const u32 = (initialCapacity?: number): Column<Uint32Array> =>
  new U32Column(initialCapacity);
/** A Uint16 column. */
export const u16 = (initialCapacity?: number): Column<Uint16Array> =>
  new U16Column(initialCapacity);
/** A Uint8 column. */
export const u8 = (initialCapacity?: number): Column<Uint8Array> => new U8Column(initialCapacity);

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

  /** Makes room for `capacity` ids in all (no-op if there is). */
  reserve(capacity: number): void {
    if (capacity > this.data.length) {
      const grown = new (this.data instanceof Int32Array ? Int32Array : Float64Array)(capacity);
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
  }

  /** Gives back the unused capacity. */
  trim(): void {
    if (this.data.length > this.length) {
      this.data = this.data.slice(0, this.length);
    }
  }
}
