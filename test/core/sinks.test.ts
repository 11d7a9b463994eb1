import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamExecutionEnvironment, Tuple2, Tuple3, WriteMode } from 'flink-ts';
import { TagSubtask } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'flink-ts-sinks-'));

/** Runs `body` while capturing what is written to stdout or stderr; returns the lines. */
async function capture(stream: 'stdout' | 'stderr', body: () => Promise<unknown>): Promise<string[]> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('').split('\n').filter((l) => l.length > 0);
}

afterEach(() => vi.restoreAllMocks());

describe('print / printToErr prefix rule (flink-semantics §2.7)', () => {
  it('at parallelism 1 without an identifier prints the record only', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('hello', 'world').print();
    expect(await capture('stdout', () => env.execute())).toEqual(['hello', 'world']);
  });

  it('at parallelism 1 with an identifier prints "id> record"', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('x').print('out');
    expect(await capture('stdout', () => env.execute())).toEqual(['out> x']);
  });

  it('at parallelism 3 prefixes the 1-based subtask index: "3> record"', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    env.fromSequence(1, 30).map(new TagSubtask<number>()).print();
    const lines = await capture('stdout', () => env.execute());
    expect(lines.length).toBe(30);
    for (const line of lines) {
      const m = /^(\d)> \((\d),(\d+)\)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBe(Number(m![2]) + 1);
    }
    expect(new Set(lines.map((l) => l[0]))).toEqual(new Set(['1', '2', '3']));
  });

  it('at parallelism 2 with an identifier prints "id:2> record"', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(1, 4).print('out');
    const lines = await capture('stdout', () => env.execute());
    expect(lines.sort()).toEqual(['out:1> 1', 'out:1> 2', 'out:2> 3', 'out:2> 4']);
  });

  it('printToErr writes to stderr with the same rule, and nothing to stdout', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(1, 2).printToErr('err');
    let stdout: string[] = [];
    const stderr = await capture('stderr', async () => {
      stdout = await capture('stdout', () => env.execute());
    });
    expect(stderr.sort()).toEqual(['err:1> 1', 'err:2> 2']);
    expect(stdout).toEqual([]);
  });

  it('prints tuples like Flink: (a,1)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements<Tuple2<string, unknown>>(new Tuple2('a', 1), new Tuple2('b', new Tuple2(true, null))).print();
    expect(await capture('stdout', () => env.execute())).toEqual(['(a,1)', '(b,(true,null))']);
  });

  it('sinks are named like Flink', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const s = env.fromElements(1);
    expect(JSON.parse((s.print(), s.printToErr(), env.getExecutionPlan())).nodes.slice(1).map((n: { type: string }) => n.type)).toEqual([
      'Sink: Print to Std. Out',
      'Sink: Print to Std. Err',
    ]);
  });
});

describe('writeAsText / writeAsCsv', () => {
  it('at parallelism 1 writes one file with a line per record', async () => {
    const file = join(tmp(), 'out.txt');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('a', 'b', new Tuple2('c', 1) as unknown as string).writeAsText(file);
    await env.execute();
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n(c,1)\n');
  });

  it('at parallelism 2 writes a directory with files "1" and "2", one per subtask', async () => {
    const dir = join(tmp(), 'out');
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(1, 10).writeAsText(dir);
    await env.execute();
    expect(readdirSync(dir).sort()).toEqual(['1', '2']);
    expect(readFileSync(join(dir, '1'), 'utf8')).toBe('1\n2\n3\n4\n5\n');
    expect(readFileSync(join(dir, '2'), 'utf8')).toBe('6\n7\n8\n9\n10\n');
  });

  it('does not overwrite an existing file by default (NO_OVERWRITE)', async () => {
    const file = join(tmp(), 'exists.txt');
    writeFileSync(file, 'old\n');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('new').writeAsText(file);
    const err = await env.execute().catch((e: Error) => e);
    expect(String((err as Error).cause)).toBe(
      `Error: File or directory ${file} already exists. Existing files and directories are not overwritten in NO_OVERWRITE mode. Use OVERWRITE mode to overwrite existing files and directories.`,
    );
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });

  it('at parallelism 2 writes into an existing directory but does not overwrite its files by default', async () => {
    const dir = join(tmp(), 'out');
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(1, 4).writeAsText(dir);
    await env.execute();
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(2);
    env2.fromSequence(5, 8).writeAsText(dir);
    const err = await env2.execute().catch((e: Error) => e);
    expect(String((err as Error).cause)).toMatch(/^Error: File or directory .*[\\/]out[\\/][12] already exists\./);
    const env3 = StreamExecutionEnvironment.createLocalEnvironment(2);
    env3.fromSequence(5, 8).writeAsText(dir, WriteMode.OVERWRITE);
    await env3.execute();
    expect(readFileSync(join(dir, '1'), 'utf8') + readFileSync(join(dir, '2'), 'utf8')).toBe('5\n6\n7\n8\n');
  });

  it('replaces an existing file with OVERWRITE', async () => {
    const file = join(tmp(), 'exists.txt');
    writeFileSync(file, 'old\nold\nold\n');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('new').writeAsText(file, WriteMode.OVERWRITE);
    await env.execute();
    expect(readFileSync(file, 'utf8')).toBe('new\n');
  });

  it('writeAsCsv writes tuple fields separated by "," with "\\n" rows, and custom delimiters', async () => {
    const dir = tmp();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const s = env.fromElements<Tuple3<string, number, boolean | null>>(new Tuple3('a', 1, true), new Tuple3('b', 2.5, null));
    s.writeAsCsv(join(dir, 'default.csv'));
    s.writeAsCsv(join(dir, 'custom.csv'), WriteMode.OVERWRITE, ';\n', '|');
    await env.execute();
    expect(readFileSync(join(dir, 'default.csv'), 'utf8')).toBe('a,1,true\nb,2.5,\n');
    expect(readFileSync(join(dir, 'custom.csv'), 'utf8')).toBe('a|1|true;\nb|2.5|;\n');
  });

  it('writeAsCsv of a stream of non-tuples fails with Flink message', async () => {
    const file = join(tmp(), 'bad.csv');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements({ a: 1 }).writeAsCsv(file);
    const err = await env.execute().catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain('The writeAsCsv() method can only be used on data streams of tuples.');
  });

  it('writes nothing but an empty file when nothing arrives', async () => {
    const file = join(tmp(), 'empty.txt');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1).filter(() => false).writeAsText(file);
    await env.execute();
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});

describe('writeToSocket', () => {
  it('writes the serialized records to a TCP server, at parallelism 1', async () => {
    let received = '';
    let connections = 0;
    let closed!: () => void;
    const done = new Promise<void>((r) => (closed = r));
    const server = createServer((sock) => {
      connections++;
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => (received += d));
      sock.on('end', () => closed());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const env = StreamExecutionEnvironment.createLocalEnvironment(2);
      env.fromSequence(1, 100).map((n) => `n${n}`).writeToSocket('127.0.0.1', port, { serialize: (s: string) => Buffer.from(s + '\n') });
      await env.execute();
      await done;
      const lines = received.split('\n').filter((l) => l);
      expect(lines.length).toBe(100);
      expect(lines.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `n${i + 1}`).sort());
      expect(connections).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('fails the job when the server cannot be reached', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('x').writeToSocket('127.0.0.1', port, { serialize: (s: string) => Buffer.from(s) });
    const err = await env.execute().catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain(`Cannot connect to socket server at 127.0.0.1:${port}`);
  });
});
