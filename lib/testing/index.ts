/**
 * flink-ts/testing: test your functions and jobs like Flink's test utilities — operator test harnesses
 * (`OneInputStreamOperatorTestHarness`, `KeyedOneInputStreamOperatorTestHarness`, two-input and broadcast harnesses,
 * `ProcessFunctionTestHarnesses`), a test environment for whole pipelines (`TestStreamEnvironment`,
 * `MiniClusterTestEnvironment`), testing sources and sinks (`TestSource`, `ControllableSource`, `CollectingSink`),
 * fault injection (`FailingIdentityMapper`) and readable assertions on output (`expectOutput`, `formatOutput`).
 * See docs/testing.md.
 * @packageDocumentation
 */
export { StreamRecord, formatOutput, expectOutput, OutputMismatchError, type OutputElement, type ExpectedElement, type OutputExpectation } from './StreamRecord.js';
export { AbstractStreamOperatorTestHarness, OperatorSubtaskState, type HarnessOptions } from './AbstractStreamOperatorTestHarness.js';
export { OneInputStreamOperatorTestHarness, KeyedOneInputStreamOperatorTestHarness, type OneInputOperator } from './OneInputStreamOperatorTestHarness.js';
export {
  TwoInputStreamOperatorTestHarness,
  KeyedTwoInputStreamOperatorTestHarness,
  BroadcastOperatorTestHarness,
  KeyedBroadcastOperatorTestHarness,
  type TwoInputOperator,
} from './TwoInputStreamOperatorTestHarness.js';
export { ProcessFunctionTestHarnesses } from './ProcessFunctionTestHarnesses.js';
export { CollectingSink, type CollectingSinkOptions } from './CollectingSink.js';
export { TestSource, ParallelTestSource, ControllableSource, type TestSourceElement } from './TestSource.js';
export { FailingIdentityMapper } from './FailingIdentityMapper.js';
export { TestStreamEnvironment, MiniClusterTestEnvironment, TestClock, type TestEnvironmentOptions } from './TestStreamEnvironment.js';
export { operators } from './operators.js';
export { StreamMap, StreamFlatMap, StreamFilter, ProcessOperator, KeyedProcessOperator, CoStreamMap, CoStreamFlatMap, CoProcessOperator, CoBroadcastOperator, StreamSink } from './operators.js';
/** Re-exported from `flink-ts` for assertions on `getOutput()`: Flink's `Watermark`. @public */
export { Watermark } from '../runtime/elements.js';
