/**
 * Seed 002, section 2.1 (Flink's HDFS connector, "Bucketing File Sink"), ported line for line: a BucketingSink with a
 * DateTimeBucketer ("yyyy-MM-dd--HHmm", America/Los_Angeles), a writer, a 400 MB batch size and a 20 minute rollover
 * interval. Part files appear as `<base>/<date-time>/_part-<subtask>-<count>.in-progress`, become `.pending` when
 * they roll, and lose the prefix/suffix when the next checkpoint completes.
 *
 *   npm run build && node dist/examples/bucketingSink.js [basePath] [--seconds 15] [--small]
 *
 * basePath: a local path (default: a temp folder), or `hdfs://namenode:9000/flink/out` (WebHDFS on the NameNode's
 * HTTP port 9870; FLINK_TS_WEBHDFS="namenode:9000=namenode:50070" maps another port). The seed reads lines from a
 * socket (`nc -lk 9999`); with `--socket host:port` this does too, otherwise it generates lines for `--seconds`.
 * `--small` rolls every 1 KB / 5 s instead, as the seed's demo did ("too many small files, just for fun").
 */
import { StreamExecutionEnvironment, type SourceContext, RichParallelSourceFunction } from 'flink-ts';
import { BucketingSink, DateTimeBucketer, StringWriter } from 'flink-ts/connectors/filesystem';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** Lines "hello flink <n>" every 10 ms for `seconds`. */
class Lines extends RichParallelSourceFunction<string> {
  private running = true;
  constructor(private readonly seconds: number) {
    super();
  }
  async run(ctx: SourceContext<string>): Promise<void> {
    const end = Date.now() + this.seconds * 1000;
    for (let n = 1; this.running && Date.now() < end; n++) {
      await ctx.collect(`hello flink ${n}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  cancel(): void {
    this.running = false;
  }
}

async function main(): Promise<void> {
  const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
  const basePath = positional[0] ?? mkdtempSync(join(tmpdir(), 'flink-ts-bucketing-'));
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  // Pending part files are finished when a checkpoint completes.
  env.enableCheckpointing(5000);

  const socket = arg('--socket');
  const input = socket ? env.socketTextStream(socket.split(':')[0]!, Number(socket.split(':')[1])) : env.addSource(new Lines(Number(arg('--seconds') ?? 15)));

  const sink = new BucketingSink<string>(basePath);
  sink.setBucketer(new DateTimeBucketer<string>('yyyy-MM-dd--HHmm', 'America/Los_Angeles'));
  // The seed writes Hadoop SequenceFiles (SequenceFileWriter<IntWritable, Text>); flink-ts writes text lines.
  sink.setWriter(new StringWriter<string>());
  if (process.argv.includes('--small')) {
    sink.setBatchSize(1024); // 1 KB
    sink.setBatchRolloverInterval(5 * 1000); // 5 s
  } else {
    sink.setBatchSize(1024 * 1024 * 400); // this is 400 MB,
    sink.setBatchRolloverInterval(20 * 60 * 1000); // this is 20 mins
  }
  input.addSink(sink);

  console.log(`Writing buckets under ${basePath}`);
  await env.execute('BucketingSink example');
  console.log(`Done: see ${basePath} (the last part files stay pending/in-progress: no checkpoint follows them, as in Flink).`);
}

await main();
