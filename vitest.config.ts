import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the package by its public names, resolved to the TypeScript sources.
const alias = [
  { find: /^flink-ts\/connectors\/kafka$/, replacement: src('./connectors/kafka/index.ts') },
  { find: /^flink-ts\/connectors\/filesystem$/, replacement: src('./connectors/filesystem/index.ts') },
  { find: /^flink-ts\/serialization$/, replacement: src('./serialization/index.ts') },
  { find: /^flink-ts\/testing$/, replacement: src('./lib/testing/index.ts') },
  { find: /^flink-ts$/, replacement: src('./lib/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.it.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // Integration tests against real servers that the global setups start (or reuse, see README).
        resolve: { alias },
        test: {
          name: 'it',
          include: ['test/**/*.it.test.ts'],
          globalSetup: ['./test/setup/kafka.ts', './test/setup/registry.ts', './test/setup/hdfs.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
