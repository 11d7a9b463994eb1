// Type tests for the public API (checked by `tsc --noEmit`; the runtime assertions are a bonus).
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AbstractDeserializationSchema,
  AvroDeserializationSchema,
  ConfluentRegistryAvroDeserializationSchema,
  KafkaRecordDeserializationSchema,
  SimpleStringSchema,
  TypeInformationSerializationSchema,
  Types,
  type DeserializationSchema,
  type GenericRecord,
  type KafkaRecordDeserializationSchema as KafkaRecordSchema,
  type SerializationSchema,
} from 'flink-ts/serialization';

describe('public API types', () => {
  it('a class with only the one-argument deserialize implements DeserializationSchema (as a Java port would)', () => {
    class Csv implements DeserializationSchema<string[]> {
      deserialize(message: Buffer | null): string[] | null {
        return message && message.toString().split(',');
      }
      isEndOfStream(): boolean {
        return false;
      }
    }
    class Upper extends AbstractDeserializationSchema<string> {
      deserialize(message: Buffer | null): string | null {
        return message && message.toString().toUpperCase();
      }
    }
    expectTypeOf(new Csv()).toExtend<DeserializationSchema<string[]>>();
    expectTypeOf(new Upper()).toExtend<DeserializationSchema<string>>();
    expect(new Upper().deserialize(Buffer.from('a'))).toBe('A');
  });

  it('schemas are typed by what they produce', () => {
    expectTypeOf(new SimpleStringSchema().deserialize(Buffer.alloc(0))).toEqualTypeOf<string | null>();
    expectTypeOf(new SimpleStringSchema()).toExtend<SerializationSchema<string>>();
    const tuple = new TypeInformationSerializationSchema(Types.TUPLE(Types.STRING, Types.INT, Types.LONG_BIGINT));
    expectTypeOf(() => tuple.deserialize(Buffer.alloc(0))).returns.toEqualTypeOf<[string, number, bigint] | null>();
    expectTypeOf(AvroDeserializationSchema.forGeneric({ type: 'string' })).toEqualTypeOf<AvroDeserializationSchema<GenericRecord>>();
    class User {
      static readonly SCHEMA = { type: 'record', name: 'User', fields: [] };
      hello(): string {
        return 'hi';
      }
    }
    expectTypeOf(AvroDeserializationSchema.forSpecific(User).deserialize(Buffer.alloc(0))).toEqualTypeOf<User | null>();
    expectTypeOf(ConfluentRegistryAvroDeserializationSchema.forSpecific(User, 'http://127.0.0.1:1')).toEqualTypeOf<
      ConfluentRegistryAvroDeserializationSchema<User>
    >();
    expectTypeOf(KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema())).toEqualTypeOf<KafkaRecordSchema<string>>();
    expect(AvroDeserializationSchema.forSpecific(User).deserialize(Buffer.alloc(0))).toBeInstanceOf(User);
  });
});
