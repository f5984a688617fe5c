import { publicAddressesOnly } from './address.policy';
import { StepFailure, errorMessage } from './engine.errors';
import { RunContext, RunOptions, RunResult, StepDefinition, StepResult, StepStatus } from './engine.types';
import { ExecutorEnvironment, PreparedStep, abortableSleep, prepareStep } from './step.executors';
import { SafeHttpClient } from './safe-http.client';
import { validateWorkflowSteps } from './workflow.validator';

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

type StopReason = 'cancelled' | 'timeout';

/** One abort signal for the whole run, fired by the caller's signal or the overall timeout. */
class RunControl {
  readonly signal: AbortSignal;
  readonly deadline: number;
  private readonly controller = new AbortController();
  private reason: StopReason | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = (): void => this.stop('cancelled');

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    readonly timeoutMs: number,
  ) {
    this.signal = this.controller.signal;
    this.deadline = Date.now() + timeoutMs;
    // setTimeout fires at once for delays beyond 2^31-1 ms, so longer timeouts are capped (~24.8 days).
    this.timer = setTimeout(() => this.stop('timeout'), Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS));
    if (callerSignal?.aborted) this.stop('cancelled');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Also reads the clock: CPU-bound work (JSONata) can pass the deadline before the timer gets to run. */
  stopReason(): StopReason | null {
    if (!this.reason && Date.now() >= this.deadline) this.stop('timeout');
    return this.reason;
  }

  timeoutMessage(): string {
    return `Execution timed out after ${this.timeoutMs} ms`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(reason === 'cancelled' ? new Error('Execution cancelled') : new Error(this.timeoutMessage()));
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function skipped(id: string): StepResult {
  return { id, status: 'skipped', output: null, error: null, startedAt: null, durationMs: null, attempts: 0 };
}

interface StepOutcome {
  result: StepResult;
  /** Set when the run was stopped while this step was in flight. */
  stoppedBy: StopReason | null;
}

class StepRunner {
  constructor(
    private readonly control: RunControl,
    private readonly env: ExecutorEnvironment,
  ) {}

  async run(step: StepDefinition, context: RunContext): Promise<StepOutcome> {
    const startedAt = new Date();
    const started = performance.now();
    let attempts = 0;
    const finish = (status: StepStatus, output: unknown, error: string | null, stoppedBy: StopReason | null = null): StepOutcome => ({
      result: {
        id: step.id,
        status,
        output,
        error,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        attempts: Math.max(attempts, 1),
      },
      stoppedBy,
    });
    const interrupted = (): StepOutcome =>
      this.control.stopReason() === 'cancelled'
        ? finish('cancelled', null, 'Execution cancelled', 'cancelled')
        : finish('failed', null, this.control.timeoutMessage(), 'timeout');

    let prepared: PreparedStep;
    try {
      prepared = await untilAborted(prepareStep(step, context, this.env), this.control.signal);
    } catch (error) {
      return this.control.stopReason() ? interrupted() : finish('failed', null, errorMessage(error));
    }
    const maxAttempts = Math.min(Math.max(step.retry?.attempts ?? 1, 1), 10);
    const backoffMs = step.retry?.backoffMs ?? 0;
    const timeoutMs = step.timeoutMs ?? (step.type === 'http' ? DEFAULT_HTTP_TIMEOUT_MS : undefined);
    for (;;) {
      attempts++;
      try {
        return finish('succeeded', await this.attempt(prepared, timeoutMs), null);
      } catch (error) {
        if (this.control.stopReason()) return interrupted();
        const failure = error instanceof StepFailure ? error : new StepFailure(errorMessage(error));
        if (!failure.retryable || attempts >= maxAttempts) return finish('failed', null, prepared.redact(failure.message));
      }
      try {
        await abortableSleep(backoffMs * 2 ** (attempts - 1), this.control.signal);
      } catch {
        return interrupted();
      }
    }
  }

  private async attempt(prepared: PreparedStep, timeoutMs: number | undefined): Promise<unknown> {
    const timeout = new AbortController();
    const attemptDeadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => timeout.abort(), timeoutMs);
    const signal = AbortSignal.any([this.control.signal, timeout.signal]);
    try {
      return await untilAborted(prepared.run({ signal, deadline: Math.min(attemptDeadline, this.control.deadline) }), signal);
    } catch (error) {
      if (!this.control.stopReason() && (timeout.signal.aborted || Date.now() >= attemptDeadline)) {
        throw new StepFailure(`Step timed out after ${timeoutMs} ms`, { retryable: true });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs the step through `options.aroundStep` when given, keeping the outcome the wrapper does not see. */
async function runWrapped(
  runner: StepRunner,
  step: StepDefinition,
  index: number,
  context: RunContext,
  options: RunOptions,
): Promise<StepOutcome> {
  if (!options.aroundStep) return runner.run(step, context);
  let outcome: StepOutcome | undefined;
  const result = await options.aroundStep(step, index, async () => (outcome = await runner.run(step, context)).result);
  return outcome ?? { result, stoppedBy: null };
}

function invalidDefinition(steps: unknown, problems: ReturnType<typeof validateWorkflowSteps>): RunResult {
  const listed = problems.slice(0, 5).map((problem) => `${problem.path}: ${problem.message}`);
  const more = problems.length > listed.length ? ` (and ${problems.length - listed.length} more)` : '';
  const ids = Array.isArray(steps) ? steps.map((step: { id?: unknown }) => String(step?.id ?? '')) : [];
  return { status: 'failed', output: null, error: `Invalid workflow definition: ${listed.join('; ')}${more}`, steps: ids.map(skipped) };
}

/**
 * Runs the steps in order. Resolves with the run's outcome whatever the steps do; it rejects
 * only when `onStepStarting` or `onStepFinished` throws, since a result that cannot be persisted must not be skipped over.
 */
export async function runWorkflow(steps: StepDefinition[], options: RunOptions): Promise<RunResult> {
  const problems = validateWorkflowSteps(steps);
  if (problems.length > 0) return invalidDefinition(steps, problems);

  const control = new RunControl(options.signal, options.timeoutMs);
  let client: SafeHttpClient | null = null;
  const env: ExecutorEnvironment = {
    resolveCredential: options.resolveCredential,
    httpClient: () =>
      (client ??= new SafeHttpClient({
        policy: options.http.allowPrivate ? null : publicAddressesOnly,
        maxResponseBytes: options.http.maxResponseBytes,
      })),
  };
  const runner = new StepRunner(control, env);
  const done = new Map((options.completed ?? []).filter((result) => result.status === 'succeeded').map((result) => [result.id, result]));
  const results = steps.map((step) => skipped(step.id));
  const context: RunContext = { input: options.input, steps: {} };
  let stoppedBy: StopReason | null = null;

  try {
    for (const [index, step] of steps.entries()) {
      const previous = done.get(step.id);
      if (!previous) {
        stoppedBy = control.stopReason();
        if (stoppedBy) break;
      }
      if (!previous) await options.onStepStarting?.(step);
      const outcome = previous ? { result: previous, stoppedBy: null } : await runWrapped(runner, step, index, context, options);
      results[index] = outcome.result;
      if (!previous) await options.onStepFinished?.(outcome.result);
      stoppedBy = outcome.stoppedBy;
      if (outcome.result.status !== 'succeeded') break;
      context.steps[step.id] = { output: outcome.result.output };
      if (step.type === 'condition' && outcome.result.output === false) break;
    }
  } finally {
    control.dispose();
    await (client as SafeHttpClient | null)?.close();
  }

  const lastRan = results.filter((result) => result.status !== 'skipped').pop();
  const failed = results.find((result) => result.status === 'failed');
  let status: RunResult['status'] = 'succeeded';
  let error: string | null = null;
  if (stoppedBy === 'cancelled') {
    status = 'cancelled';
    error = 'Execution cancelled';
  } else if (stoppedBy === 'timeout') {
    status = 'failed';
    error = control.timeoutMessage();
  } else if (failed) {
    status = 'failed';
    error = `Step "${failed.id}" failed: ${failed.error}`;
  }
  return { status, output: lastRan?.output ?? null, error, steps: results };
}
