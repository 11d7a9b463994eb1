/**
 * Serializes a sink's asynchronous file-system work (rolls, uploads, commits, timer-driven closes) in submission order,
 * and remembers the first failure: later work and the sink's next `invoke` or snapshot rethrow it, so the job fails
 * with the error that names the path.
 * @internal
 */
export class IoQueue {
  private tail: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  /** True while work is queued or running. */
  get busy(): boolean {
    return this.tail !== undefined;
  }

  /** Throws the first failure, if any. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Runs `fn` after everything queued before it; the returned Promise rejects with the first failure. */
  run(fn: () => void | Promise<void>): Promise<void> {
    const prev = this.tail;
    const p = (async () => {
      if (prev) await prev;
      if (this.failure) throw this.failure.error;
      try {
        await fn();
      } catch (e) {
        this.failure ??= { error: e };
        throw e;
      }
    })();
    const settled: Promise<void> = p.then(
      () => {
        if (this.tail === settled) this.tail = undefined;
      },
      () => {
        if (this.tail === settled) this.tail = undefined;
      },
    );
    this.tail = settled;
    return p;
  }

  /** Waits for queued work, ignoring failures (closing after a failure). */
  async drain(): Promise<void> {
    while (this.tail) await this.tail;
  }
}
