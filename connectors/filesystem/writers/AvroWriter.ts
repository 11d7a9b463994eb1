import { AvroContainerEncoder, type AvroContainerOptions, type AvroSchemaLike } from './AvroContainer.js';
import { StreamWriterBase, type Writer } from './Writer.js';

/**
 * Writes records into Avro object container files for a {@link BucketingSink}, like Flink's `AvroKeyValueSinkWriter`
 * but for whole records (any Avro schema; `{key, value}` records give the key-value layout). Every `flush` (each
 * checkpoint) ends a block, so a file cut at the checkpointed length is a valid Avro file.
 * @example
 * ```ts
 * import { AvroWriter, BucketingSink } from 'flink-ts/connectors/filesystem';
 * const schema = { type: 'record', name: 'Event', fields: [{ name: 'id', type: 'long' }] };
 * const sink = new BucketingSink<{ id: number }>('/tmp/avro').setWriter(new AvroWriter(schema, { codec: 'deflate' }));
 * ```
 * @public
 */
export class AvroWriter<T> extends StreamWriterBase<T> {
  private encoder: AvroContainerEncoder | undefined;
  constructor(
    readonly schema: AvroSchemaLike,
    readonly options: AvroContainerOptions = {},
  ) {
    super();
    new AvroContainerEncoder(schema, options); // validates the schema when the job is built
  }
  override open(out: Parameters<StreamWriterBase<T>['open']>[0]): void {
    super.open(out);
    this.encoder = new AvroContainerEncoder(this.schema, this.options);
    this.encoder.writeHeader(out);
  }
  write(element: T): void {
    this.encoder!.append(this.out!, element);
  }
  override flush(): number {
    this.encoder!.flushBlock(this.stream());
    return this.getPos();
  }
  override getPos(): number {
    // Records of the open block count, so that size-based rolling sees them.
    return this.stream().getPos() + (this.encoder?.pendingBytes() ?? 0);
  }
  override close(): void {
    if (this.out && this.encoder) this.encoder.flushBlock(this.out);
    this.encoder = undefined;
    super.close();
  }
  duplicate(): Writer<T> {
    return new AvroWriter<T>(this.schema, this.options);
  }
}
