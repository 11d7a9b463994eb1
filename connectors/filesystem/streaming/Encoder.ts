import { toJavaString } from '../../../lib/java/toJavaString.js';
import type { PartFileOutput } from '../internal/PartFileOutput.js';
import { formatCsvRow } from '../writers/CsvWriter.js';
import { jsonLine } from '../writers/JsonLinesWriter.js';

/** Writes one record into a row-format part file, like Flink `org.apache.flink.api.common.serialization.Encoder`. @public */
export interface Encoder<IN> {
  encode(element: IN, stream: PartFileOutput): void;
}

/**
 * `toString()` of each record and a newline, like Flink `SimpleStringEncoder` (UTF-8).
 * @example
 * ```ts
 * import { SimpleStringEncoder, StreamingFileSink } from 'flink-ts/connectors/filesystem';
 * const sink = StreamingFileSink.forRowFormat('/tmp/out', new SimpleStringEncoder<string>('UTF-8')).build();
 * ```
 * @public
 */
export class SimpleStringEncoder<IN> implements Encoder<IN> {
  constructor(readonly charsetName = 'UTF-8') {
    if (!/^utf-?8$/i.test(charsetName)) throw new Error(`Unsupported charset '${charsetName}': flink-ts writes UTF-8`);
  }
  encode(element: IN, stream: PartFileOutput): void {
    stream.writeString(typeof element === 'string' ? element + '\n' : typeof element === 'number' ? String(element) + '\n' : toJavaString(element) + '\n');
  }
}

/** Tuples (arrays, objects' values) as CSV lines, with `writeAsCsv`'s rules. Not in Flink (which has CSV bulk formats in the Table API). @public */
export class CsvEncoder<IN> implements Encoder<IN> {
  constructor(
    readonly fieldDelimiter = ',',
    readonly rowDelimiter = '\n',
    readonly quoteStrings = false,
  ) {}
  encode(element: IN, stream: PartFileOutput): void {
    stream.writeString(formatCsvRow(element, this.fieldDelimiter, this.rowDelimiter, this.quoteStrings));
  }
}

/** One JSON document per line. Not in Flink's DataStream API (its JSON formats live in the Table API). @public */
export class JsonLinesEncoder<IN> implements Encoder<IN> {
  encode(element: IN, stream: PartFileOutput): void {
    stream.writeString(jsonLine(element));
  }
}
