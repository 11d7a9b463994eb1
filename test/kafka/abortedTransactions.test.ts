import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { filterAbortedTransactions } from '../../connectors/kafka/KafkaClientAdapter.js';

const require = createRequire(import.meta.url);
const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

type Msg = { offset: string; key: Buffer | null; isControlRecord?: boolean; batchContext: { producerId: string; inTransaction: boolean } };
const rec = (offset: number, producerId: string): Msg => ({ offset: String(offset), key: null, batchContext: { producerId, inTransaction: true } });
const marker = (offset: number, producerId: string, key: Buffer): Msg => ({ offset: String(offset), key, isControlRecord: true, batchContext: { producerId, inTransaction: true } });
const data = (ms: Msg[]) => ms.filter((m) => !m.isControlRecord).map((m) => Number(m.offset));

describe('read_committed filtering of aborted transactions', () => {
  // Two sink subtasks (producers 7 and 9) with overlapping transactions, both aborted at a failover, the later one
  // first: the broker lists aborted transactions in abort order (9, then 7).
  const messages = [rec(0, '7'), rec(1, '9'), rec(2, '7'), marker(3, '9', ABORT), rec(4, '7'), marker(5, '7', ABORT), rec(6, '7'), marker(7, '7', COMMIT)];
  const aborted = [
    { producerId: '9', firstOffset: '1' },
    { producerId: '7', firstOffset: '0' },
  ];

  it('drops every record of both aborted transactions, like Java consumers, and keeps the committed one', () => {
    expect(data(filterAbortedTransactions(messages, aborted))).toEqual([6]);
  });

  it("kafkajs 2.2.4's own filter lets records of the earlier-begun aborted transaction through (why we filter)", () => {
    const kafkajsFilter = require('kafkajs/src/consumer/filterAbortedMessages.js') as (a: { messages: Msg[]; abortedTransactions: typeof aborted }) => Msg[];
    expect(data(kafkajsFilter({ messages, abortedTransactions: aborted }))).not.toEqual([6]);
  });
});
