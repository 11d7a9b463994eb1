/** Types of scripts/registry/registry.mjs. */
export declare const APICURIO_VERSION: string;

export interface SchemaRegistry {
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:PORT/apis/ccompat/v7 */
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

export declare function ensureApicurio(version?: string): string;
export declare function startSchemaRegistry(options?: {
  port?: number;
  version?: string;
  timeoutMs?: number;
}): Promise<SchemaRegistry>;
