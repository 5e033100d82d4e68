// Helper types usable in tables, custom types, reducer/query arguments and query results.

/**
 * An optional value, for value types (`Option<u32>` -> IntersticeType::Option(U32)).
 * Reference types can simply be nullable instead: `string | null`, `MyStruct | null`.
 */
export class Option<T> {
  has: bool = false;
  val: T;

  constructor(has: bool, val: T) {
    this.has = has;
    this.val = val;
  }

  @inline get isSome(): bool {
    return this.has;
  }

  @inline get isNone(): bool {
    return !this.has;
  }

  /** The value; aborts when the option is empty. */
  unwrap(): T {
    if (!this.has) abort("Interstice: unwrap() on an empty Option");
    return this.val;
  }

  unwrapOr(fallback: T): T {
    return this.has ? this.val : fallback;
  }
}

export function some<T>(value: T): Option<T> {
  return new Option<T>(true, value);
}

export function none<T>(): Option<T> {
  // A zeroed instance: has = false, val = 0 / null.
  let size = offsetof<Option<T>>();
  let p = __new(size, idof<Option<T>>());
  memory.fill(p, 0, size);
  return changetype<Option<T>>(p);
}

/** The payload type of unit enum variants (IntersticeValue::Void). */
export class Unit {}

/** Tuples: IntersticeType::Tuple([A, B]) etc. */
export class Tuple2<A, B> {
  constructor(public _0: A, public _1: B) {}
}

export class Tuple3<A, B, C> {
  constructor(public _0: A, public _1: B, public _2: C) {}
}

export class Tuple4<A, B, C, D> {
  constructor(public _0: A, public _1: B, public _2: C, public _3: D) {}
}

/** The outcome of an operation that can fail on the host side (`tryInsert`, typed query calls, ...). */
export class Result<T> {
  ok: bool = false;
  error: string = "";
  private val: T;

  constructor(ok: bool, val: T, error: string) {
    this.ok = ok;
    this.val = val;
    this.error = error;
  }

  /** The value; aborts with the error message when the operation failed. */
  get value(): T {
    if (!this.ok) abort("Interstice: " + this.error);
    return this.val;
  }
}

export function okResult<T>(value: T): Result<T> {
  return new Result<T>(true, value, "");
}

export function errResult<T>(error: string): Result<T> {
  let size = offsetof<Result<T>>();
  let p = __new(size, idof<Result<T>>());
  memory.fill(p, 0, size);
  let r = changetype<Result<T>>(p);
  r.ok = false;
  r.error = error;
  return r;
}
