import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findLatestCompletedCheckpoint, RestartStrategies, RocksDBStateBackend, StreamExecutionEnvironment, type SinkFunction } from 'flink-ts';
import {
  BasePathBucketAssigner,
  BasePathBucketer,
  BucketingSink,
  DefaultRollingPolicy,
  SimpleStringEncoder,
  StreamingFileSink,
  WebHdfsFileSystem,
  registerWebHdfs,
} from 'flink-ts/connectors/filesystem';
import { countingSource, type CountingControl } from './helpers.js';

const namenode = inject('hdfsNamenode');
const httpAddress = inject('hdfsHttpAddress');
const authority = new URL(namenode).host;
const fs = new WebHdfsFileSystem({ httpAddress, authority });
const N = 1500;

beforeAll(() => {
  registerWebHdfs({ httpAddresses: { [authority]: httpAddress } });
});

/** Lines of the finished part files under an HDFS directory (recursively). */
async function finishedLinesOnHdfs(dir: string): Promise<{ lines: string[]; names: string[] }> {
  const lines: string[] = [];
  const names: string[] = [];
  const walk = async (d: string) => {
    for (const st of await fs.listStatus(d)) {
      if (st.isDir) await walk(st.path);
      else {
        names.push(st.name);
        if (st.name.startsWith('_') || st.name.startsWith('.')) continue;
        lines.push(...(await fs.readFile(st.path)).toString('utf8').split('\n').filter(Boolean));
      }
    }
  };
  await walk(dir);
  return { lines, names };
}

function expectEveryRecordOnce(lines: string[]) {
  const seen = lines.map(Number).sort((a, b) => a - b);
  expect(seen.filter((v, i) => i > 0 && seen[i - 1] === v)).toEqual([]);
  expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
}

async function runJob(sink: SinkFunction<string>, failAt: number[], configure?: (env: StreamExecutionEnvironment) => void, control: CountingControl = { completed: [], emitted: 0 }) {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(100).setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 0));
  configure?.(env);
  const pending = [...failAt];
  let failures = 0;
  env
    .addSource(countingSource(N, control, { every: 50, pauseMs: 10, settleCheckpoints: 3, settleMs: 500 }))
    .map((v: number) => {
      if (pending.length && v === pending[0]) {
        pending.shift();
        failures++;
        throw new Error(`injected failure at record ${v}`);
      }
      return String(v);
    })
    .addSink(sink)
    .name('files');
  await env.execute('hdfs exactly-once');
  return failures;
}

describe('WebHDFS file system (real HDFS MiniCluster)', () => {
  it('creates, appends, renames, truncates (waiting for block recovery) and lists, following DataNode redirects', async () => {
    const dir = `/it/${randomUUID()}`;
    const out = await fs.create(`${dir}/a/file`);
    out.write(Buffer.from('hello '));
    await out.persist();
    out.write(Buffer.from('world\n'));
    await out.close();
    expect((await fs.readFile(`${dir}/a/file`)).toString()).toBe('hello world\n');
    const again = await fs.append(`${dir}/a/file`);
    expect(again.getPos()).toBe(12);
    again.write(Buffer.from('more\n'));
    await again.close();
    expect(await fs.truncate(`${dir}/a/file`, 5)).toBe(true);
    expect((await fs.readFile(`${dir}/a/file`)).toString()).toBe('hello');
    await fs.rename(`${dir}/a/file`, `${dir}/a/renamed`);
    expect((await fs.listStatus(`${dir}/a`)).map((s) => [s.name, s.length])).toEqual([['renamed', 5]]);
    await expect(fs.rename(`${dir}/a/missing`, `${dir}/a/x`)).rejects.toThrow(/Could not rename to 'hdfs:.*\/a\/x' 'hdfs:.*\/a\/missing': the file does not exist/);
    expect(await fs.getFileStatus(`${dir}/nope`)).toBeNull();
    await fs.delete(dir);
    expect(await fs.exists(dir)).toBe(false);
  });

  it('an unreachable NameNode is an error naming the path and the address', async () => {
    const down = new WebHdfsFileSystem({ httpAddress: '127.0.0.1:1', authority: '127.0.0.1:2' });
    await expect(down.mkdirs('/x/y')).rejects.toThrow(/Could not create the directory 'hdfs:\/\/127\.0\.0\.1:2\/x\/y': the NameNode\/DataNode of HDFS at hdfs:\/\/127\.0\.0\.1:2 \(WebHDFS http:\/\/127\.0\.0\.1:1\) is unreachable \(ECONNREFUSED\)/);
  });
});

