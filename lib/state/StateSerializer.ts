import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import { Properties } from '../java/Properties.js';
import { Duration, Time } from '../java/Time.js';
import { Tuple1, Tuple2, Tuple3, Tuple4, Tuple5 } from '../java/Tuple.js';

/**
 * How state values are written to checkpoints: the V8 serialization format (`node:v8` `serialize`), which
 * round-trips primitives, `bigint`, arrays, plain objects, `Map`, `Set`, `Date`, `RegExp`, `Buffer`, typed arrays
 * and cycles, plus a prototype tag for class instances: an instance of a registered class is written as its class
 * name and own fields, and restored with that class's prototype (its constructor is not called, like Java
 * deserialization of a POJO). Functions and symbols cannot be written.
 *
 * Classes must be registered under a name that is stable across processes with {@link registerStateType}
 * (Flink's `ExecutionConfig#registerPojoType` / `registerKryoType` play this role). flink-ts registers its own
 * (`Tuple1`…`Tuple5`, `Time`, `Duration`, `Properties`). An unregistered class is registered by its constructor
 * name the first time it is written (so restarts inside the same process work), but a new process must register
 * it before it restores, or restoring fails with a message naming the class.
 */
const CLASS_TAG = '\u0000flink-ts:class';
const byName = new Map<string, abstract new (...args: never[]) => unknown>();
const byCtor = new Map<unknown, string>();

/**
 * Registers a class whose instances appear in state, so that a checkpoint restored in another process gives
 * them back their prototype. Like Flink `ExecutionConfig#registerPojoType(Class)`.
 * @param type the class
 * @param name a name stable across processes (default: the class name)
 * @example
 * ```ts
 * import { registerStateType } from 'flink-ts';
 * class Average { sum = 0; count = 0; get value() { return this.sum / this.count; } }
 * registerStateType(Average);
 * ```
 * @public
 */
export function registerStateType(type: abstract new (...args: never[]) => unknown, name: string = type.name): void {
  if (!name) throw new TypeError('registerStateType needs a named class or an explicit name.');
  const existing = byName.get(name);
  if (existing && existing !== type) throw new Error(`Another class is already registered for state under the name '${name}'; pass a distinct name.`);
  byName.set(name, type);
  byCtor.set(type, name);
}

for (const c of [Tuple1, Tuple2, Tuple3, Tuple4, Tuple5, Time, Duration, Properties] as unknown as (abstract new () => unknown)[]) registerStateType(c);

function isPlain(proto: unknown): boolean {
  return proto === Object.prototype || proto === null;
}

/** Replaces class instances by tagged plain objects (the V8 format drops prototypes). */
function toWire(v: unknown, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol') throw new TypeError(`State cannot hold a ${typeof v}: ${String(v)}`);
    return v;
  }
  const hit = seen.get(v);
  if (hit !== undefined) return hit;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    seen.set(v, out);
    for (let i = 0; i < v.length; i++) out[i] = toWire(v[i], seen);
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    seen.set(v, out);
    for (const [k, x] of v) out.set(toWire(k, seen), toWire(x, seen));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    seen.set(v, out);
    for (const x of v) out.add(toWire(x, seen));
    return out;
  }
  if (v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  const proto = Object.getPrototypeOf(v);
  const fields: Record<string, unknown> = {};
  let out: unknown = fields;
  if (!isPlain(proto)) {
    const ctor = (proto as { constructor?: abstract new (...args: never[]) => unknown }).constructor;
    let name = byCtor.get(ctor);
    if (name === undefined) {
      if (!ctor?.name || byName.has(ctor.name)) {
        throw new TypeError(`Cannot write an instance of an unnamed or ambiguous class '${ctor?.name ?? '?'}' to state; register it with registerStateType(cls, name).`);
      }
      registerStateType(ctor);
      name = ctor.name;
    }
    out = { [CLASS_TAG]: name, f: fields };
  }
  seen.set(v, out);
  for (const key of Object.keys(v)) fields[key] = toWire((v as Record<string, unknown>)[key], seen);
  return out;
}

/** Restores tagged objects in place (the structure was just deserialized and is ours). */
function fromWire(v: unknown, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const hit = seen.get(v);
  if (hit !== undefined) return hit;
  if (Array.isArray(v)) {
    seen.set(v, v);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = fromWire(x, seen);
    }
    return v;
  }
  if (v instanceof Map) {
    seen.set(v, v);
    const entries = [...v];
    v.clear();
    for (const [k, x] of entries) v.set(fromWire(k, seen), fromWire(x, seen));
    return v;
  }
  if (v instanceof Set) {
    seen.set(v, v);
    const items = [...v];
    v.clear();
    for (const x of items) v.add(fromWire(x, seen));
    return v;
  }
  if (v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  const o = v as Record<string, unknown>;
  const name = o[CLASS_TAG];
  if (typeof name === 'string') {
    const type = byName.get(name);
    if (!type) {
      throw new Error(`State holds an instance of class '${name}', which is not registered in this process: call registerStateType(${name}) before the job starts.`);
    }
    const out = Object.create(type.prototype) as Record<string, unknown>;
    seen.set(v, out);
    const f = o.f as Record<string, unknown>;
    for (const key of Object.keys(f)) out[key] = fromWire(f[key], seen);
    return out;
  }
  seen.set(v, v);
  for (const key of Object.keys(o)) {
    const x = o[key];
    if (x !== null && typeof x === 'object') o[key] = fromWire(x, seen);
  }
  return v;
}

// Primitives (most keys and many values) take a one-byte tag instead of the V8 format, whose output always starts
// with its version tag 0xFF; creating a V8 serializer per value costs more than the value itself.
const T_INT = 1;
const T_DOUBLE = 2;
const T_STRING = 3;
const T_TRUE = 4;
const T_FALSE = 5;
const T_NULL = 6;
const T_UNDEFINED = 7;

/** Serializes a state value (see the rules above); equal primitives give equal bytes (they are store keys). @internal */
export function serializeState(value: unknown): Buffer {
  switch (typeof value) {
    case 'number': {
      if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0)) {
        const b = Buffer.allocUnsafe(5);
        b[0] = T_INT;
        b.writeInt32BE(value, 1);
        return b;
      }
      const b = Buffer.allocUnsafe(9);
      b[0] = T_DOUBLE;
      b.writeDoubleBE(value, 1);
      return b;
    }
    case 'string': {
      const b = Buffer.allocUnsafe(1 + Buffer.byteLength(value));
      b[0] = T_STRING;
      b.write(value, 1, 'utf8');
      return b;
    }
    case 'boolean':
      return Buffer.from([value ? T_TRUE : T_FALSE]);
    case 'undefined':
      return Buffer.from([T_UNDEFINED]);
    case 'object':
      if (value === null) return Buffer.from([T_NULL]);
      return v8Serialize(toWire(value, new Map()));
    default:
      return v8Serialize(toWire(value, new Map()));
  }
}

/** Deserializes what {@link serializeState} wrote. @internal */
export function deserializeState<T = unknown>(bytes: Uint8Array): T {
  switch (bytes[0]) {
    case T_INT:
      return ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) as T;
    case T_DOUBLE:
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readDoubleBE(1) as T;
    case T_STRING:
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8', 1) as T;
    case T_TRUE:
      return true as T;
    case T_FALSE:
      return false as T;
    case T_NULL:
      return null as T;
    case T_UNDEFINED:
      return undefined as T;
  }
  const v = v8Deserialize(bytes);
  return (v === null || typeof v !== 'object' ? v : fromWire(v, new Map())) as T;
}
