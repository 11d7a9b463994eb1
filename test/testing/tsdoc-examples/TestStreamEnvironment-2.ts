// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { MiniClusterTestEnvironment } from 'flink-ts/testing';
const cluster = new MiniClusterTestEnvironment({ parallelism: 4 });
const env = cluster.getExecutionEnvironment();
export {};
