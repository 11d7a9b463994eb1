import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  AvroDeserializationSchema,
  AvroSerializationSchema,
  DeserializationError,
  SerializationError,
  type GenericRecord,
} from 'flink-ts/serialization';

const userSchema = {
  type: 'record',
  name: 'User',
  namespace: 'example',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'id', type: 'long' },
    { name: 'score', type: 'double' },
    { name: 'active', type: 'boolean' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
};
const ada = { name: 'ada', id: 36, score: 0.5, active: true, kind: 'B', email: null };

class User {
  static readonly SCHEMA = userSchema;
  declare name: string;
  declare id: number;
  declare score: number;
  declare active: boolean;
  declare kind: 'A' | 'B';
  declare email: string | null;
  greeting(): string {
    return `hello ${this.name}`;
  }
}

class TextSchemaUser {
  static getClassSchema(): string {
    return JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'n', type: 'int' }] });
  }
  declare n: number;
}

describe('AvroSerializationSchema / AvroDeserializationSchema', () => {
  it('writes plain Avro binary, byte-identical to avsc toBuffer (no header, no embedded schema)', () => {
    const bytes = AvroSerializationSchema.forGeneric(userSchema).serialize(ada);
    expect(bytes).toEqual(avro.Type.forSchema(userSchema as avro.Schema).toBuffer(ada));
    expect(bytes[0]).toBe(6); // zig-zag length 3 of "ada": the first field starts at byte 0
  });

  it('round-trips generic records, accepting schema JSON text too', () => {
    const bytes = AvroSerializationSchema.forGeneric(JSON.stringify(userSchema)).serialize(ada);
    const back = AvroDeserializationSchema.forGeneric<GenericRecord>(userSchema).deserialize(bytes);
    expect({ ...back }).toEqual(ada);
  });

  it('decodes specific records into instances of the class (methods work), from SCHEMA or getClassSchema()', () => {
    const bytes = AvroSerializationSchema.forSpecific(User).serialize(Object.assign(new User(), ada));
    const user = AvroDeserializationSchema.forSpecific(User).deserialize(bytes)!;
    expect(user).toBeInstanceOf(User);
    expect(user.greeting()).toBe('hello ada');
    expect(user.id).toBe(36);
    const t = AvroDeserializationSchema.forSpecific(TextSchemaUser).deserialize(Buffer.from([0x54]))!;
    expect(t).toBeInstanceOf(TextSchemaUser);
    expect(t.n).toBe(42);
  });

  it('rejects a specific class without a schema, and invalid schemas, when built', () => {
    class NoSchema {}
    expect(() => AvroDeserializationSchema.forSpecific(NoSchema)).toThrow(/neither a static SCHEMA nor a static getClassSchema\(\)/);
    expect(() => AvroDeserializationSchema.forGeneric({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] })).toThrow(
      /invalid Avro schema/,
    );
  });

  it('maps null to null both ways, as Flink', () => {
    expect(AvroDeserializationSchema.forGeneric(userSchema).deserialize(null)).toBeNull();
    expect(AvroSerializationSchema.forGeneric(userSchema).serialize(null)).toBeNull();
  });

  it('reports truncated Avro with the record type and the byte length', () => {
    const bytes = AvroSerializationSchema.forGeneric(userSchema).serialize(ada);
    const cut = bytes.subarray(0, bytes.length - 3);
    let error: unknown;
    try {
      AvroDeserializationSchema.forGeneric(userSchema).deserialize(cut);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    expect((error as DeserializationError).code).toBe('TRUNCATED');
    expect((error as DeserializationError).byteLength).toBe(cut.length);
    expect((error as Error).message).toBe(
      `AvroDeserializationSchema: truncated Avro data: a ${cut.length}-byte message ends before the example.User record does`,
    );
  });

  it('reports trailing bytes (a sign of the wrong schema) and invalid data', () => {
    const bytes = Buffer.concat([AvroSerializationSchema.forGeneric(userSchema).serialize(ada), Buffer.from([0, 0])]);
    expect(() => AvroDeserializationSchema.forGeneric(userSchema).deserialize(bytes)).toThrow(/2 trailing byte\(s\) after the example.User record/);
    // enum index 5 of a 2-symbol enum
    const badEnum = Buffer.from([0x02, 0x61, 0x02, ...Buffer.alloc(8), 0x01, 0x0a, 0x00]);
    expect(() => AvroDeserializationSchema.forGeneric(userSchema).deserialize(badEnum)).toThrow(DeserializationError);
  });

  it('names the offending fields when a record does not match the schema', () => {
    const ser = AvroSerializationSchema.forGeneric(userSchema);
    let error: unknown;
    try {
      ser.serialize({ ...ada, id: 'x', kind: 'C' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toContain('id: "x" is not a valid long');
    expect((error as Error).message).toContain('kind: "C" is not a valid example.Kind');
  });

  it('encodes records larger than the scratch buffer', () => {
    const big = { ...ada, name: 'x'.repeat(5000) };
    const bytes = AvroSerializationSchema.forGeneric(userSchema).serialize(big);
    expect((AvroDeserializationSchema.forGeneric<GenericRecord>(userSchema).deserialize(bytes) as GenericRecord).name).toBe(big.name);
  });
});
