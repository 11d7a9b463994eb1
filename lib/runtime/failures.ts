/** Which operator an error came from (set where the error first crosses an operator boundary). @internal */
const failedOperator = new WeakMap<object, string>();

/** Records that `error` was thrown by `operatorName`, unless an inner operator was already recorded. @internal */
export function tagFailure(error: unknown, operatorName: string): unknown {
  const e = error !== null && (typeof error === 'object' || typeof error === 'function') ? (error as object) : new Error(String(error));
  if (!failedOperator.has(e)) failedOperator.set(e, operatorName);
  return e;
}

/** The operator recorded by {@link tagFailure}. @internal */
export function operatorOf(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' ? failedOperator.get(error) : undefined;
}

/**
 * A task failed: names the task (with subtask and attempt) and the operator; the user's error is the `cause`.
 * @public
 */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';
  constructor(
    readonly taskNameWithSubtasks: string,
    readonly operatorName: string,
    readonly subtaskIndex: number,
    readonly attemptNumber: number,
    cause: unknown,
  ) {
    super(`${taskNameWithSubtasks} failed in operator '${operatorName}' (subtask ${subtaskIndex}, attempt ${attemptNumber}): ${messageOf(cause)}`, { cause });
  }
}

/** @internal */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : e.name + ': '}${e.message}`;
  return String(e);
}
