import { toJavaString } from '../../../lib/java/toJavaString.js';
import { StreamWriterBase, type Writer } from './Writer.js';

function fieldsOf(element: unknown): unknown[] {
  if (Array.isArray(element)) return element;
  const t = element as { getArity?: () => number; getField?: (i: number) => unknown };
  if (t && typeof t.getArity === 'function' && typeof t.getField === 'function') {
    const out: unknown[] = [];
    for (let i = 0; i < t.getArity(); i++) out.push(t.getField(i));
    return out;
  }
  if (t && typeof t === 'object') return Object.values(t);
  return [element];
}

/**
 * Writes tuples (or arrays, or objects' values) as delimited lines, like Flink's `writeAsCsv` format
 * (`CsvOutputFormat`: field delimiter `,`, row delimiter `\n`, strings unquoted unless `quoteStrings`, `null` as an
 * empty field). Flink's BucketingSink has no CSV writer; this one fills that gap with the same rules.
 * @example
 * ```ts
 * import { Tuple2 } from 'flink-ts';
 * import { BucketingSink, CsvWriter } from 'flink-ts/connectors/filesystem';
 * const sink = new BucketingSink<Tuple2<string, number>>('/tmp/out').setWriter(new CsvWriter());
 * ```
 * @public
 */
export class CsvWriter<T> extends StreamWriterBase<T> {
  constructor(
    readonly fieldDelimiter = ',',
    readonly rowDelimiter = '\n',
    readonly quoteStrings = false,
  ) {
    super();
  }
  write(element: T): void {
    this.out!.writeString(formatCsvRow(element, this.fieldDelimiter, this.rowDelimiter, this.quoteStrings));
  }
  duplicate(): Writer<T> {
    return new CsvWriter<T>(this.fieldDelimiter, this.rowDelimiter, this.quoteStrings);
  }
}

/** One CSV row for a tuple, array or object. @internal */
export function formatCsvRow(element: unknown, fieldDelimiter: string, rowDelimiter: string, quoteStrings: boolean): string {
  let line = '';
  const fields = fieldsOf(element);
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += fieldDelimiter;
    const f = fields[i];
    if (f === null || f === undefined) continue;
    line += quoteStrings && typeof f === 'string' ? `"${f}"` : toJavaString(f);
  }
  return line + rowDelimiter;
}
