/**
 * Compiles a fresh copy of `factory` and calls it with `args`, so the closure it returns has code of its own.
 *
 * Why: V8 optimizes a call site for the targets it has seen. Code shared by every operator instance (one
 * `StreamMap.processElement` for all maps of all chains) sees many targets at its inner call sites and becomes
 * megamorphic — no inlining, a slow call per record per operator. A per-instance copy sees exactly one target per
 * site, so a chain of operators inlines into one loop, as the JVM does for Flink's chains.
 *
 * Each copy's source text is made unique (a numbered comment): V8 caches `new Function` compilations by source text,
 * and copies compiled from the same text share one feedback vector — the very sharing this function exists to
 * avoid (measured: a job run after two others in the same process ran its chain at a third of the speed).
 *
 * `factory` must be self-contained: everything it uses comes in through its parameters (it is recompiled from its
 * source text, outside the module's scope).
 * @internal
 */
export function specialize<A extends unknown[], R>(factory: (...args: A) => R, ...args: A): R {
  const fresh = new Function(`'use strict'; /* specialized #${++copies} */ return (${factory.toString()});`)() as (...args: A) => R;
  return fresh(...args);
}

let copies = 0;
