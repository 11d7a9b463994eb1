import { describe, expect, it } from 'vitest';
import { Properties, WatermarkStrategy } from 'flink-ts';
import {
  FlinkKafkaConsumer,
  FlinkKafkaConsumer010,
  FlinkKafkaConsumer011,
  KafkaConfigException,
  KafkaSource,
  KafkaTopicPartition,
  KafkaTopicPartitionAssigner,
  OffsetCommitMode,
  OffsetCommitModes,
  OffsetResetStrategy,
  OffsetsInitializer,
  Pattern,
} from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';

const props = () => ({ 'bootstrap.servers': '127.0.0.1:9092', 'group.id': 'g' });

describe('KafkaTopicPartitionAssigner', () => {
  // Expected values printed by Java 17 running Flink's formula ((topic.hashCode() * 31) & 0x7FFFFFFF) % n + p) % n;
  // each string is the owners of partitions 0..4 for 2, 3 and 4 subtasks.
  const java: Record<string, string[]> = {
    t1: ['10101', '01201', '30123'],
    orders: ['10101', '01201', '30123'],
    'flink-test-topic': ['10101', '20120', '30123'],
    'ÄÖü-topic': ['01010', '01201', '01230'],
  };
  for (const [topic, rows] of Object.entries(java)) {
    it(`assigns the partitions of ${topic} like Flink's Java formula`, () => {
      [2, 3, 4].forEach((n, i) => {
        const got = [0, 1, 2, 3, 4].map((p) => KafkaTopicPartitionAssigner.assign(topic, p, n)).join('');
        expect(got).toBe(rows[i]);
        expect(KafkaTopicPartitionAssigner.assign(new KafkaTopicPartition(topic, 1), n)).toBe(Number(rows[i]![1]));
      });
    });
  }
});

describe('KafkaTopicPartition', () => {
  it('is compared by value and prints like Flink', () => {
    const a = new KafkaTopicPartition('t', 1);
    expect(a.equals(new KafkaTopicPartition('t', 1))).toBe(true);
    expect(a.equals(new KafkaTopicPartition('t', 2))).toBe(false);
    expect(a.toString()).toBe("KafkaTopicPartition{topic='t', partition=1}");
  });
});

describe('Pattern', () => {
  it('matches whole topic names like Java Matcher#matches', () => {
    const p = Pattern.compile('topic-[0-9]+');
    expect(p.matcher('topic-12').matches()).toBe(true);
    expect(p.matches('xtopic-12')).toBe(false);
    expect(p.matches('topic-12x')).toBe(false);
    expect(p.pattern()).toBe('topic-[0-9]+');
  });
});

describe('FlinkKafkaConsumer configuration', () => {
  it('accepts Properties or a plain object, and the versioned names', () => {
    const p = new Properties();
    p.setProperty('bootstrap.servers', 'localhost:9092');
    expect(new FlinkKafkaConsumer('t', new SimpleStringSchema(), p)).toBeInstanceOf(FlinkKafkaConsumer);
    expect(new FlinkKafkaConsumer010(['a', 'b'], new SimpleStringSchema(), props())).toBeDefined();
    expect(new FlinkKafkaConsumer011(/a-.*/, new SimpleStringSchema(), props())).toBeDefined();
    expect(new FlinkKafkaConsumer(Pattern.compile('a-.*'), new SimpleStringSchema(), props())).toBeDefined();
  });

  it('fails clearly on missing or malformed properties', () => {
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), {})).toThrow('Missing required configuration "bootstrap.servers" which has no default value.');
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { 'bootstrap.servers': 'no-port' })).toThrow('Invalid url in bootstrap.servers: no-port');
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'enable.auto.commit': 'yes' })).toThrow(
      'Invalid value yes for configuration enable.auto.commit: Expected value to be either true or false',
    );
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'auto.commit.interval.ms': 'soon' })).toThrow(KafkaConfigException);
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'auto.offset.reset': 'smallest' })).toThrow(
      'Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none',
    );
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'isolation.level': 'dirty' })).toThrow(/isolation.level/);
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'flink.partition-discovery.interval-millis': '-5' })).toThrow(
      'Cannot define a negative value for the topic / partition discovery interval.',
    );
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'flink.partition-discovery.interval-millis': 'often' })).toThrow(/Not a number of type LONG/);
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'flink.poll-timeout': 'x' })).toThrow("Cannot parse poll timeout for 'flink.poll-timeout'");
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'group.id': ['g'] } as never)).toThrow(/expected a string, number or boolean, got array/);
    expect(() => new FlinkKafkaConsumer('t', null as never, props())).toThrow('valueDeserializer');
    expect(() => new FlinkKafkaConsumer([], new SimpleStringSchema(), props())).toThrow(TypeError);
  });

  it('validates start timestamps with Flink messages', () => {
    const c = new FlinkKafkaConsumer('t', new SimpleStringSchema(), props());
    expect(() => c.setStartFromTimestamp(-1)).toThrow('The provided value for the startup offsets timestamp is invalid.');
    expect(() => c.setStartFromTimestamp(Date.now() + 3_600_000)).toThrow(/^Startup time\[\d+\] must be before current time\[\d+\]\.$/);
    expect(c.setStartFromTimestamp(0)).toBe(c);
  });

  it('accepts one watermark strategy only', () => {
    const c = new FlinkKafkaConsumer<string>('t', new SimpleStringSchema(), props());
    c.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps());
    expect(() => c.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps())).toThrow('Some watermark strategy has already been set.');
  });

  it('picks the commit mode like Flink OffsetCommitModes.fromConfiguration', () => {
    expect(OffsetCommitModes.fromConfiguration(true, true, true)).toBe(OffsetCommitMode.ON_CHECKPOINTS);
    expect(OffsetCommitModes.fromConfiguration(true, false, true)).toBe(OffsetCommitMode.DISABLED);
    expect(OffsetCommitModes.fromConfiguration(true, true, false)).toBe(OffsetCommitMode.KAFKA_PERIODIC);
    expect(OffsetCommitModes.fromConfiguration(false, true, false)).toBe(OffsetCommitMode.DISABLED);
  });
});

