import type { PartFileOutput } from '../internal/PartFileOutput.js';
import { AvroContainerEncoder, type AvroContainerOptions, type AvroSchemaLike } from '../writers/AvroContainer.js';

/** Writes records into a bulk-format part file, like Flink `BulkWriter`. @public */
export interface BulkWriter<T> {
  addElement(element: T): void;
  flush(): void;
  /** Writes the trailer; the sink closes the file afterwards. */
  finish(): void;
}

/** Creates a {@link BulkWriter} per part file, like Flink `BulkWriter.Factory`. @public */
export interface BulkWriterFactory<T> {
  create(out: PartFileOutput): BulkWriter<T>;
}

/**
 * Avro object container files for `forBulkFormat`, like Flink `AvroWriters` (flink-avro).
 * @example
 * ```ts
 * import { AvroWriters, FileSink } from 'flink-ts/connectors/filesystem';
 * const schema = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
 * const sink = FileSink.forBulkFormat('/tmp/avro', AvroWriters.forGenericRecord<{ name: string }>(schema)).build();
 * ```
 * @public
 */
export const AvroWriters = {
  /** Records as plain objects matching `schema` (Flink: `GenericRecord`). */
  forGenericRecord<T = Record<string, unknown>>(schema: AvroSchemaLike, options?: AvroContainerOptions): BulkWriterFactory<T> {
    new AvroContainerEncoder(schema, options); // validate now, not in the job
    return {
      create(out: PartFileOutput): BulkWriter<T> {
        const enc = new AvroContainerEncoder(schema, options);
        enc.writeHeader(out);
        return {
          addElement: (e) => enc.append(out, e),
          flush: () => enc.flushBlock(out),
          finish: () => enc.flushBlock(out),
        };
      },
    };
  },
  /** Flink's `forSpecificRecord`/`forReflectRecord` take a class; here the schema. Same as {@link forGenericRecord}. */
  forReflectRecord<T>(schema: AvroSchemaLike, options?: AvroContainerOptions): BulkWriterFactory<T> {
    return AvroWriters.forGenericRecord<T>(schema, options);
  },
};
