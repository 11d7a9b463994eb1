import type { BucketAssigner } from './BucketAssigner.js';
import { DateTimeBucketAssigner } from './BucketAssigner.js';
import type { BulkWriterFactory } from './BulkWriter.js';
import { BucketsSinkFunction, type BucketsSinkConfig, type PartFormat } from './BucketsSinkFunction.js';
import type { Encoder } from './Encoder.js';
import { OutputFileConfig } from './OutputFileConfig.js';
import { CheckpointRollingPolicy, DefaultRollingPolicy, OnCheckpointRollingPolicy, type RollingPolicy } from './RollingPolicy.js';

/** Flink's `DEFAULT_BUCKET_CHECK_INTERVAL`: 60 s. */
const DEFAULT_BUCKET_CHECK_INTERVAL = 60 * 1000;

type Built<IN, BucketID> = new (config: BucketsSinkConfig<IN, BucketID>) => BucketsSinkFunction<IN, BucketID>;

/**
 * The builder of `forRowFormat`/`forBulkFormat`, like Flink's `StreamingFileSink.RowFormatBuilder` /
 * `BulkFormatBuilder` and `FileSink`'s builders.
 * @public
 */
export class FileSinkBuilder<IN, BucketID = string, S extends BucketsSinkFunction<IN, BucketID> = BucketsSinkFunction<IN, BucketID>> {
  private bucketAssigner: BucketAssigner<IN, BucketID>;
  private rollingPolicy: RollingPolicy<IN, BucketID>;
  private bucketCheckInterval = DEFAULT_BUCKET_CHECK_INTERVAL;
  private outputFileConfig = new OutputFileConfig();
  /** @internal */
  constructor(
    private readonly basePath: string,
    private readonly format: PartFormat<IN>,
    private readonly naming: 'subtask' | 'uuid',
    private readonly commitOnEndOfInput: boolean,
    private readonly make: Built<IN, BucketID>,
  ) {
    if (typeof basePath !== 'string' || !basePath) throw new TypeError('The file sink needs a base path');
    this.bucketAssigner = new DateTimeBucketAssigner<IN>() as unknown as BucketAssigner<IN, BucketID>;
    this.rollingPolicy = format.kind === 'row' ? DefaultRollingPolicy.builder().build<IN, BucketID>() : OnCheckpointRollingPolicy.build<IN, BucketID>();
  }
  /** How often (ms) the rolling policy's processing-time rule is checked (Flink default 60 000). */
  withBucketCheckInterval(interval: number): this {
    if (!(interval > 0)) throw new Error('bucketCheckInterval must be positive');
    this.bucketCheckInterval = interval;
    return this;
  }
  withBucketAssigner<ID>(assigner: BucketAssigner<IN, ID>): FileSinkBuilder<IN, ID, BucketsSinkFunction<IN, ID>> {
    (this as unknown as { bucketAssigner: unknown }).bucketAssigner = assigner;
    return this as unknown as FileSinkBuilder<IN, ID, BucketsSinkFunction<IN, ID>>;
  }
  withRollingPolicy(policy: RollingPolicy<IN, BucketID>): this {
    if (this.format.kind === 'bulk' && !(policy instanceof CheckpointRollingPolicy)) {
      throw new Error('Bulk formats roll on every checkpoint: use a CheckpointRollingPolicy (e.g. OnCheckpointRollingPolicy.build()).');
    }
    this.rollingPolicy = policy;
    return this;
  }
  withOutputFileConfig(config: OutputFileConfig): this {
    this.outputFileConfig = config;
    return this;
  }
  build(): S {
    return new this.make({
      basePath: this.basePath,
      format: this.format,
      bucketAssigner: this.bucketAssigner,
      rollingPolicy: this.rollingPolicy,
      bucketCheckInterval: this.bucketCheckInterval,
      outputFileConfig: this.outputFileConfig,
      naming: this.naming,
      commitOnEndOfInput: this.commitOnEndOfInput,
    }) as S;
  }
}

/**
 * Exactly-once file sink with rolling part files in buckets, like Flink
 * `org.apache.flink.streaming.api.functions.sink.filesystem.StreamingFileSink` (a `SinkFunction`: use `addSink`).
 * Part files are `part-<subtask>-<counter>` (with {@link OutputFileConfig}'s prefix/suffix), written as hidden
 * `.part-0-3.inprogress.<uuid>` files and renamed when the checkpoint after they were closed completes. Row formats
 * roll by {@link DefaultRollingPolicy} (128 MiB, 60 s, 60 s inactivity) by default; bulk formats on every checkpoint.
 * Without checkpointing, files are never finished (as in Flink).
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * import { DefaultRollingPolicy, SimpleStringEncoder, StreamingFileSink } from 'flink-ts/connectors/filesystem';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(10_000);
 * const sink = StreamingFileSink.forRowFormat('/tmp/out', new SimpleStringEncoder<string>('UTF-8'))
 *   .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024 * 1024).build())
 *   .build();
 * env.fromElements('a', 'b').addSink(sink);
 * ```
 * @public
 */
export class StreamingFileSink<IN, BucketID = string> extends BucketsSinkFunction<IN, BucketID> {
  static forRowFormat<IN>(basePath: string, encoder: Encoder<IN>): FileSinkBuilder<IN, string, StreamingFileSink<IN, string>> {
    return new FileSinkBuilder(basePath, { kind: 'row', encoder }, 'subtask', false, StreamingFileSink as Built<IN, string>) as FileSinkBuilder<IN, string, StreamingFileSink<IN, string>>;
  }
  static forBulkFormat<IN>(basePath: string, writerFactory: BulkWriterFactory<IN>): FileSinkBuilder<IN, string, StreamingFileSink<IN, string>> {
    return new FileSinkBuilder(basePath, { kind: 'bulk', factory: writerFactory }, 'subtask', false, StreamingFileSink as Built<IN, string>) as FileSinkBuilder<IN, string, StreamingFileSink<IN, string>>;
  }
}

/**
 * The unified-Sink-API file sink, like Flink `org.apache.flink.connector.file.sink.FileSink` (`stream.sinkTo(sink)`).
 * Same rolling, buckets and exactly-once commit as {@link StreamingFileSink}; part files are named
 * `part-<uuid>-<counter>` (a UUID per bucket writer, as in Flink), and at the end of bounded input everything written
 * is committed (Flink does that with its final checkpoint, or in batch mode).
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * import { FileSink, SimpleStringEncoder } from 'flink-ts/connectors/filesystem';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromElements('a', 'b').sinkTo(FileSink.forRowFormat('/tmp/out', new SimpleStringEncoder<string>()).build());
 * ```
 * @public
 */
export class FileSink<IN, BucketID = string> extends BucketsSinkFunction<IN, BucketID> {
  static forRowFormat<IN>(basePath: string, encoder: Encoder<IN>): FileSinkBuilder<IN, string, FileSink<IN, string>> {
    return new FileSinkBuilder(basePath, { kind: 'row', encoder }, 'uuid', true, FileSink as Built<IN, string>) as FileSinkBuilder<IN, string, FileSink<IN, string>>;
  }
  static forBulkFormat<IN>(basePath: string, writerFactory: BulkWriterFactory<IN>): FileSinkBuilder<IN, string, FileSink<IN, string>> {
    return new FileSinkBuilder(basePath, { kind: 'bulk', factory: writerFactory }, 'uuid', true, FileSink as Built<IN, string>) as FileSinkBuilder<IN, string, FileSink<IN, string>>;
  }
}
