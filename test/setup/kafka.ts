/**
 * vitest globalSetup of the 'it' project: one Kafka broker for all integration tests.
 *
 * - KAFKA_BOOTSTRAP_SERVERS set: reuse that broker (it must answer, or the run fails with the reason).
 * - otherwise: start a single-node KRaft broker from Maven Central jars (scripts/kafka/broker.mjs; KAFKA_VERSION picks
 *   the version) and stop it in teardown.
 *
 * Tests read the address with `inject('kafkaBootstrapServers')` (see test/support/kafka.ts). The address is also put
 * into process.env.KAFKA_BOOTSTRAP_SERVERS of this process, which vitest 4.1 copies into the forked workers it starts
 * afterwards; `provide`/`inject` is the documented channel and is what the helpers use.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { TestProject } from 'vitest/node';
import { startKafkaBroker, type KafkaBroker } from '../../scripts/kafka/broker.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrapServers: string;
  }
}

async function checkBrokerAnswers(bootstrapServers: string): Promise<void> {
  const kafka = new Kafka({
    brokers: bootstrapServers.split(',').map((s) => s.trim()),
    clientId: 'flink-ts-it-setup',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(
      `KAFKA_BOOTSTRAP_SERVERS=${bootstrapServers} does not answer (${(error as Error).message}). ` +
        'Start it (node scripts/kafka/broker.mjs start), or unset KAFKA_BOOTSTRAP_SERVERS to let the tests start their own broker.',
      { cause: error },
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
  let broker: KafkaBroker | undefined;
  let bootstrapServers: string;
  if (given) {
    await checkBrokerAnswers(given);
    bootstrapServers = given;
    console.log(`[kafka] using KAFKA_BOOTSTRAP_SERVERS=${given}`);
  } else {
    broker = await startKafkaBroker({ log: (line) => console.log(`[kafka] ${line}`) });
    bootstrapServers = broker.bootstrapServers;
    process.env.KAFKA_BOOTSTRAP_SERVERS = bootstrapServers;
  }
  project.provide('kafkaBootstrapServers', bootstrapServers);
  return async () => {
    if (broker) {
      delete process.env.KAFKA_BOOTSTRAP_SERVERS;
      await broker.stop();
    }
  };
}
