/**
 * Compiled, never run (libs/client/src/type-tests.spec.ts runs tsc on it): each `@ts-expect-error` must meet a
 * real type error, so a client that stopped checking these would fail the build of this file.
 */
import { createFlowlineClient, type FlowlineApiError, type PageItem, type Step } from '@flowline/client';

export async function typeTests(): Promise<void> {
  const flowline = createFlowlineClient({ baseUrl: 'http://localhost:3000' });
  const steps: Step[] = [{ id: 'one', type: 'transform', params: { expression: '1 + 1' } }];

  // Accepted: the contract's shape.
  const workflow = await flowline.POST('/workflows', { body: { name: 'ok', steps, trigger: { type: 'manual' } } });
  const id: string = workflow.id;

  // @ts-expect-error `name` is required on create
  await flowline.POST('/workflows', { body: { steps } });
  // @ts-expect-error `trigger.type` is manual | webhook | schedule
  await flowline.POST('/workflows', { body: { name: 'x', steps, trigger: { type: 'hourly' } } });
  // @ts-expect-error a run needs a workflowId
  await flowline.POST('/run', { body: { input: {} } });
  // @ts-expect-error whenBusy is reject | queue
  await flowline.POST('/run/async', { body: { workflowId: id, whenBusy: 'later' } });
  // @ts-expect-error no such endpoint
  await flowline.GET('/workflow');
  // @ts-expect-error the path parameter is required
  await flowline.GET('/executions/{id}', {});
  // @ts-expect-error register needs a password
  await flowline.register({ email: 'a@example.com' });

  const execution = await flowline.GET('/executions/{id}', { params: { path: { id } } });
  // @ts-expect-error an execution's status is one of six values, not any string
  const impossible: typeof execution.status = 'done';
  // @ts-expect-error durationMs is number | null, never a string
  const duration: string = execution.durationMs;

  // Pagination: the item type of a list endpoint; only list endpoints are accepted.
  const first: PageItem<'/executions'> | undefined = (await flowline.listAll('/executions', { status: 'succeeded', limit: 100 }))[0];
  // @ts-expect-error GET /users/me is not a list
  await flowline.listAll('/users/me');
  // @ts-expect-error the iterator owns `page`
  await flowline.listAll('/workflows', { page: 2 });

  const caught = null as unknown as FlowlineApiError;
  // @ts-expect-error status is a number
  const status: string = caught.status;

  void [impossible, duration, first, status];
}
