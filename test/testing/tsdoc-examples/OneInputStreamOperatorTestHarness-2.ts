// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { KeyedOneInputStreamOperatorTestHarness, KeyedProcessOperator } from 'flink-ts/testing';
const key = (v: string) => v[0]!;
const op = new KeyedProcessOperator<string, string, string>((v, ctx, out) => out.collect(`${ctx.getCurrentKey()}:${v}`), key);
const h = new KeyedOneInputStreamOperatorTestHarness(op, key, { maxParallelism: 128, parallelism: 1, subtaskIndex: 0 });
h.open();
h.processElement('ab', 1);
h.extractOutputValues(); // ['a:ab']
export {};
