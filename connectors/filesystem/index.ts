/**
 * File sinks (BucketingSink, StreamingFileSink, FileSink) on local disk and HDFS (WebHDFS), exactly once with
 * checkpointing. Importing this module registers WebHDFS for `hdfs://` and `webhdfs://` (sinks and checkpoint storage).
 * @packageDocumentation
 */
import { registerWebHdfs } from './fs/resolveFileSystem.js';

export { BucketingSink } from './bucketing/BucketingSink.js';
export { DateTimeBucketer, BasePathBucketer, type Bucketer, type Clock } from './bucketing/Bucketer.js';
export { StreamWriterBase, type Writer } from './writers/Writer.js';
export { StringWriter } from './writers/StringWriter.js';
export { CsvWriter } from './writers/CsvWriter.js';
export { JsonLinesWriter } from './writers/JsonLinesWriter.js';
export { AvroWriter } from './writers/AvroWriter.js';
export type { AvroContainerOptions, AvroSchemaLike } from './writers/AvroContainer.js';

export { StreamingFileSink, FileSink, FileSinkBuilder } from './streaming/StreamingFileSink.js';
export { DateTimeBucketAssigner, BasePathBucketAssigner, type BucketAssigner, type BucketAssignerContext } from './streaming/BucketAssigner.js';
export {
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  OnCheckpointRollingPolicy,
  CheckpointRollingPolicy,
  type RollingPolicy,
  type PartFileInfo,
} from './streaming/RollingPolicy.js';
export { OutputFileConfig, OutputFileConfigBuilder } from './streaming/OutputFileConfig.js';
export { SimpleStringEncoder, CsvEncoder, JsonLinesEncoder, type Encoder } from './streaming/Encoder.js';
export { AvroWriters, type BulkWriter, type BulkWriterFactory } from './streaming/BulkWriter.js';

export { PartFileOutput } from './internal/PartFileOutput.js';
export { FileSystemException, type SinkFileSystem, type RecoverableOutputStream, type FileStatus } from './fs/SinkFileSystem.js';
export { LocalSinkFileSystem } from './fs/LocalSinkFileSystem.js';
export { WebHdfsFileSystem, type WebHdfsOptions } from './hdfs/WebHdfsFileSystem.js';
export { registerWebHdfs, resolveSinkFileSystem, type RegisterWebHdfsOptions } from './fs/resolveFileSystem.js';

registerWebHdfs();
