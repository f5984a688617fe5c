import { HttpClient } from './http-client';
import { TestUser } from './users';

/**
 * POST /workflows as `owner` (named 'wf' unless `body` names it). Anything but 201 fails the calling test with the
 * api's answer. Returns the created workflow as the api sent it.
 */
export async function createWorkflow(http: HttpClient, owner: TestUser, body: Record<string, unknown>): Promise<any> {
  const response = await http.post('/workflows', { name: 'wf', ...body }, { token: owner.token });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body;
}

/** The id of a workflow created as `createWorkflow` does. */
export async function createWorkflowId(http: HttpClient, owner: TestUser, body: Record<string, unknown>): Promise<string> {
  return (await createWorkflow(http, owner, body)).id as string;
}
