import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExecutionConfig,
  Histogram,
  IntCounter,
  JobExecutionResult,
  JobStatus,
  LongCounter,
  ParallelSourceFunction,
  ProcessFunction,
  RichMapFunction,
  RichParallelSourceFunction,
  StreamExecutionEnvironment,
  TimeUnit,
  Watermark,
  type Collector,
  type ProcessContext,
  type SourceContext,
  type SourceFunction,
} from 'flink-ts';
import { bySubtask, TagSubtask, waitFor } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server on a free port that writes `payload` to each connection and closes it. */
async function serve(payload: string | Buffer): Promise<number> {
  const server = createServer((sock: Socket) => sock.end(payload));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'flink-ts-env-'));

describe('StreamExecutionEnvironment configuration', () => {
  it('getExecutionEnvironment uses one subtask per CPU core by default', () => {
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getParallelism()).toBe(availableParallelism());
    expect(StreamExecutionEnvironment.getDefaultLocalParallelism()).toBe(availableParallelism());
  });

  it('createLocalEnvironment(p) sets the default parallelism of operators', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    expect(env.getParallelism()).toBe(3);
    expect(env.fromSequence(1, 10).map((x) => x).getParallelism()).toBe(3);
  });

  it('setParallelism rejects values below one with Flink message and is fluent', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(env.setParallelism(4)).toBe(env);
    expect(env.getParallelism()).toBe(4);
    for (const bad of [0, -2, 1.5]) {
      expect(() => env.setParallelism(bad)).toThrow('Parallelism must be at least one, or ExecutionConfig.PARALLELISM_DEFAULT (use system default).');
    }
    expect(env.getParallelism()).toBe(4);
  });

  it('setMaxParallelism accepts 1..32768 and rejects the rest with Flink message', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(env.getMaxParallelism()).toBe(-1);
    env.setMaxParallelism(32768);
    expect(env.getMaxParallelism()).toBe(32768);
    env.setMaxParallelism(1);
    expect(env.getMaxParallelism()).toBe(1);
    expect(() => env.setMaxParallelism(0)).toThrow('maxParallelism is out of bounds 0 < maxParallelism <= 32768. Found: 0');
    expect(() => env.setMaxParallelism(32769)).toThrow('maxParallelism is out of bounds 0 < maxParallelism <= 32768. Found: 32769');
  });

  it('getConfig returns the job ExecutionConfig with Flink defaults', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const config = env.getConfig();
    expect(config).toBeInstanceOf(ExecutionConfig);
    expect(config).toBe(env.getConfig());
    expect(config.getParallelism()).toBe(2);
    expect(config.getAutoWatermarkInterval()).toBe(200);
    expect(config.isObjectReuseEnabled()).toBe(false);
    expect(ExecutionConfig.PARALLELISM_DEFAULT).toBe(-1);
    config.setGlobalJobParameters({ a: '1' });
    expect(env.getConfig().getGlobalJobParameters()).toEqual({ a: '1' });
  });

  it('fails to execute an empty topology with Flink message', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    await expect(env.execute()).rejects.toThrow('No operators defined in streaming topology. Cannot execute.');
  });
});

describe('collection sources', () => {
  it('fromElements emits its arguments in order from one subtask', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    const src = env.fromElements('a', 'b', 'c');
    expect(src.getParallelism()).toBe(1);
    expect(await src.executeAndCollect()).toEqual(['a', 'b', 'c']);
  });

  it('fromElements without elements fails with Flink message', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env.fromElements()).toThrow('fromElements needs at least one element as argument');
  });

  it('fromCollection rejects null, empty and null elements with Flink messages', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env.fromCollection(null as unknown as number[])).toThrow('Collection must not be null');
    expect(() => env.fromCollection([])).toThrow('Collection must not be empty');
    expect(() => env.fromCollection([null, 1] as unknown as number[])).toThrow('Collection must not contain null elements');
  });

  it('fromCollection accepts any iterable and is named "Collection Source"', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const src = env.fromCollection(new Set([3, 1, 2]));
    expect(src.getName()).toBe('Collection Source');
    expect(await src.executeAndCollect()).toEqual([3, 1, 2]);
  });

  it('a collection source cannot be given a parallelism above one', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env.fromElements(1, 2).setParallelism(2)).toThrow('The parallelism of non parallel operator must be 1.');
  });
});

