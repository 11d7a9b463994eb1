// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { formatOutput, StreamRecord } from 'flink-ts/testing';
import { Watermark } from 'flink-ts';
formatOutput([new StreamRecord('a', 1), new Watermark(5)]); // '"a" @ 1\n-- watermark 5 --'
export {};
