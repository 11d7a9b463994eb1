/**
 * Receives the records a function emits, like Flink `org.apache.flink.util.Collector`.
 * @public
 */
export interface Collector<T> {
  /** Emits a record. */
  collect(record: T): void;
  /** Closes the collector (a no-op for most collectors). */
  close?(): void;
}