describe('sequence sources', () => {
  it('fromSequence emits every number of the inclusive range once', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const out = await env.fromSequence(-5, 5000).executeAndCollect();
    expect(out.length).toBe(5006);
    expect([...out].sort((a, b) => a - b)).toEqual(Array.from({ length: 5006 }, (_, i) => i - 5));
  });

  it('fromSequence gives each subtask a contiguous range', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const tagged = await env.fromSequence(1, 10).map(new TagSubtask<number>()).executeAndCollect();
    const per = bySubtask(tagged);
    expect(per.get(0)).toEqual([1, 2, 3, 4, 5]);
    expect(per.get(1)).toEqual([6, 7, 8, 9, 10]);
  });

  it('generateSequence strides the range over the subtasks', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const src = env.generateSequence(0, 9);
    expect(src.getName()).toBe('Sequence Source (Deprecated)');
    const per = bySubtask(await src.map(new TagSubtask<number>()).executeAndCollect());
    expect(per.get(0)).toEqual([0, 3, 6, 9]);
    expect(per.get(1)).toEqual([1, 4, 7]);
    expect(per.get(2)).toEqual([2, 5, 8]);
  });

  it('a sequence whose start is after its end is rejected with Flink message', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env.fromSequence(2, 1)).toThrow('Start of sequence must not be greater than the end');
    expect(() => env.generateSequence(2, 1)).toThrow('Start of sequence must not be greater than the end');
    expect(() => env.fromSequence(1, 1)).not.toThrow();
  });
});

