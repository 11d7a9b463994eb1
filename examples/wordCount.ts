/**
 * WordCount, the classic: a text file (or a socket with `--host h --port p`) → flatMap into (word, 1) → keyBy word →
 * sum → print. Ported from Flink's `SocketWindowWordCount` / `WordCount` examples.
 *
 *   npm run build && node dist/examples/wordCount.js examples/data/words.txt
 *   node dist/examples/wordCount.js --host localhost --port 9999      (with `nc -lk 9999` in another terminal)
 */
import { StreamExecutionEnvironment, Tuple2, type Collector } from 'flink-ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const env = StreamExecutionEnvironment.getExecutionEnvironment();

const host = opt('host');
const text = host ? env.socketTextStream(host, Number(opt('port') ?? 9999), '\n') : env.readTextFile(args[0] ?? 'examples/data/words.txt');

const counts = text
  .flatMap((line: string, out: Collector<Tuple2<string, number>>) => {
    for (const word of line.toLowerCase().split(/\W+/)) {
      if (word.length > 0) out.collect(new Tuple2(word, 1));
    }
  })
  .keyBy((t) => t.f0)
  .sum(1);

counts.print();

const result = await env.execute('WordCount');
console.error(`${result.getJobName()} finished in ${result.getNetRuntime()} ms`);
