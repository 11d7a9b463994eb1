import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { LMDB_OPTIONS, lmdbModulePath } from './lmdbStore.js';

/** Slots of a copy's signal: the store is copied (it may take writes again); the result was posted. */
const COPIED = 0;
const DONE = 1;

/**
 * The worker's code, plain JavaScript (so that it runs the same from the TypeScript sources under test and from
 * dist/). A copy is LMDB's own compacting copy of the environment (`backup`, native, in libuv's thread pool),
 * read back as one buffer, with its SHA-256.
 */
const WORKER_SOURCE = `
const COPIED = ${COPIED}, DONE = ${DONE};
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
let open, loadError;
try {
  open = require(workerData.lmdb).open;
} catch (e) {
  loadError = e;
}
const stores = new Map();
parentPort.on('message', async (m) => {
  if (m.close !== undefined) {
    const db = stores.get(m.close);
    stores.delete(m.close);
    await Promise.resolve(db && db.close()).catch(() => undefined);
    m.port.postMessage('closed');
    return;
  }
  const signal = new Int32Array(m.signal);
  const set = (slot) => {
    Atomics.store(signal, slot, 1);
    Atomics.notify(signal, slot);
  };
  let result;
  try {
    if (loadError) throw loadError;
    let db = stores.get(m.path);
    if (!db) stores.set(m.path, (db = open({ ...workerData.options, path: m.path })));
    rmSync(m.target, { recursive: true, force: true });
    mkdirSync(m.target, { recursive: true });
    await db.backup(m.target, true);
    set(COPIED);
    let data = readFileSync(join(m.target, 'data.mdb'));
    if (data.byteOffset !== 0 || data.buffer.byteLength !== data.length) data = Buffer.from(Uint8Array.prototype.slice.call(data));
    result = { data, sha256: createHash('sha256').update(data).digest('hex') };
  } catch (e) {
    result = { error: String((e && e.stack) || e) };
  } finally {
    rmSync(m.target, { recursive: true, force: true });
  }
  if (result.data) m.port.postMessage(result, [result.data.buffer]);
  else m.port.postMessage(result);
  set(COPIED);
  set(DONE);
});
`;

/** How long the task thread waits, blocked, for a copy it needs now. */
const WAIT_MS = 60_000;

type Result = { data: Buffer; sha256: string } | { error: string };

/** A copy of a store being made by the {@link StoreSnapshotThread}. @internal */
export class StoreSnapshot {
  /** Resolves (never rejects) once the copy is done; read it with {@link take}. */
  readonly ready: Promise<void>;
  private result: Result | undefined;
  private resolveReady!: () => void;

  constructor(
    private readonly signal: Int32Array,
    private readonly port: MessagePort,
    private readonly onSettled: (s: StoreSnapshot) => void,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    // The listener also keeps the process alive until the result is in (the thread itself does not).
    port.once('message', (m) => this.settle(m));
  }

  /** @internal */
  settle(m: unknown): void {
    if (this.result) return;
    const r = m as { data: Uint8Array; sha256: string } | { error: string } | undefined;
    if (!r) this.result = { error: 'the snapshot thread ended without a result' };
    else if ('error' in r) this.result = r;
    else this.result = { data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length), sha256: r.sha256 };
    this.port.close();
    this.onSettled(this);
    this.resolveReady();
  }

  /** Whether the store has been copied (reading the copy back may still be going on): it may take writes again. */
  get copied(): boolean {
    return this.result !== undefined || Atomics.load(this.signal, COPIED) === 1;
  }

  /** Whether the result is in (then {@link take} does not wait). */
  get done(): boolean {
    return this.result !== undefined || Atomics.load(this.signal, DONE) === 1;
  }

  /** The copy (the environment's data file) and its SHA-256; waits, blocking the thread, if it is not done yet. */
  take(): { data: Buffer; sha256: string } {
    if (!this.result) {
      if (Atomics.wait(this.signal, DONE, 0, WAIT_MS) === 'timed-out') throw new Error(`The snapshot thread did not finish a copy of the store within ${WAIT_MS} ms.`);
      // Posted before the signal was set, not dispatched to the listener yet (else the result would be in).
      this.settle(receiveMessageOnPort(this.port)?.message);
    }
    const r = this.result!;
    if ('error' in r) throw new Error(`Copying the embedded store failed: ${r.error}`);
    return r;
  }
}

/**
 * A thread that copies embedded (LMDB) stores for full snapshots, the counterpart of the hard-link checkpoint of
 * Flink's RocksDB backend: LMDB copies its own pages (natively, off the JS threads), so a full snapshot costs the
 * task thread no work per record. The copy sees the store as it is when the copy's read transaction starts, at some
 * point after {@link copy} returns: the caller must not write to the store until the copy is done. One per process,
 * created on first use; it does not keep the process alive.
 * @internal
 */
export class StoreSnapshotThread {
  private static instance: StoreSnapshotThread | undefined;
  private readonly worker: Worker;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;
  private readonly running = new Set<StoreSnapshot>();

  private constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { lmdb: lmdbModulePath(), options: LMDB_OPTIONS } });
    this.worker.unref();
    this.worker.on('error', (e) => (this.failure = e));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.failure ??= new Error('the snapshot thread exited');
        if (StoreSnapshotThread.instance === this) StoreSnapshotThread.instance = undefined;
        for (const s of this.running) s.settle({ error: this.failure.message });
        resolve();
      }),
    );
  }

  static shared(): StoreSnapshotThread {
    return (StoreSnapshotThread.instance ??= new StoreSnapshotThread());
  }

  /**
   * Starts a copy of the store whose environment is the directory `path`, written temporarily to the directory
   * `target` (deleted once read).
   */
  copy(path: string, target: string): StoreSnapshot {
    if (this.failure) throw new Error(`The snapshot thread is not available: ${this.failure.message}`, { cause: this.failure });
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ path, target, signal: signal.buffer, port: port2 }, [port2]);
    const s = new StoreSnapshot(signal, port1, (done) => this.running.delete(done));
    this.running.add(s);
    return s;
  }

  /** Closes the thread's handle on the store at `path` (before the store is deleted). */
  async close(path: string): Promise<void> {
    if (this.failure) return;
    const { port1, port2 } = new MessageChannel();
    const closed = new Promise<void>((resolve) => port1.once('message', () => resolve()));
    this.worker.postMessage({ close: path, port: port2 }, [port2]);
    // The port's listener keeps the process alive meanwhile (the thread is unref'ed).
    await Promise.race([closed, this.exited]);
    port1.close();
  }
}
