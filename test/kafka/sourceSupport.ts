// Shared helpers of the Kafka source integration tests (test/kafka/source*.it.test.ts).
import { StreamExecutionEnvironment, type DataStream, type JobClient } from 'flink-ts';
import { createKafka, waitFor } from '../support/kafka.js';

export interface RunningJob<T> {
  out: T[];
  client: JobClient;
}

/** Runs the job with a sink that appends to `out` (a closure: sink objects are copied per subtask, functions are not). */
export function startJob<T>(env: StreamExecutionEnvironment, stream: DataStream<T>, name = 'kafka-source-it'): RunningJob<T> {
  const out: T[] = [];
  stream.addSink((v: T) => {
    out.push(v);
  });
  const client = env.executeAsync(name);
  client.getJobExecutionResult().catch(() => undefined);
  return { out, client };
}

/** Metric values whose name ends with `suffix`. */
export function metrics(client: JobClient, suffix: string): Array<[string, unknown]> {
  return Object.entries(client.getMetrics()).filter(([k]) => k.endsWith(suffix));
}

/** Waits until `n` partitions have a resolved position (the consumer is reading: currentOffset(s) >= -1). */
export async function waitReading(client: JobClient, n: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => metrics(client, '.currentOffsets').concat(metrics(client, '.currentOffset')).filter(([, v]) => (v as number) >= -1).length >= n, {
    timeoutMs,
    message: () => `${n} partitions reading; metrics ${JSON.stringify(client.getMetrics())}`,
  });
}

export async function waitCount<T>(out: T[], n: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => out.length >= n, { timeoutMs, message: () => `${n} records, got ${out.length}: ${JSON.stringify(out.slice(0, 20))}` });
}

/** Committed offsets of a group for a topic, by partition (-1 when none), as Kafka tools see them. */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = createKafka('flink-ts-it-admin').admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Commits offsets for a group that has no members (admin.setOffsets, as a Kafka tool would). */
export async function setGroupOffsets(groupId: string, topic: string, offsets: Record<number, number>): Promise<void> {
  const admin = createKafka('flink-ts-it-admin').admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions: Object.entries(offsets).map(([p, o]) => ({ partition: Number(p), offset: String(o) })) });
  } finally {
    await admin.disconnect();
  }
}

export async function groupMembers(groupId: string): Promise<number> {
  const admin = createKafka('flink-ts-it-admin').admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

export async function cancel(job: RunningJob<unknown>): Promise<void> {
  await job.client.cancel().catch(() => undefined);
}
