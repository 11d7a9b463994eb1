import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the package by its public names, resolved to the TypeScript sources.
    alias: [
      { find: /^flink-ts\/connectors\/kafka$/, replacement: src('./connectors/kafka/index.ts') },
      { find: /^flink-ts\/serialization$/, replacement: src('./serialization/index.ts') },
      { find: /^flink-ts\/testing$/, replacement: src('./lib/testing/index.ts') },
      { find: /^flink-ts$/, replacement: src('./lib/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
