export * from 'flink-ts';
export { LocalFileSystem as LocalFileSystemForTests } from '../../lib/runtime/checkpoint/FileSystem.js';
