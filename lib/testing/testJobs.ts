/** A running job that testing sources may ask for a checkpoint. @internal */
export interface TriggerableJob {
  triggerCheckpoint(): Promise<number | undefined>;
}

/** Jobs started from a `TestStreamEnvironment`, by job id, while they run. @internal */
export const testJobs = new Map<string, TriggerableJob>();
