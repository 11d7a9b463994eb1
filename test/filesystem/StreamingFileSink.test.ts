import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { ManualClock, RestartStrategies, StreamExecutionEnvironment, type SinkFunction } from 'flink-ts';
import {
  AvroWriter,
  AvroWriters,
  BasePathBucketAssigner,
  BucketingSink,
  BasePathBucketer,
  DateTimeBucketAssigner,
  DefaultRollingPolicy,
  FileSink,
  OnCheckpointRollingPolicy,
  OutputFileConfig,
  SimpleStringEncoder,
  StreamingFileSink,
} from 'flink-ts/connectors/filesystem';
import { eventually, listFiles, pushSource, read, tempDir, waitFor, type PushControl } from './helpers.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const HIDDEN = /^\.part-0-(\d+)\.inprogress\.[0-9a-f-]{36}$/;

function setup<T>(sink: (dir: string) => SinkFunction<T>, checkpointMs = 1000) {
  const dir = tempDir('streaming');
  const clock = new ManualClock(T0);
  const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock).setRestartStrategy(RestartStrategies.noRestart());
  if (checkpointMs > 0) env.enableCheckpointing(checkpointMs);
  const control: PushControl<T> = { queue: [], emitted: 0, done: false, completed: [] };
  env.addSource(pushSource(control)).addSink(sink(dir)).name('files');
  const client = env.executeAsync('streaming');
  const result = client.getJobExecutionResult();
  result.catch(() => {});
  const push = async (...values: T[]) => {
    const target = control.emitted + values.length;
    control.queue.push(...values);
    await waitFor(() => control.emitted === target, 'records emitted');
    await new Promise((r) => setTimeout(r, 20));
  };
  const checkpoint = async (advanceMs: number) => {
    const n = control.completed.length;
    clock.advanceBy(advanceMs);
    await waitFor(() => control.completed.length > n, 'a completed checkpoint');
    await new Promise((r) => setTimeout(r, 20));
  };
  return { dir, clock, control, client, result, push, checkpoint };
}

describe('StreamingFileSink', () => {
  it('writes hidden .part-<subtask>-<counter>.inprogress.<uuid> files into DateTimeBucketAssigner buckets and renames closed ones when the checkpoint completes', async () => {
    const t = setup<string>((dir) =>
      StreamingFileSink.forRowFormat(dir, new SimpleStringEncoder<string>('UTF-8'))
        .withBucketAssigner(new DateTimeBucketAssigner('yyyy-MM-dd--HH', 'UTC'))
        .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(5).build())
        .build(),
    );
    await t.push('abc', 'def', 'ghi');
    // 4 bytes a line; a part rolls once bigger than 5 bytes: after 2 lines.
    const files = listFiles(t.dir);
    await eventually(() => expect(listFiles(t.dir)).toHaveLength(2));
    expect(files.every((f) => f.startsWith('2026-01-02--03/') && HIDDEN.test(f.split('/')[1]!))).toBe(true);
    await t.checkpoint(1000);
    await waitFor(() => listFiles(t.dir).includes('2026-01-02--03/part-0-0'), 'part-0-0 committed');
    await eventually(() => expect(read(t.dir, '2026-01-02--03/part-0-0')).toBe('abc\ndef\n'));
    // part-0-1 is still in progress (it holds 4 bytes: not bigger than 5, so no roll on checkpoint).
    await eventually(() => expect(listFiles(t.dir).filter((f) => HIDDEN.test(f.split('/')[1]!))).toHaveLength(1));
    await t.client.cancel();
  });

  it('rolls by the rollover interval and the inactivity interval, checked every bucket check interval', async () => {
    const t = setup<string>(
      (dir) =>
        StreamingFileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
          .withBucketAssigner(new BasePathBucketAssigner<string>())
          .withRollingPolicy(DefaultRollingPolicy.builder().withRolloverInterval(10_000).withInactivityInterval(4_000).build())
          .withBucketCheckInterval(1_000)
          .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix('out').withPartSuffix('.txt').build())
          .build(),
      0,
    );
    await t.push('a');
    t.clock.advanceBy(3_000);
    await t.push('b');
    t.clock.advanceBy(3_000); // 3 s since the last write, 6 s old: keeps going
    await new Promise((r) => setTimeout(r, 30));
    await eventually(() => expect(listFiles(t.dir).filter((f) => f.startsWith('.out-0-0.txt.inprogress.'))).toHaveLength(1));
    await t.push('c');
    t.clock.advanceBy(4_000); // 10 s old: rolls by the rollover interval
    await new Promise((r) => setTimeout(r, 30));
    await t.push('d');
    await eventually(() => expect(listFiles(t.dir).map((f) => f.replace(/inprogress\..*/, 'inprogress.*'))).toEqual(['.out-0-0.txt.inprogress.*', '.out-0-1.txt.inprogress.*']));
    // Without checkpointing nothing is ever committed (Flink's behaviour).
    await eventually(() => expect(listFiles(t.dir).some((f) => !f.startsWith('.'))).toBe(false));
    await t.client.cancel();
  });

  it('with OnCheckpointRollingPolicy rolls and commits on every checkpoint', async () => {
    const t = setup<string>((dir) =>
      StreamingFileSink.forRowFormat(dir, new SimpleStringEncoder<string>()).withBucketAssigner(new BasePathBucketAssigner<string>()).withRollingPolicy(OnCheckpointRollingPolicy.build()).build(),
    );
    await t.push('a', 'b');
    await t.checkpoint(1000);
    await t.push('c');
    await t.checkpoint(1000);
    await waitFor(() => listFiles(t.dir).includes('part-0-1'), 'part-0-1');
    await eventually(() => expect(listFiles(t.dir)).toEqual(['part-0-0', 'part-0-1']));
    await eventually(() => expect(read(t.dir, 'part-0-0') + read(t.dir, 'part-0-1')).toBe('a\nb\nc\n'));
    await t.client.cancel();
  });
});

