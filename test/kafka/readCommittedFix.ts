/**
 * Works around a kafkajs 2.2.4 consumer bug for the sink tests' read_committed reads: `filterAbortedMessages`
 * (src/consumer/filterAbortedMessages.js) activates at most one aborted transaction per message and expects the
 * broker's aborted-transaction list in first-offset order, but Kafka lists them in abort (last offset) order. When
 * transactions of several producers overlap in a partition and end in a different order than they began (two sink
 * subtasks aborted at a failover), the first records of an aborted transaction are returned as if committed.
 * Java's consumer does not do that. This patch filters the decoded fetch responses correctly and hands kafkajs an
 * empty aborted list. (Reported in docs/kafka-sink.md; the Kafka source reads with the same kafkajs code.)
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

interface AbortedTxn {
  producerId: string;
  firstOffset: string;
}
interface DecodedMessage {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}

function filterAborted(messages: DecodedMessage[], aborted: AbortedTxn[]): DecodedMessage[] {
  const pending = [...aborted].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : 1));
  const active = new Set<string>();
  return messages.filter((m) => {
    const offset = BigInt(m.offset);
    while (pending.length > 0 && offset >= BigInt(pending[0]!.firstOffset)) active.add(pending.shift()!.producerId);
    const { producerId, inTransaction } = m.batchContext;
    if (m.isControlRecord && m.key && Buffer.from(m.key).equals(ABORT_MARKER_KEY)) {
      active.delete(producerId);
      return true;
    }
    return !(inTransaction && active.has(producerId));
  });
}

/** Patches kafkajs's Fetch v4-v11 response decoders (idempotent). */
export function installReadCommittedFix(): void {
  for (let v = 4; v <= 11; v++) {
    let mod: { decode: (raw: Buffer) => Promise<{ responses: Array<{ partitions: Array<{ abortedTransactions?: AbortedTxn[]; messages: DecodedMessage[] }> }> }>; __flinkTsPatched?: boolean };
    try {
      mod = require(`kafkajs/src/protocol/requests/fetch/v${v}/response.js`);
    } catch {
      continue;
    }
    if (mod.__flinkTsPatched) continue;
    const decode = mod.decode;
    mod.decode = async (raw) => {
      const result = await decode(raw);
      for (const topic of result.responses) {
        for (const p of topic.partitions) {
          if (p.abortedTransactions && p.abortedTransactions.length > 0) {
            p.messages = filterAborted(p.messages, p.abortedTransactions);
            p.abortedTransactions = [];
          }
        }
      }
      return result;
    };
    mod.__flinkTsPatched = true;
  }
}
