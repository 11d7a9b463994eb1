import { createRequire } from 'node:module';

/** The part of the `lmdb` package the embedded backend uses. @internal */
export interface LmdbDatabase {
  /** A copy of the value, or undefined. */
  getBinary(key: Uint8Array): Buffer | undefined;
  putSync(key: Uint8Array, value: Uint8Array): boolean;
  removeSync(key: Uint8Array): boolean;
  transactionSync<T>(fn: () => T): T;
  getRange(options?: { start?: Uint8Array; end?: Uint8Array }): Iterable<{ key: Buffer; value: Buffer }>;
  getKeys(options?: { start?: Uint8Array; end?: Uint8Array }): Iterable<Buffer>;
  /** A copy of the whole store into the directory `path` (`compact`: without free pages), made off the JS thread. */
  backup(path: string, compact: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * How stores are opened, by the task thread and by the snapshot thread (which must open the same environment the
 * same way). Binary keys and values: the backend serializes them itself.
 * @internal
 */
export const LMDB_OPTIONS = { keyEncoding: 'binary', encoding: 'binary', compression: false, cache: false, noSync: true, noMemInit: true };

/** Where `require('lmdb')` resolves (loaded lazily: only jobs with an embedded backend need the native binary). @internal */
export function lmdbModulePath(): string {
  return createRequire(import.meta.url).resolve('lmdb');
}

let lmdbOpen: ((options: Record<string, unknown>) => LmdbDatabase) | undefined;

/** Opens (creating it if needed) the store whose environment is the directory `path`. @internal */
export function openLmdb(path: string, extra: Record<string, unknown> = {}): LmdbDatabase {
  lmdbOpen ??= (createRequire(import.meta.url)('lmdb') as { open: typeof lmdbOpen }).open;
  return lmdbOpen!({ path, ...LMDB_OPTIONS, ...extra });
}
