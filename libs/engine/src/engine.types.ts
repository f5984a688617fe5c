export type StepType = 'http' | 'transform' | 'condition' | 'delay';

/** `attempts` counts every try (1..10); the wait before try n+1 is `backoffMs * 2^(n-1)`. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export interface StepDefinition {
  id: string;
  type: StepType;
  params: Record<string, unknown>;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface StepResult {
  id: string;
  status: StepStatus;
  output: unknown;
  error: string | null;
  startedAt: Date | null;
  durationMs: number | null;
  attempts: number;
}

export interface RunResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  output: unknown;
  error: string | null;
  steps: StepResult[];
}

export interface HttpStepOptions {
  allowPrivate: boolean;
  /** Defaults to 1 MiB. */
  maxResponseBytes?: number;
}

export interface RunOptions {
  input: unknown;
  /** Aborting cancels the run, including an in-flight http call or delay. */
  signal?: AbortSignal;
  /** Overall execution timeout. */
  timeoutMs: number;
  /** Results of an earlier, interrupted attempt: succeeded steps here are not executed again. */
  completed?: StepResult[];
  /** Awaited before each step runs (not for steps taken from `completed`). */
  onStepStarting?: (step: StepDefinition) => Promise<void>;
  /** Awaited after each step that ran (not for steps taken from `completed`). */
  onStepFinished?: (result: StepResult) => Promise<void>;
  /**
   * Wraps each step that runs, given its position (`run` resolves with the step's result): tracing gives each step a
   * span this way, with the step's own calls inside it.
   */
  aroundStep?: (step: StepDefinition, index: number, run: () => Promise<StepResult>) => Promise<StepResult>;
  /** Headers to add to an http step with `params.credentialId`. */
  resolveCredential?: (credentialId: string) => Promise<Record<string, string>>;
  http: HttpStepOptions;
}

export interface DefinitionProblem {
  stepId: string | null;
  path: string;
  message: string;
}

/** What templates and JSONata expressions see. */
export interface RunContext {
  input: unknown;
  steps: Record<string, { output: unknown }>;
}