describe('socketTextStream', () => {
  it('emits the lines of the socket and strips "\\r" before "\\n"', async () => {
    const port = await serve('hello\r\nworld\n\nlast');
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const src = env.socketTextStream('127.0.0.1', port);
    expect(src.getParallelism()).toBe(1);
    expect(src.getName()).toBe('Socket Stream');
    // What is left after the last delimiter is emitted when the connection ends, like Flink.
    expect(await src.executeAndCollect()).toEqual(['hello', 'world', '', 'last']);
  });

  it('splits at a custom delimiter and keeps "\\r" when the delimiter is not "\\n"', async () => {
    const port = await serve('a|b\r|c||d');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.socketTextStream('127.0.0.1', port, '|').executeAndCollect()).toEqual(['a', 'b\r', 'c', '', 'd']);
  });

  it('handles a multi-character delimiter split across TCP chunks', async () => {
    const server = createServer((sock) => {
      sock.write('one<>tw');
      setImmediate(() => {
        sock.write('o<');
        setImmediate(() => sock.end('>three<>'));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.socketTextStream('127.0.0.1', port, '<>').executeAndCollect()).toEqual(['one', 'two', 'three']);
  });

  it('cancelling the job closes an open socket connection', async () => {
    const open: Socket[] = [];
    const server = createServer((sock) => {
      open.push(sock);
      sock.write('first\n');
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const seen: string[] = [];
    env.socketTextStream('127.0.0.1', port).addSink((v) => void seen.push(v));
    const client = env.executeAsync();
    await waitFor(() => seen.length === 1, 'the first line');
    const closed = new Promise<void>((r) => open[0]!.on('close', () => r()));
    await client.cancel();
    await closed;
    expect(await client.getJobStatus()).toBe(JobStatus.CANCELED);
    expect(seen).toEqual(['first']);
  });

  it('after the server closes the stream, reconnects while attempts < maxRetry, then ends the source (Flink)', async () => {
    let connections = 0;
    const server = createServer((sock) => {
      connections++;
      sock.end(`line${connections}\n`);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const seen: string[] = [];
    env.socketTextStream('127.0.0.1', port, '\n', 3).addSink((v) => void seen.push(v));
    await env.execute('reconnecting socket');
    // attempt 1 and 2 are below maxRetry 3 and reconnect; the third end of stream ends the source normally.
    expect(connections).toBe(3);
    expect(seen).toEqual(['line1', 'line2', 'line3']);
  });

  it('with maxRetry 0 fails the job with a clear error when nothing listens', async () => {
    const port = await freePort();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.socketTextStream('127.0.0.1', port, '\n', 0).addSink(() => undefined);
    const err = await env.execute('socket job').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeDefined();
    expect(err!.message).toContain(`Could not connect to socket 127.0.0.1:${port}`);
    expect(err!.message).toContain('socket job');
  });
});

describe('readTextFile', () => {
  it('reads the lines of a file', async () => {
    const dir = tmp();
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'to be\r\nor not\n\nto be\n');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.readTextFile(file).executeAndCollect()).toEqual(['to be', 'or not', '', 'to be']);
  });

  it('reads the last line without a trailing newline', async () => {
    const dir = tmp();
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a\nb');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.readTextFile(file).executeAndCollect()).toEqual(['a', 'b']);
  });

  it('reads every file of a directory, skipping hidden files', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), '1\n2\n');
    writeFileSync(join(dir, 'b.txt'), '3\n');
    writeFileSync(join(dir, '.hidden'), 'x\n');
    writeFileSync(join(dir, '_SUCCESS'), 'y\n');
    mkdirSync(join(dir, 'sub'));
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    expect((await env.readTextFile(dir).executeAndCollect()).sort()).toEqual(['1', '2', '3']);
  });

  it('at parallelism 2 gives every line of a large file exactly once, read by both subtasks', async () => {
    const dir = tmp();
    const file = join(dir, 'big.txt');
    const n = 150_000; // ~1.7 MB: more than one split
    const lines = Array.from({ length: n }, (_, i) => `line-${String(i).padStart(6, '0')}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const tagged = await env.readTextFile(file).map(new TagSubtask<string>()).executeAndCollect();
    const per = bySubtask(tagged);
    expect(per.get(0)!.length).toBeGreaterThan(0);
    expect(per.get(1)!.length).toBeGreaterThan(0);
    const all = tagged.map((t) => t.f1).sort();
    expect(all.length).toBe(n);
    expect(all).toEqual(lines);
  });

  it('decodes the charset it is given', async () => {
    const dir = tmp();
    const file = join(dir, 'latin1.txt');
    writeFileSync(file, Buffer.from('café\nnaïve\n', 'latin1'));
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.readTextFile(file, 'ISO-8859-1').executeAndCollect()).toEqual(['café', 'naïve']);
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    const utf8 = join(dir, 'utf8.txt');
    writeFileSync(utf8, 'café ☕\n');
    expect(await env2.readTextFile(utf8).executeAndCollect()).toEqual(['café ☕']);
  });

  it('splits UTF-16LE files at the encoded newline, also across parallel splits', async () => {
    const dir = tmp();
    const small = join(dir, 'small.txt');
    writeFileSync(small, Buffer.from('ab\r\n€x\n\u0a0a\n', 'utf16le'));
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    // "\u0a0a" is the bytes 0A 0A: not a newline in UTF-16.
    expect(await env.readTextFile(small, 'UTF-16LE').executeAndCollect()).toEqual(['ab', '€x', '\u0a0a']);
    const big = join(dir, 'big.txt');
    const lines = Array.from({ length: 60_000 }, (_, i) => `zeile-${i}-\u0a0a`);
    writeFileSync(big, Buffer.from(lines.join('\n') + '\n', 'utf16le')); // ~2 MB, odd split boundaries
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(3);
    const tagged = await env2.readTextFile(big, 'UTF-16LE').map(new TagSubtask<string>()).executeAndCollect();
    expect(bySubtask(tagged).size).toBeGreaterThan(1);
    expect(tagged.map((t) => t.f1).sort()).toEqual([...lines].sort());
  });

  it('fails the job with a clear error when the path does not exist', async () => {
    const missing = join(tmp(), 'nope.txt');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.readTextFile(missing).addSink(() => undefined);
    const err = await env.execute().catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain(`readTextFile: cannot read '${missing}'`);
  });

  it('rejects a blank path with Flink message', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env.readTextFile('  ')).toThrow('The file path must not be null or blank.');
  });
});

describe('addSource', () => {
  it('runs a SourceFunction at parallelism 1, named "Custom Source"', async () => {
    class Counter implements SourceFunction<number> {
      private running = true;
      async run(ctx: SourceContext<number>) {
        for (let i = 0; this.running && i < 5; i++) await ctx.collect(i);
      }
      cancel() {
        this.running = false;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const src = env.addSource(new Counter());
    expect(src.getParallelism()).toBe(1);
    expect(src.getName()).toBe('Custom Source');
    expect(env.addSource(new Counter(), 'Counter').getName()).toBe('Counter');
    expect(await src.executeAndCollect()).toEqual([0, 1, 2, 3, 4]);
  });

  it('a non-parallel source cannot get parallelism 2', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const fn: SourceFunction<number> = { run: () => undefined, cancel: () => undefined };
    expect(() => env.addSource(fn).setParallelism(2)).toThrow('The parallelism of non parallel operator must be 1.');
  });

  it('runs a ParallelSourceFunction on every subtask', async () => {
    class Parallel extends ParallelSourceFunction<string> {
      async run(ctx: SourceContext<string>) {
        for (const x of ['a', 'b']) await ctx.collect(x);
      }
      cancel() {}
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const src = env.addSource(new Parallel());
    expect(src.getParallelism()).toBe(3);
    expect((await src.executeAndCollect()).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
  });

  it('gives each RichParallelSourceFunction subtask its own runtime context and fields', async () => {
    class Indexed extends RichParallelSourceFunction<string> {
      private emitted = 0;
      async run(ctx: SourceContext<string>) {
        const rc = this.getRuntimeContext();
        for (let i = 0; i < 3; i++) {
          this.emitted++;
          await ctx.collect(`${rc.getIndexOfThisSubtask()}/${rc.getNumberOfParallelSubtasks()}:${this.emitted}`);
        }
      }
      cancel() {}
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env.addSource(new Indexed()).executeAndCollect();
    expect(out.sort()).toEqual(['0/2:1', '0/2:2', '0/2:3', '1/2:1', '1/2:2', '1/2:3']);
  });

  it('collectWithTimestamp attaches event timestamps and emitWatermark advances the watermark', async () => {
    const src: SourceFunction<string> = {
      async run(ctx) {
        await ctx.collectWithTimestamp('a', 1000);
        ctx.emitWatermark(new Watermark(1500));
        await ctx.collect('b');
        ctx.emitWatermark(2500);
        await ctx.collectWithTimestamp('c', 3000);
      },
      cancel() {},
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .addSource(src)
      .process(
        new (class extends ProcessFunction<string, string> {
          processElement(v: string, ctx: ProcessContext, out: Collector<string>) {
            out.collect(`${v}@${ctx.timestamp()} wm=${ctx.timerService().currentWatermark()}`);
          }
        })(),
      )
      .executeAndCollect();
    expect(out).toEqual([`a@1000 wm=${-9223372036854775808}`, 'b@null wm=1500', 'c@3000 wm=2500']);
  });

  it('getCheckpointLock().synchronized runs its body and returns its result', async () => {
    const src: SourceFunction<number> = {
      async run(ctx) {
        let offset = 0;
        for (let i = 0; i < 3; i++) {
          const r = ctx.getCheckpointLock().synchronized(() => {
            offset++;
            return ctx.collect(offset * 10);
          });
          await r;
        }
      },
      cancel() {},
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.addSource(src).executeAndCollect()).toEqual([10, 20, 30]);
  });

  it('an unbounded source paced by `await ctx.collect` is cancelled through cancel() when the job is cancelled', async () => {
    const calls: string[] = [];
    let emitted = 0;
    class Endless extends RichParallelSourceFunction<number> {
      private running = true;
      async run(ctx: SourceContext<number>) {
        while (this.running) {
          emitted++;
          await ctx.collect(emitted);
        }
        calls.push(`run returned ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
      }
      cancel() {
        calls.push(`cancel ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
        this.running = false;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    let received = 0;
    env.addSource(new Endless()).addSink(() => void received++);
    const client = env.executeAsync('endless');
    await waitFor(() => received > 5000, 'records to flow');
    expect(await client.getJobStatus()).toBe(JobStatus.RUNNING);
    await client.cancel();
    expect(await client.getJobStatus()).toBe(JobStatus.CANCELED);
    expect(calls.filter((c) => c.startsWith('cancel')).sort()).toEqual(['cancel 0', 'cancel 1']);
    await expect(client.getJobExecutionResult()).rejects.toThrow('was cancelled');
    // Paced: the source gave the event loop back, so cancellation happened while it was running.
    await waitFor(() => calls.filter((c) => c.startsWith('run returned')).length === 2, 'run to return');
  });

  it('rejects something that is not a SourceFunction', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env.addSource({} as SourceFunction<number>)).toThrow(/SourceFunction/);
  });
});

describe('execute and executeAsync', () => {
  it('execute(jobName) resolves with a JobExecutionResult naming the job', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1, 2, 3).addSink(() => undefined);
    const result = await env.execute('My Job');
    expect(result).toBeInstanceOf(JobExecutionResult);
    expect(result.getJobName()).toBe('My Job');
    expect(result.getNetRuntime()).toBeGreaterThanOrEqual(0);
    // Flink's getNetRuntime(TimeUnit) converts (truncating)
    expect(result.getNetRuntime(TimeUnit.MILLISECONDS)).toBe(result.getNetRuntime());
    expect(result.getNetRuntime(TimeUnit.MICROSECONDS)).toBe(result.getNetRuntime() * 1000);
    expect(result.getNetRuntime(TimeUnit.SECONDS)).toBe(Math.floor(result.getNetRuntime() / 1000));
    expect(new JobExecutionResult('id', 'n', 125_999, new Map()).getNetRuntime(TimeUnit.MINUTES)).toBe(2);
    expect(new JobExecutionResult('id', 'n', 125_999, new Map()).getNetRuntime(TimeUnit.SECONDS)).toBe(125);
    expect(result.getJobID()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('execute() without a name uses Flink default job name', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1).addSink(() => undefined);
    expect((await env.execute()).getJobName()).toBe('Flink Streaming Job');
  });

  it('merges IntCounter, LongCounter and Histogram accumulators over subtasks', async () => {
    class Count extends RichMapFunction<number, number> {
      private ints!: IntCounter;
      private longs = new LongCounter();
      private hist = new Histogram();
      override open() {
        const rc = this.getRuntimeContext();
        this.ints = rc.getIntCounter('ints');
        rc.addAccumulator('longs', this.longs);
        rc.addAccumulator('hist', this.hist);
      }
      map(v: number) {
        this.ints.add(1);
        this.longs.add(v * 1_000_000_000);
        this.hist.add(v % 3);
        return v;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    env.fromSequence(1, 30).map(new Count()).addSink(() => undefined);
    const result = await env.execute('accumulators');
    expect(result.getAccumulatorResult<number>('ints')).toBe(30);
    expect(result.getAccumulatorResult<number>('longs')).toBe(465 * 1_000_000_000);
    expect(result.getAccumulatorResult<Map<number, number>>('hist')).toEqual(new Map([[0, 10], [1, 10], [2, 10]]));
    expect([...result.getAllAccumulatorResults().keys()].sort()).toEqual(['hist', 'ints', 'longs']);
  });

  it('executeAsync returns a JobClient whose status goes from RUNNING to FINISHED', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const src: SourceFunction<number> = {
      async run(ctx) {
        await ctx.collect(1);
        await gate;
        await ctx.collect(2);
      },
      cancel() {},
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const seen: number[] = [];
    env.addSource(src).addSink((v) => void seen.push(v));
    const client = env.executeAsync('async job');
    expect(client.getJobID()).toMatch(/^[0-9a-f]{32}$/);
    await waitFor(() => seen.length === 1, 'first record');
    expect(await client.getJobStatus()).toBe(JobStatus.RUNNING);
    release();
    const result = await client.getJobExecutionResult();
    expect(result.getJobName()).toBe('async job');
    expect(result.getJobID()).toBe(client.getJobID());
    expect(await client.getJobStatus()).toBe(JobStatus.FINISHED);
    expect(seen).toEqual([1, 2]);
  });

  it('execute clears the topology: a second execute without new operators fails like Flink', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1).addSink(() => undefined);
    await env.execute();
    await expect(env.execute()).rejects.toThrow('No operators defined in streaming topology. Cannot execute.');
  });

  it('client.getAccumulators() reports the running values merged over subtasks', async () => {
    class Count extends RichMapFunction<number, number> {
      map(v: number) {
        this.getRuntimeContext().getLongCounter('seen').add(1);
        return v;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let received = 0;
    env
      .addSource(
        new (class extends RichParallelSourceFunction<number> {
          async run(ctx: SourceContext<number>) {
            for (let i = 0; i < 10; i++) await ctx.collect(i);
            await stopped;
          }
          cancel() {
            stop();
          }
        })(),
      )
      .map(new Count())
      .addSink(() => void received++);
    const client = env.executeAsync();
    await waitFor(() => received === 20, 'all records');
    expect((await client.getAccumulators()).get('seen')).toBe(20);
    await client.cancel();
  });

  it('each execution gets its own job id, and the environment can run again after execute', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1).addSink(() => undefined);
    const a = await env.execute();
    env.fromElements(2).addSink(() => undefined);
    const b = await env.execute();
    expect(a.getJobID()).not.toBe(b.getJobID());
  });
});
