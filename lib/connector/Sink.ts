import type { CheckpointedFunction, CheckpointListener } from '../checkpoint/CheckpointedFunction.js';
import type { SinkFunction } from '../functions/sink/SinkFunction.js';

/**
 * What runs in each sink subtask of a {@link Sink}: Flink's `SinkWriter` (`write` = `invoke`, `flush` at the
 * checkpoint = `snapshotState`) and, for two-phase sinks, the committer (`notifyCheckpointComplete`) in one object
 * with the SinkFunction lifecycle. `endOfBatch` lets a writer send what it buffered once per task batch; a returned
 * Promise is waited for before the next batch (backpressure).
 * @public
 */
export type SinkWriter<IN> = SinkFunction<IN> &
  Partial<CheckpointedFunction & CheckpointListener> & {
    endOfBatch?(): void | Promise<void>;
  };

/**
 * A sink of the unified sink API, like Flink `org.apache.flink.api.connector.sink2.Sink<InputT>` (FLIP-191), used with
 * `DataStream#sinkTo`. Minimal on purpose: Flink splits writer, committer and global committer into operators; here
 * `createWriter()` returns one {@link SinkWriter} per subtask (it is copied per subtask like a SinkFunction), which
 * does the committing on checkpoint completion itself (see docs/kafka-sink.md).
 * @example
 * ```ts
 * import { KafkaSink } from 'flink-ts/connectors/kafka';
 * stream.sinkTo(KafkaSink.builder<string>().setBootstrapServers(servers).setRecordSerializer(serializer).build());
 * ```
 * @public
 */
export interface Sink<IN> {
  /** Like Flink `Sink#createWriter(InitContext)`. */
  createWriter(): SinkWriter<IN>;
  /** The operator name `sinkTo` gives the sink (Flink: `"Sink: " + name`; default "Unnamed"). */
  readonly sinkName?: string;
}
