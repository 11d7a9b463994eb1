/**
 * Timers and time, like Flink `TimerService`. Timers are per key (on keyed streams) and timestamp: registering the
 * same timestamp twice for a key gives one timer.
 * @public
 */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
}

/** Like Flink `TimeDomain`. @public */
export enum TimeDomain {
  EVENT_TIME = 'EVENT_TIME',
  PROCESSING_TIME = 'PROCESSING_TIME',
}