describe('file sinks on HDFS: exactly once across failures', () => {
  it('BucketingSink to hdfs://: every record exactly once in finished files, in-progress files truncated with WebHDFS TRUNCATE', async () => {
    const base = `/it/${randomUUID()}/bucketing`;
    const sink = new BucketingSink<string>(`${namenode}${base}`).setBucketer(new BasePathBucketer()).setBatchSize(2000).setInactiveBucketCheckInterval(50).setInactiveBucketThreshold(200);
    expect(await runJob(sink, [444, 1111])).toBe(2);
    const { lines, names } = await finishedLinesOnHdfs(base);
    expect(names.filter((n) => n.startsWith('_'))).toEqual([]);
    expectEveryRecordOnce(lines);
  });

  it('StreamingFileSink to hdfs://: in-progress files are cut back and resumed; every record exactly once', async () => {
    const base = `/it/${randomUUID()}/streaming`;
    const sink = StreamingFileSink.forRowFormat(`${namenode}${base}`, new SimpleStringEncoder<string>())
      .withBucketAssigner(new BasePathBucketAssigner<string>())
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(2000).withInactivityInterval(200).build())
      .withBucketCheckInterval(50)
      .build();
    expect(await runJob(sink, [777])).toBe(1);
    const { lines, names } = await finishedLinesOnHdfs(base);
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    expectEveryRecordOnce(lines);
  });

  it('a job writing to an HDFS that is down fails with an error naming the path', async () => {
    registerWebHdfs({ httpAddresses: { [authority]: httpAddress, '127.0.0.1:2': '127.0.0.1:1' } });
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setRestartStrategy(RestartStrategies.noRestart());
    env.fromElements('a').addSink(new BucketingSink<string>('hdfs://127.0.0.1:2/flink/out')).name('files');
    await expect(env.execute()).rejects.toThrow(/hdfs:\/\/127\.0\.0\.1:2\/flink\/out.*unreachable \(ECONNREFUSED\)/s);
  });
});

describe('HDFS going down mid-job', () => {
  it('the job fails while the NameNode is unreachable, restarts from the checkpoint once it is back, and the finished files hold every record exactly once', async () => {
    // WebHDFS through a TCP proxy that the test takes down and brings back (the NameNode "restarts").
    const [host, port] = httpAddress.split(':') as [string, string];
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(Number(port), host);
      sockets.add(client).add(upstream);
      client.on('close', () => sockets.delete(client));
      upstream.on('close', () => sockets.delete(upstream));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const flakyAuthority = `127.0.0.1:${proxyPort + 1}`;
    registerWebHdfs({ httpAddresses: { [authority]: httpAddress, [flakyAuthority]: `127.0.0.1:${proxyPort}` } });
    const base = `/it/${randomUUID()}/flaky`;
    const sink = new BucketingSink<string>(`hdfs://${flakyAuthority}${base}`).setBucketer(new BasePathBucketer()).setBatchSize(2000).setInactiveBucketCheckInterval(50).setInactiveBucketThreshold(200);
    const control: CountingControl = { completed: [], emitted: 0 };
    const outage = (async () => {
      while (control.completed.length < 3) await new Promise((r) => setTimeout(r, 10));
      await new Promise<void>((r) => {
        proxy.close(() => r());
        for (const s of sockets) s.destroy();
      });
      await new Promise((r) => setTimeout(r, 1500));
      await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
    })();
    const warn = console.warn;
    const restarts: string[] = [];
    console.warn = (m: unknown) => void restarts.push(String(m));
    try {
      await runJob(sink, [], (env) => env.setRestartStrategy(RestartStrategies.fixedDelayRestart(20, 300)), control);
    } finally {
      console.warn = warn;
      await outage;
      proxy.close();
    }
    expect(restarts.some((m) => m.includes(`hdfs://${flakyAuthority}`) && /unreachable \((ECONNREFUSED|ECONNRESET)\)/.test(m))).toBe(true);
    const { lines, names } = await finishedLinesOnHdfs(base);
    expect(names.filter((n) => n.startsWith('_'))).toEqual([]);
    expectEveryRecordOnce(lines);
  });
});

describe('checkpoint storage on hdfs://', () => {
  it("new RocksDBStateBackend('hdfs://…', true) writes checkpoints (chk-<n>/_metadata) to HDFS and a failed job restores from them", async () => {
    const base = `/it/${randomUUID()}/checkpoints`;
    const out = `/it/${randomUUID()}/out`;
    const sink = StreamingFileSink.forRowFormat(`${namenode}${out}`, new SimpleStringEncoder<string>())
      .withBucketAssigner(new BasePathBucketAssigner<string>())
      .withRollingPolicy(DefaultRollingPolicy.builder().withInactivityInterval(200).build())
      .withBucketCheckInterval(50)
      .build();
    const metadata = new Set<string>();
    let latestSeen: string | undefined;
    let watching = true;
    const watch = (async () => {
      const walk = async (d: string): Promise<void> => {
        for (const st of await fs.listStatus(d).catch(() => [])) {
          if (st.isDir) await walk(st.path);
          else if (st.name === '_metadata') metadata.add(st.path.slice(base.length));
        }
      };
      while (watching) {
        await walk(base);
        latestSeen = (await findLatestCompletedCheckpoint(`${namenode}${base}`).catch(() => undefined)) ?? latestSeen;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const failures = await runJob(sink, [900], (env) => env.setStateBackend(new RocksDBStateBackend(`${namenode}${base}`, true)));
      expect(failures).toBe(1);
    } finally {
      watching = false;
      await watch;
    }
    expect([...metadata].some((p) => /\/chk-\d+\/_metadata$/.test(p))).toBe(true);
    // What `flink run -s` takes, found while the job ran: an hdfs:// URI, not a path the restore would take as local.
    expect(latestSeen).toMatch(new RegExp(`^${namenode.replace(/[/.]/g, '\\$&')}${base}/[0-9a-f]+/chk-\\d+$`));
    expectEveryRecordOnce((await finishedLinesOnHdfs(out)).lines);
  });
});
