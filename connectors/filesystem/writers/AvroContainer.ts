import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import avro from 'avsc';
import type { PartFileOutput } from '../internal/PartFileOutput.js';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1

/** Avro `long` (zig-zag varint) for safe integers. */
function encodeLong(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes: number[] = [];
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return Buffer.from(bytes);
}
const encodeBytes = (b: Buffer) => Buffer.concat([encodeLong(b.length), b]);

/** An Avro schema: a JSON string (what Flink's `new Schema.Parser().parse(...)` reads), a schema object, or an avsc `Type`. @public */
export type AvroSchemaLike = string | object;

/** Options of Avro container files. @public */
export interface AvroContainerOptions {
  /** `null` (default) or `deflate`, like Avro's `CodecFactory`. */
  codec?: 'null' | 'deflate';
  /** Bytes of serialized records per block before a block is written; Avro's `DataFileWriter` default is 64 000. */
  syncInterval?: number;
}

/**
 * Writes an Avro object container file (header with schema and sync marker, then blocks), like Avro's
 * `DataFileWriter`. `flushBlock` ends the current block, so the file is readable up to there: the point checkpoints
 * record. Records are serialized with avsc.
 * @internal
 */
export class AvroContainerEncoder {
  private readonly type: avro.Type;
  private readonly sync = randomBytes(16);
  private block: Buffer[] = [];
  private blockBytes = 0;
  private readonly codec: 'null' | 'deflate';
  private readonly syncInterval: number;
  constructor(
    readonly schema: AvroSchemaLike,
    options: AvroContainerOptions = {},
  ) {
    this.type = avro.Type.isType(schema) ? (schema as avro.Type) : avro.Type.forSchema((typeof schema === 'string' ? JSON.parse(schema) : schema) as avro.Schema);
    this.codec = options.codec ?? 'null';
    if (this.codec !== 'null' && this.codec !== 'deflate') throw new Error(`Unsupported Avro codec '${String(this.codec)}' (null or deflate)`);
    this.syncInterval = options.syncInterval ?? 64_000;
  }

  writeHeader(out: PartFileOutput): void {
    const meta: [string, Buffer][] = [
      ['avro.schema', Buffer.from(JSON.stringify(this.type.schema()))],
      ['avro.codec', Buffer.from(this.codec)],
    ];
    out.write(MAGIC);
    out.write(encodeLong(meta.length));
    for (const [k, v] of meta) {
      out.write(encodeBytes(Buffer.from(k)));
      out.write(encodeBytes(v));
    }
    out.write(encodeLong(0));
    out.write(this.sync);
  }

  append(out: PartFileOutput, record: unknown): void {
    let buf: Buffer;
    try {
      buf = this.type.toBuffer(record);
    } catch (e) {
      throw new Error(`Record does not match the Avro schema ${this.type.name ?? this.type.typeName}: ${(e as Error).message}`, { cause: e });
    }
    this.block.push(buf);
    this.blockBytes += buf.length;
    if (this.blockBytes >= this.syncInterval) this.flushBlock(out);
  }

  flushBlock(out: PartFileOutput): void {
    if (this.block.length === 0) return;
    let data = Buffer.concat(this.block, this.blockBytes);
    if (this.codec === 'deflate') data = deflateRawSync(data);
    out.write(encodeLong(this.block.length));
    out.write(encodeLong(data.length));
    out.write(data);
    out.write(this.sync);
    this.block = [];
    this.blockBytes = 0;
  }

  /** Bytes buffered in the open block. */
  pendingBytes(): number {
    return this.blockBytes;
  }
}
