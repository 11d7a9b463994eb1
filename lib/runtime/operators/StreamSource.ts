import type { SourceFunction } from '../../functions/source/SourceFunction.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';

/**
 * Holds a legacy {@link SourceFunction}, like Flink `StreamSource`; the task calls `run` and provides the context.
 * @internal
 */
export class StreamSource<OUT> extends AbstractUdfStreamOperator<OUT, SourceFunction<OUT>> {}
