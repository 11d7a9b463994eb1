// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import type { MapFunction } from 'flink-ts';

class IncrementMapFunction {
  map(record: number): number {
    return record + 1;
  }
}
const increment: MapFunction<number, number> = new IncrementMapFunction(); // what stream.map(...) takes

expect(new IncrementMapFunction().map(2)).toBe(3);
expect(typeof increment).toBe('object');
