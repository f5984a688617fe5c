/**
 * Step params and triggers as the api's document types them (a oneOf union by `type`), compiled by
 * libs/client/src/type-tests.spec.ts: each `@ts-expect-error` must meet a real type error.
 */
import { createFlowlineClient, type DelayStep, type HttpStep, type Step, type Trigger } from '@flowline/client';

export async function stepParamTypeTests(): Promise<void> {
  const flowline = createFlowlineClient({ baseUrl: 'http://localhost:3000' });

  // Accepted: every step type with its params, a delay read from run data, a schedule trigger.
  const fetch: HttpStep = {
    id: 'fetch',
    type: 'http',
    params: { method: 'POST', url: 'https://x.test', headers: { Accept: 'application/json' }, body: { any: ['json'] } },
    retry: { attempts: 3, backoffMs: 100 },
    timeoutMs: 5000,
  };
  const wait: DelayStep = { id: 'wait', type: 'delay', params: { ms: '{{ input.waitMs }}' } };
  const steps: Step[] = [
    fetch,
    wait,
    { id: 'shape', type: 'transform', params: { expression: 'steps.fetch.output.body' } },
    { id: 'check', type: 'condition', params: { expression: 'steps.shape.output.ok' } },
    { id: 'nap', type: 'delay', params: { ms: 1000 } },
  ];
  const nightly: Trigger = { type: 'schedule', cron: '0 2 * * *', timezone: 'Europe/Paris' };
  await flowline.POST('/workflows', { body: { name: 'ok', steps, trigger: nightly } });

  await flowline.POST('/workflows', {
    // @ts-expect-error an http step's url is a string
    body: { name: 'x', steps: [{ id: 'a', type: 'http', params: { method: 'GET', url: 42 } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error an http step's method is one of GET, POST, PUT, PATCH, DELETE, HEAD
    body: { name: 'x', steps: [{ id: 'a', type: 'http', params: { method: 'FETCH', url: 'https://x.test' } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error header values are strings
    body: { name: 'x', steps: [{ id: 'a', type: 'http', params: { method: 'GET', url: 'https://x.test', headers: { 'X-Try': 1 } } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a transform step needs an expression
    body: { name: 'x', steps: [{ id: 'a', type: 'transform', params: {} }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a condition step's params are {expression} only
    body: { name: 'x', steps: [{ id: 'a', type: 'condition', params: { expression: 'true', url: 'https://x.test' } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a delay's ms is a number or one whole {{ template }}, not any string
    body: { name: 'x', steps: [{ id: 'a', type: 'delay', params: { ms: 'soon' } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error there is no email step
    body: { name: 'x', steps: [{ id: 'a', type: 'email', params: {} }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error retry needs attempts and backoffMs
    body: { name: 'x', steps: [{ id: 'a', type: 'delay', params: { ms: 1 }, retry: { attempts: 2 } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a schedule trigger needs its cron
    body: { name: 'x', steps, trigger: { type: 'schedule' } },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a manual trigger has no cron
    body: { name: 'x', steps, trigger: { type: 'manual', cron: '* * * * *' } },
  });

  // What the api answers is typed the same way: narrowing on `type` reaches the step's own params.
  const workflow = await flowline.GET('/workflows/{id}', { params: { path: { id: 'some-id' } } });
  for (const step of workflow.steps) {
    if (step.type === 'http') {
      const url: string = step.params.url;
      // @ts-expect-error an http step has no expression
      void step.params.expression;
      void url;
    }
  }
}