describe('FileSink', () => {
  it('names parts <prefix>-<uuid>-<counter> and commits everything at the end of bounded input', async () => {
    const dir = tempDir('filesink');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements('x', 'y', 'z')
      .sinkTo(FileSink.forRowFormat(dir, new SimpleStringEncoder<string>()).withBucketAssigner(new BasePathBucketAssigner<string>()).withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1).build()).build());
    await env.execute();
    const files = listFiles(dir);
    expect(files).toHaveLength(3);
    for (const f of files) expect(f).toMatch(/^part-[0-9a-f-]{36}-[0-2]$/);
    expect(files.map((f) => read(dir, f)).sort()).toEqual(['x\n', 'y\n', 'z\n']);
  });
});

describe('Avro container files', () => {
  const schema = { type: 'record', name: 'Event', fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }] };
  const decode = async (path: string) => {
    const out: unknown[] = [];
    await new Promise<void>((resolve, reject) => avro.createFileDecoder(path).on('data', (r: unknown) => out.push({ ...(r as object) })).on('end', resolve).on('error', reject));
    return out;
  };

  it('FileSink.forBulkFormat(AvroWriters.forGenericRecord) writes files avsc reads back, deflated', async () => {
    const dir = tempDir('avro-bulk');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const events = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `e${i}` }));
    env.fromCollection(events).sinkTo(FileSink.forBulkFormat(dir, AvroWriters.forGenericRecord<{ id: number; name: string }>(schema, { codec: 'deflate' })).withBucketAssigner(new BasePathBucketAssigner()).build());
    await env.execute();
    const files = listFiles(dir);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0]!)).subarray(0, 4).toString('latin1')).toBe('Obj\x01');
    expect(await decode(join(dir, files[0]!))).toEqual(events);
  });

  it('BucketingSink with AvroWriter ends a block at every checkpoint, so a file cut at the checkpointed length is valid', async () => {
    const t = setup<{ id: number; name: string }>((dir) => new BucketingSink<{ id: number; name: string }>(dir).setBucketer(new BasePathBucketer()).setWriter(new AvroWriter(schema)));
    await t.push({ id: 1, name: 'a' }, { id: 2, name: 'b' });
    await t.checkpoint(1000);
    expect(await decode(join(t.dir, '_part-0-0.in-progress'))).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    await t.client.cancel();
  });
});
