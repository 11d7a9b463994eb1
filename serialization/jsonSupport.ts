// Internal: JSON.parse with an error that names the schema, a snippet and the byte length.
import { DeserializationError } from './SchemaError.js';

const SNIPPET = 80;

/** Parses UTF-8 JSON bytes; `what` says which part ("message", "key", "value"). @internal */
export function parseJson(bytes: Buffer, who: string, what: string): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (cause) {
    const snippet = text.length > SNIPPET ? `${text.slice(0, SNIPPET)}...` : text;
    throw new DeserializationError(
      'INVALID_JSON',
      `${who}: invalid JSON in the ${bytes.length}-byte ${what}: ${(cause as Error).message}; starts with ${JSON.stringify(snippet)}`,
      { schema: who, byteLength: bytes.length, cause },
    );
  }
}