describe('KafkaSource.builder()', () => {
  const base = () => KafkaSource.builder<string>().setBootstrapServers('127.0.0.1:9092').setValueOnlyDeserializer(new SimpleStringSchema());

  it('validates with Flink messages', () => {
    expect(() => KafkaSource.builder<string>().setTopics('t').setValueOnlyDeserializer(new SimpleStringSchema()).build()).toThrow(
      'Property bootstrap.servers is required but not provided',
    );
    expect(() => base().build()).toThrow('No subscribe mode is specified, should be one of topics, topic pattern and partition set.');
    expect(() => KafkaSource.builder<string>().setBootstrapServers('h:1').setTopics('t').build()).toThrow('Deserialization schema is required but not provided.');
    expect(() => base().setTopics('t').setTopicPattern(/x/)).toThrow(
      'Cannot use TopicPatternSubscriber for consumption because a TopicListSubscriber is already set for consumption.',
    );
    expect(() => base().setTopics('t').setStartingOffsets(OffsetsInitializer.committedOffsets()).build()).toThrow(
      'Property group.id is required when using committed offset for offsets initializer',
    );
    expect(() => base().setTopics('t').setProperty('enable.auto.commit', 'true').build()).toThrow('Property group.id is required when offset commit is enabled');
    expect(() => base().setTopics('t').setProperty('partition.discovery.interval.ms', 'soon').build()).toThrow(/Not a number of type INT/);
  });

  it('applies Flink overrides at build()', () => {
    const s = base().setTopics('t').setGroupId('g').setStartingOffsets(OffsetsInitializer.latest()).setProperty('auto.offset.reset', 'earliest').build();
    const c = s.getConfiguration();
    expect(c.getProperty('auto.offset.reset')).toBe('latest');
    expect(c.getProperty('enable.auto.commit')).toBe('false');
    const bounded = base().setTopics('t').setBounded(OffsetsInitializer.latest()).build();
    expect(bounded.getConfiguration().getProperty('partition.discovery.interval.ms')).toBe('-1');
    expect(bounded.getConfiguration().getProperty('commit.offsets.on.checkpoint')).toBe('false');
    expect(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST).getAutoOffsetResetStrategy()).toBe(OffsetResetStrategy.EARLIEST);
    expect(OffsetsInitializer.timestamp(5).getAutoOffsetResetStrategy()).toBe(OffsetResetStrategy.LATEST);
  });
});

describe('security properties', () => {
  it('accepts SSL and SASL settings and refuses unknown protocols or a SASL login without credentials', () => {
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'security.protocol': 'SSL' })).not.toThrow();
    expect(
      () =>
        new FlinkKafkaConsumer('t', new SimpleStringSchema(), {
          ...props(),
          'security.protocol': 'SASL_SSL',
          'sasl.mechanism': 'SCRAM-SHA-512',
          'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
        }),
    ).not.toThrow();
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'security.protocol': 'TLS' })).toThrow(
      'Invalid value TLS for configuration security.protocol: String must be one of: plaintext, ssl, sasl_plaintext, sasl_ssl',
    );
    expect(() => new FlinkKafkaConsumer('t', new SimpleStringSchema(), { ...props(), 'security.protocol': 'SASL_PLAINTEXT' })).toThrow(/sasl.jaas.config/);
  });
});
