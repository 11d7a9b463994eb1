import type { LogEvent } from './model.js';

/** A small deterministic PRNG (mulberry32), so generated logs are the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APIS = ['GET /orders', 'POST /orders', 'GET /users', 'GET /search'];
const REGIONS = ['eu', 'us', 'ap'];

/**
 * Generates API access logs: `perSecond` events per second of event time from `startMs`, a few percent errors,
 * latencies mostly 10-100 ms with a slow tail; `/search` is slower and fails more.
 */
export function* generateLogs(startMs: number, seconds: number, perSecond: number, seed = 42): Generator<LogEvent> {
  const rnd = random(seed);
  for (let s = 0; s < seconds; s++) {
    for (let i = 0; i < perSecond; i++) {
      const api = APIS[Math.floor(rnd() * APIS.length)]!;
      const slow = api === 'GET /search';
      const fail = rnd() < (slow ? 0.1 : 0.02);
      const tail = rnd() < 0.01 ? 500 + rnd() * 1500 : 0;
      yield {
        ts: startMs + s * 1000 + Math.floor((i * 1000) / perSecond),
        api,
        status: fail ? (rnd() < 0.5 ? 500 : 503) : rnd() < 0.1 ? 304 : 200,
        latencyMs: Math.round((slow ? 80 : 10) + rnd() * 90 + tail),
        region: REGIONS[Math.floor(rnd() * REGIONS.length)]!,
        client: `client-${Math.floor(rnd() * 20)}`,
      };
    }
  }
}
