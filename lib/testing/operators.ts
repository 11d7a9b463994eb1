/**
 * The operators behind the DataStream API, for harnesses that take an operator (Flink tests construct
 * `new StreamMap<>(mapper)`, `new KeyedProcessOperator<>(function)` the same way). Each instance belongs to one
 * harness. Constructors: `StreamMap(mapFunction)`, `StreamFlatMap(flatMapFunction)`, `StreamFilter(filterFunction)`,
 * `ProcessOperator(processFunction)`, `KeyedProcessOperator(keyedProcessFunction, keySelector)`,
 * `CoStreamMap(coMapFunction)`, `CoStreamFlatMap(coFlatMapFunction)`,
 * `CoProcessOperator(coProcessFunction[, keySelector1, keySelector2])`,
 * `CoBroadcastOperator(broadcastProcessFunction, descriptors[, keySelector])`, `StreamSink(sinkFunction)`. Window operators are easiest built
 * through the API: `ProcessFunctionTestHarnesses.forDataStream`.
 * @public
 */
export { StreamMap } from '../runtime/operators/StreamMap.js';
export { StreamFlatMap } from '../runtime/operators/StreamFlatMap.js';
export { StreamFilter } from '../runtime/operators/StreamFilter.js';
export { ProcessOperator } from '../runtime/operators/ProcessOperator.js';
export { KeyedProcessOperator } from '../runtime/operators/KeyedProcessOperator.js';
export { CoStreamMap, CoStreamFlatMap, CoProcessOperator } from '../runtime/operators/CoStreamOperators.js';
export { CoBroadcastOperator } from '../runtime/operators/CoBroadcastOperator.js';
export { StreamSink } from '../runtime/operators/StreamSink.js';
import { StreamSink } from '../runtime/operators/StreamSink.js';
import { StreamMap } from '../runtime/operators/StreamMap.js';
import { StreamFlatMap } from '../runtime/operators/StreamFlatMap.js';
import { StreamFilter } from '../runtime/operators/StreamFilter.js';
import { ProcessOperator } from '../runtime/operators/ProcessOperator.js';
import { KeyedProcessOperator } from '../runtime/operators/KeyedProcessOperator.js';
import { CoStreamMap, CoStreamFlatMap, CoProcessOperator } from '../runtime/operators/CoStreamOperators.js';
import { CoBroadcastOperator } from '../runtime/operators/CoBroadcastOperator.js';
/** All of them in one object. @public */
export const operators = { StreamMap, StreamFlatMap, StreamFilter, ProcessOperator, KeyedProcessOperator, CoStreamMap, CoStreamFlatMap, CoProcessOperator, CoBroadcastOperator, StreamSink };
