/** The README's "Clients" example, compiled by libs/client/src/type-tests.spec.ts so it cannot drift from the client. */
import { createFlowlineClient, FlowlineApiError } from '@flowline/client';

export async function readmeExample(): Promise<void> {
  const flowline = createFlowlineClient({ baseUrl: 'http://localhost:3000' }); // or { token } or { apiKey }
  await flowline.register({ email: 'ada@example.com', password: 'correct-horse-battery' }); // keeps the token (login() too)
  const workflow = await flowline.POST('/workflows', {
    body: { name: 'double', steps: [{ id: 'x2', type: 'transform', params: { expression: 'input.n * 2' } }] },
  });
  const run = await flowline.POST('/run', { body: { workflowId: workflow.id, input: { n: 21 } } }); // 200 or 202
  const id = 'executionId' in run ? run.executionId : run.id;
  const execution = await flowline.GET('/executions/{id}', { params: { path: { id } } }); // status, output, steps
  for await (const page of flowline.pages('/executions', { status: 'failed' })) console.log(page.items.length);

  try {
    await flowline.POST('/run/async', { body: { workflowId: workflow.id } });
  } catch (error) {
    if (error instanceof FlowlineApiError && error.code === 'CONCURRENCY_LIMIT') console.log(error.retryAfter, execution.status);
  }
}
