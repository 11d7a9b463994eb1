// Internal: JSON.parse with an error that names the schema, a snippet and the byte length.
import { isUtf8 } from 'node:buffer';
import { DeserializationError } from './SchemaError.js';

const SNIPPET = 80;

/** Parses UTF-8 JSON bytes; `what` says which part ("message", "key", "value"). @internal */
export function parseJson(bytes: Buffer, who: string, what: string): unknown {
  const text = bytes.toString('utf8');
  // Jackson rejects invalid UTF-8; toString() would replace it with U+FFFD silently. Scanning the decoded text for
  // U+FFFD is cheap, and only then is the (rarer) real check needed.
  if (text.indexOf('\uFFFD') !== -1 && !isUtf8(bytes)) {
    throw new DeserializationError(
      'INVALID_JSON',
      `${who}: the ${bytes.length}-byte ${what} is not valid UTF-8 (JSON must be UTF-8); starts with ${JSON.stringify(text.slice(0, SNIPPET))}`,
      { schema: who, byteLength: bytes.length },
    );
  }
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
