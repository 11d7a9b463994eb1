import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Boundedness, InputStatus, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext } from '../../connector/Source.js';

/** A byte range of a file, read line by line. @internal */
export interface FileSplit {
  id: number;
  path: string;
  start: number;
  end: number;
  /** Next byte to read (a line start), or -1 before the first line was located. */
  position: number;
}

const CHUNK = 64 * 1024;
const MAX_SPLIT = 32 * 1024 * 1024;

/** Resolves `file://` URIs and plain paths. @internal */
export function localPath(path: string): string {
  if (path.startsWith('file:')) return fileURLToPath(path);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new Error(`Unsupported file system scheme in '${path}': only local paths and file:// URIs are supported here.`);
  }
  return path;
}

/**
 * The source of `readTextFile(path[, charset])`: reads a file (or every file of a directory, like Flink) once,
 * split into byte ranges over the parallel subtasks like Flink's `FileInputFormat` input splits: a line belongs to
 * the split it starts in. The position is checkpointed per split.
 * @internal
 */
export class TextFileSource implements Source<string, FileSplit> {
  constructor(
    private readonly path: string,
    private readonly charset: BufferEncoding,
  ) {}
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  private splits(parallelism: number): FileSplit[] {
    const root = localPath(this.path);
    let files: string[];
    try {
      const st = statSync(root);
      files = st.isDirectory()
        ? readdirSync(root)
            .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
            .sort()
            .map((n) => join(root, n))
            .filter((p) => statSync(p).isFile())
        : [root];
    } catch (e) {
      throw new Error(`readTextFile: cannot read '${this.path}': ${(e as Error).message}`, { cause: e });
    }
    const out: FileSplit[] = [];
    for (const f of files) {
      const size = statSync(f).size;
      const n = Math.max(1, Math.min(parallelism, Math.ceil(size / (1024 * 1024))), Math.ceil(size / MAX_SPLIT));
      for (let i = 0; i < n; i++) {
        const start = Math.floor((size * i) / n);
        const end = Math.floor((size * (i + 1)) / n);
        out.push({ id: out.length, path: f, start, end, position: start === 0 ? 0 : -1 });
      }
    }
    return out;
  }

  createReader(ctx: SourceReaderContext): SourceReader<string, FileSplit> {
    const all = (ctx.restoredState as FileSplit[] | undefined) ?? this.splits(ctx.parallelism);
    const mine = all.filter((s) => s.id % ctx.parallelism === ctx.subtaskIndex).map((s) => ({ ...s }));
    const charset = this.charset;
    const decoder = charset === 'utf8' || charset === 'utf-8' ? new TextDecoder('utf-8') : undefined;
    const buf = Buffer.allocUnsafe(CHUNK);
    let current = 0;
    let fd = -1;
    let fdPath = '';
    const open = (p: string) => {
      if (fdPath === p) return fd;
      if (fd >= 0) closeSync(fd);
      fd = openSync(p, 'r');
      fdPath = p;
      return fd;
    };
    // A line ends at "\n" encoded in the charset: one byte 0x0A, or for UTF-16LE the unit 0A 00 at an even offset.
    const nlLen = charset === 'utf16le' ? 2 : 1;
    const findNewline = (data: Buffer, from: number, fileOffset: number): number => {
      let i = data.indexOf(10, from);
      if (nlLen === 1) return i;
      while (i >= 0 && !((fileOffset + i) % 2 === 0 && i + 1 < data.length && data[i + 1] === 0)) i = data.indexOf(10, i + 1);
      return i;
    };
    const decode = (b: Buffer) => {
      let s = decoder ? decoder.decode(b) : b.toString(charset);
      if (s.endsWith('\r')) s = s.slice(0, -1);
      return s;
    };
    return {
      pollNext(out: ReaderOutput<string>): InputStatus {
        const s = mine[current];
        if (!s) return InputStatus.END_OF_INPUT;
        const f = open(s.path);
        if (s.position < 0) {
          // Skip the partial line that belongs to the previous split.
          let pos = Math.max(0, s.start - nlLen);
          for (;;) {
            const n = readSync(f, buf, 0, CHUNK, pos);
            if (n < nlLen) {
              pos = Number.MAX_SAFE_INTEGER;
              break;
            }
            const nl = findNewline(buf.subarray(0, n), 0, pos);
            if (nl >= 0) {
              pos += nl + nlLen;
              break;
            }
            pos += n - (nlLen - 1);
          }
          s.position = pos;
        }
        // Read whole lines that start before `end`.
        let emitted = 0;
        let carry: Buffer | undefined;
        let pos = s.position;
        while (emitted < 1024 && pos < s.end) {
          const n = readSync(f, buf, 0, CHUNK, pos + (carry?.length ?? 0));
          const data = carry ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
          if (n === 0) {
            if (data.length) out.collect(decode(data));
            pos = Number.MAX_SAFE_INTEGER;
            emitted++;
            carry = undefined;
            break;
          }
          let lineStart = 0;
          let nl: number;
          while ((nl = findNewline(data, lineStart, pos)) >= 0) {
            if (pos + lineStart >= s.end) break;
            out.collect(decode(data.subarray(lineStart, nl)));
            emitted++;
            lineStart = nl + nlLen;
          }
          pos += lineStart;
          carry = lineStart < data.length ? Buffer.from(data.subarray(lineStart)) : undefined;
          if (pos >= s.end) break;
        }
        s.position = pos;
        if (pos >= s.end) current++;
        return current < mine.length ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => mine.map((x) => ({ ...x })),
      close: () => {
        if (fd >= 0) closeSync(fd);
        fd = -1;
      },
    };
  }
}
