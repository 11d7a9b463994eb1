import { describe, expect, it } from 'vitest';
import { Properties } from 'flink-ts';
import { producerSettings } from '../../connectors/kafka/internal/KafkaProducerAdapter.js';

const props = (o: Record<string, string>) => new Properties({ 'bootstrap.servers': '127.0.0.1:9092', ...o });

describe('producer settings', () => {
  it('refuses the idempotent producer without acks=all, with the Java client message', () => {
    expect(() => producerSettings(props({ 'enable.idempotence': 'true', acks: '1' }), 'c')).toThrow(
      'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
    );
  });
  it('accepts the idempotent producer with acks=all (the default)', () => {
    expect(producerSettings(props({ 'enable.idempotence': 'true' }), 'c').acks).toBe(-1);
  });
});
