/**
 * vitest globalSetup of the 'it' project: one Confluent-compatible schema registry for all integration tests.
 *
 * - SCHEMA_REGISTRY_URL set: reuse that registry (it must answer GET /subjects, or the run fails with the reason).
 * - otherwise: start Apicurio Registry from Maven Central (scripts/registry/registry.mjs) and stop it in teardown.
 *
 * Tests read the URL with `inject('schemaRegistryUrl')`. vitest 4.1 starts its forked workers after the global setups
 * ran, so process.env.SCHEMA_REGISTRY_URL set here reaches them too; `provide`/`inject` is the channel the tests use.
 */
import type { TestProject } from 'vitest/node';
import { startSchemaRegistry, type SchemaRegistry } from '../../scripts/registry/registry.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    schemaRegistryUrl: string;
  }
}

async function checkRegistryAnswers(url: string): Promise<void> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/subjects`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET /subjects answered HTTP ${res.status}`);
  } catch (error) {
    throw new Error(
      `SCHEMA_REGISTRY_URL=${url} does not answer (${(error as Error).message}). Start one ` +
        '(node scripts/registry/registry.mjs), or unset SCHEMA_REGISTRY_URL to let the tests start their own.',
      { cause: error },
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.SCHEMA_REGISTRY_URL?.trim();
  let registry: SchemaRegistry | undefined;
  let url: string;
  if (given) {
    await checkRegistryAnswers(given);
    url = given;
    console.log(`[registry] using SCHEMA_REGISTRY_URL=${given}`);
  } else {
    registry = await startSchemaRegistry();
    url = registry.url;
    process.env.SCHEMA_REGISTRY_URL = url;
    console.log(`[registry] Apicurio Registry at ${url}`);
  }
  project.provide('schemaRegistryUrl', url);
  return async () => {
    if (registry) {
      delete process.env.SCHEMA_REGISTRY_URL;
      await registry.stop();
    }
  };
}
