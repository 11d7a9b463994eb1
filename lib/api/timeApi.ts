import { spanToMillis, type TimeSpan } from '../java/Time.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { TimestampsAndWatermarksOperator } from '../runtime/operators/TimestampsAndWatermarksOperator.js';
import { WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import {
  GlobalWindows,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
} from '../windowing/assigners.js';
import { CountEvictor } from '../windowing/evictors.js';
import { CountTrigger, PurgingTrigger } from '../windowing/triggers.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { GlobalWindow, TimeWindow, Window } from '../windowing/windows.js';
import type { MapStateDescriptor } from '../state/StateDescriptor.js';
import { streamClasses, type DataStream, type SingleOutputStreamOperator } from './DataStream.js';
import type { KeyedStream } from './KeyedStream.js';
import { AllWindowedStream, WindowedStream } from './WindowedStream.js';
import { CoGroupedStreams, JoinedStreams } from './JoinedStreams.js';
import { BroadcastConnectedStream, BroadcastStream } from './BroadcastStream.js';
import { IntervalJoin } from './IntervalJoin.js';

/**
 * The event-time, window, join and broadcast methods of `DataStream` / `KeyedStream`, registered here so that
 * DataStream.ts does not import these modules (see `streamClasses`).
 * @internal
 */
export const timeApi = {
  assignTimestampsAndWatermarks<T>(s: DataStream<T>, strategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    if (!strategy || typeof strategy.createWatermarkGenerator !== 'function') throw new TypeError('watermarkStrategy must be a WatermarkStrategy');
    const out = s.transform<T>('Timestamps/Watermarks', () => new TimestampsAndWatermarksOperator(strategy) as AbstractStreamOperator<unknown>);
    // Like Flink: the operator keeps the parallelism of its input (so it chains to the source).
    const p = s.transformation.parallelism;
    if (p > 0) out.transformation.parallelism = p;
    return out;
  },
  assignAscendingTimestamps<T>(s: DataStream<T>, extractor: (element: T) => number): SingleOutputStreamOperator<T> {
    if (typeof extractor !== 'function') throw new TypeError('assignAscendingTimestamps needs a function element => timestamp');
    return timeApi.assignTimestampsAndWatermarks(s, WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner((e) => extractor(e)));
  },
  windowAll<T, W extends Window>(s: DataStream<T>, assigner: WindowAssigner<unknown, W>): AllWindowedStream<T, W> {
    return new AllWindowedStream<T, W>(s, assigner);
  },
  timeWindowAll<T>(s: DataStream<T>, size: TimeSpan, slide?: TimeSpan): AllWindowedStream<T, TimeWindow> {
    return new AllWindowedStream<T, TimeWindow>(s, timeAssigner(size, slide));
  },
  countWindowAll<T>(s: DataStream<T>, size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    const w = new AllWindowedStream<T, GlobalWindow>(s, GlobalWindows.create());
    return slide === undefined ? w.trigger(PurgingTrigger.of(CountTrigger.of(size))) : w.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
  },
  window<T, K, W extends Window>(s: KeyedStream<T, K>, assigner: WindowAssigner<unknown, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(s, s.getKeySelector(), assigner);
  },
  timeWindow<T, K>(s: KeyedStream<T, K>, size: TimeSpan, slide?: TimeSpan): WindowedStream<T, K, TimeWindow> {
    return new WindowedStream<T, K, TimeWindow>(s, s.getKeySelector(), timeAssigner(size, slide));
  },
  countWindow<T, K>(s: KeyedStream<T, K>, size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const w = new WindowedStream<T, K, GlobalWindow>(s, s.getKeySelector(), GlobalWindows.create());
    return slide === undefined ? w.trigger(PurgingTrigger.of(CountTrigger.of(size))) : w.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
  },
  intervalJoin<T1, T2, K>(s: KeyedStream<T1, K>, other: KeyedStream<T2, K>): IntervalJoin<T1, T2, K> {
    return new IntervalJoin<T1, T2, K>(s, other);
  },
  join<T1, T2>(s: DataStream<T1>, other: DataStream<T2>): JoinedStreams<T1, T2> {
    return new JoinedStreams<T1, T2>(s, other);
  },
  coGroup<T1, T2>(s: DataStream<T1>, other: DataStream<T2>): CoGroupedStreams<T1, T2> {
    return new CoGroupedStreams<T1, T2>(s, other);
  },
  broadcast<T>(s: DataStream<T>, descriptors: MapStateDescriptor<unknown, unknown>[]): BroadcastStream<T> {
    return new BroadcastStream<T>(s, descriptors);
  },
  isBroadcastStream(x: unknown): x is BroadcastStream<unknown> {
    return x instanceof BroadcastStream;
  },
  connectBroadcast<T, B>(s: DataStream<T>, b: BroadcastStream<B>): BroadcastConnectedStream<T, B> {
    return new BroadcastConnectedStream<T, B>(s, b);
  },
};

/**
 * Like Flink's deprecated `timeWindow(size[, slide])`: event-time windows (Flink's default time characteristic
 * since 1.12; use `window(TumblingProcessingTimeWindows.of(...))` for processing time).
 */
function timeAssigner(size: TimeSpan, slide?: TimeSpan): WindowAssigner<unknown, TimeWindow> {
  return slide === undefined ? TumblingEventTimeWindows.of(spanToMillis(size)) : SlidingEventTimeWindows.of(spanToMillis(size), spanToMillis(slide));
}

/** @internal */
export type TimeApi = typeof timeApi;

streamClasses.time = timeApi;
