import type { PartFileOutput } from '../internal/PartFileOutput.js';

/**
 * Writes the records of one part file of a {@link BucketingSink}, like Flink's
 * `org.apache.flink.streaming.connectors.fs.Writer`. The sink opens one writer per open part file (from
 * {@link Writer.duplicate}), calls `write` per record, `flush` at every checkpoint (what the file holds after `flush`
 * is what recovery keeps: a format with blocks must end one there) and `close` when the part file rolls.
 * @public
 */
export interface Writer<T> {
  open(out: PartFileOutput): void;
  write(element: T): void;
  /** Ends what is buffered so that the file is valid up to here; returns the position. */
  flush(): number;
  getPos(): number;
  /** Writes any trailer. The sink closes the file. */
  close(): void;
  /** A fresh writer with the same configuration, like Flink `Writer#duplicate`. */
  duplicate(): Writer<T>;
}

/** Base of writers that write to the part file's stream, like Flink `StreamWriterBase`. @public */
export abstract class StreamWriterBase<T> implements Writer<T> {
  protected out: PartFileOutput | undefined;
  open(out: PartFileOutput): void {
    if (this.out) throw new Error('Writer is already open.');
    this.out = out;
  }
  protected stream(): PartFileOutput {
    if (!this.out) throw new Error('Writer is not open.');
    return this.out;
  }
  abstract write(element: T): void;
  flush(): number {
    return this.getPos();
  }
  getPos(): number {
    return this.stream().getPos();
  }
  close(): void {
    this.out = undefined;
  }
  abstract duplicate(): Writer<T>;
}
