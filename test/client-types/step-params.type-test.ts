/**
 * Step params, once the api's document types `steps` as a oneOf union of the four step types. Until then the
 * document has `steps: items: {type: object}`, the expectations below are not met, and this file is excluded
 * from tsconfig.json and skipped by libs/client/src/type-tests.spec.ts (STEP_PARAMS_TYPED): set that to true
 * and remove the exclude in tsconfig.json after regenerating the client from a document with the union.
 */
import { createFlowlineClient } from '@flowline/client';

export async function stepParamTypeTests(): Promise<void> {
  const flowline = createFlowlineClient({ baseUrl: 'http://localhost:3000' });
  await flowline.POST('/workflows', {
    // @ts-expect-error an http step's url is a string
    body: { name: 'x', steps: [{ id: 'a', type: 'http', params: { method: 'GET', url: 42 } }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a transform step needs an expression
    body: { name: 'x', steps: [{ id: 'a', type: 'transform', params: {} }] },
  });
  await flowline.POST('/workflows', {
    // @ts-expect-error a delay step takes ms as a number
    body: { name: 'x', steps: [{ id: 'a', type: 'delay', params: { ms: 'soon' } }] },
  });
}
