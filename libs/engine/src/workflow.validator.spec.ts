import { DefinitionProblem } from './engine.types';
import { validateWorkflowSteps } from './workflow.validator';

function at(problems: DefinitionProblem[], path: string): DefinitionProblem[] {
  return problems.filter((problem) => problem.path === path);
}

const fetchStep = {
  id: 'fetch',
  type: 'http',
  params: {
    method: 'GET',
    url: 'https://api.example.com/items',
    headers: { Accept: 'application/json' },
    query: { page: '{{ input.page }}' },
  },
};

describe('validateWorkflowSteps', () => {
  it('accepts a valid workflow', () => {
    const steps = [
      fetchStep,
      { id: 'shape', type: 'transform', params: { expression: '$.steps.fetch.output.body.items[price > $$.input.min]' } },
      { id: 'any', type: 'condition', params: { expression: '$count(steps.shape.output) > 0' }, retry: { attempts: 2, backoffMs: 100 } },
      { id: 'wait', type: 'delay', params: { ms: 1000 }, timeoutMs: 5000 },
      {
        id: 'post_it',
        type: 'http',
        params: { method: 'POST', url: '{{ input.callbackUrl }}', body: { items: '{{ steps.shape.output }}' }, credentialId: 'cred-1' },
      },
      { id: 'hostFromInput', type: 'http', params: { method: 'GET', url: 'https://{{ input.host }}/x' } },
    ];
    expect(validateWorkflowSteps(steps)).toEqual([]);
  });

  it('requires a non-empty array of at most 100 steps', () => {
    expect(validateWorkflowSteps(undefined)).toEqual([{ stepId: null, path: 'steps', message: 'must be an array of steps' }]);
    expect(validateWorkflowSteps([])).toEqual([{ stepId: null, path: 'steps', message: 'must contain at least one step' }]);
    const many = Array.from({ length: 101 }, (_, index) => ({ id: `s${index}`, type: 'delay', params: { ms: 0 } }));
    expect(validateWorkflowSteps(many)).toEqual([{ stepId: null, path: 'steps', message: 'must contain at most 100 steps (got 101)' }]);
    expect(validateWorkflowSteps(many.slice(0, 100))).toEqual([]);
  });

  it('rejects duplicate and malformed ids', () => {
    const problems = validateWorkflowSteps([
      { id: 'a', type: 'delay', params: { ms: 1 } },
      { id: 'a', type: 'delay', params: { ms: 1 } },
      { id: '1bad', type: 'delay', params: { ms: 1 } },
      { id: 'x'.repeat(65), type: 'delay', params: { ms: 1 } },
      { type: 'delay', params: { ms: 1 } },
    ]);
    expect(at(problems, 'steps[1].id')).toEqual([
      { stepId: 'a', path: 'steps[1].id', message: 'duplicate step id "a" (also used by steps[0])' },
    ]);
    expect(at(problems, 'steps[2].id')[0].stepId).toBe('1bad');
    expect(at(problems, 'steps[3].id')).toHaveLength(1);
    expect(at(problems, 'steps[4].id')[0].stepId).toBeNull();
  });

  it('rejects unknown types, unknown keys and params of the wrong shape', () => {
    const problems = validateWorkflowSteps([
      { id: 'a', type: 'email', params: {} },
      {
        id: 'b',
        type: 'http',
        params: {
          method: 'FETCH',
          url: 'ftp://example.com',
          headers: { 'Bad Header': 'x', Host: 'evil', 'Proxy-Connection': 'keep-alive', 'X-Num': 5 },
          query: [],
          timeout: 3,
        },
      },
      { id: 'c', type: 'delay', params: { ms: 1.5 }, extra: true, retry: { attempts: 11, backoffMs: -1, jitter: true }, timeoutMs: 0 },
      { id: 'd', type: 'transform', params: 'input' },
      'not a step',
    ]);
    const paths = problems.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'steps[0].type',
        'steps[1].params.method',
        'steps[1].params.url',
        'steps[1].params.headers["Bad Header"]',
        'steps[1].params.headers.Host',
        'steps[1].params.headers["Proxy-Connection"]',
        'steps[1].params.headers["X-Num"]',
        'steps[1].params.query',
        'steps[1].params.timeout',
        'steps[2].params.ms',
        'steps[2].extra',
        'steps[2].retry.attempts',
        'steps[2].retry.backoffMs',
        'steps[2].retry.jitter',
        'steps[2].timeoutMs',
        'steps[3].params',
        'steps[4]',
      ]),
    );
    expect(problems.find((problem) => problem.path === 'steps[1].params.timeout')).toEqual({
      stepId: 'b',
      path: 'steps[1].params.timeout',
      message: 'unknown parameter for a http step',
    });
  });

  it('rejects JSONata that does not compile', () => {
    const [problem] = validateWorkflowSteps([{ id: 'bad', type: 'transform', params: { expression: 'input.(' } }]);
    expect(problem).toMatchObject({ stepId: 'bad', path: 'steps[0].params.expression' });
    expect(problem.message).toMatch(/^invalid JSONata/);
  });

  it('rejects references to later, unknown or own steps in templates and JSONata', () => {
    const problems = validateWorkflowSteps([
      { id: 'first', type: 'http', params: { method: 'POST', url: 'https://x.test/{{ steps.later.output }}', body: { a: ['{{ foo }}'] } } },
      { id: 'mid', type: 'transform', params: { expression: '$.steps.later.output + steps.ghost.output + steps.mid.output' } },
      { id: 'later', type: 'delay', params: { ms: '{{ steps.first.output.body.wait }}' } },
    ]);
    expect(problems).toEqual([
      {
        stepId: 'first',
        path: 'steps[0].params.url',
        message: 'template {{ steps.later.output }} refers to step "later", which does not run before this step',
      },
      { stepId: 'first', path: 'steps[0].params.body.a[0]', message: 'template {{ foo }} must start with input or steps' },
      {
        stepId: 'mid',
        path: 'steps[1].params.expression',
        message: 'steps.later refers to step "later", which does not run before this step',
      },
      { stepId: 'mid', path: 'steps[1].params.expression', message: 'steps.ghost refers to unknown step "ghost"' },
      {
        stepId: 'mid',
        path: 'steps[1].params.expression',
        message: 'steps.mid refers to this step itself; only earlier steps can be used',
      },
    ]);
  });

  it('limits delays to 300000 ms and checks URLs after templates', () => {
    const problems = validateWorkflowSteps([
      { id: 'long', type: 'delay', params: { ms: 300001 } },
      { id: 'neg', type: 'delay', params: { ms: -1 } },
      { id: 'ok', type: 'delay', params: { ms: 300000 } },
      { id: 'scheme', type: 'http', params: { method: 'GET', url: 'file://{{ input.path }}' } },
      { id: 'whole', type: 'http', params: { method: 'GET', url: '{{ input.url }}' } },
      { id: 'head', type: 'http', params: { method: 'HEAD', url: 'https://x.test', body: 'no' } },
      { id: 'cred', type: 'http', params: { method: 'GET', url: 'https://x.test', credentialId: '{{ input.cred }}' } },
      { id: 'broken', type: 'http', params: { method: 'GET', url: 'https://x.test/{{ input..a }}' } },
    ]);
    expect(problems.map((problem) => `${problem.stepId} ${problem.path}`)).toEqual([
      'long steps[0].params.ms',
      'neg steps[1].params.ms',
      'scheme steps[3].params.url',
      'head steps[5].params.body',
      'cred steps[6].params.credentialId',
      'broken steps[7].params.url',
    ]);
    expect(problems[0].message).toBe('must be an integer from 0 to 300000 (ms)');
  });

  it('bounds header and query maps, their values and delay templates', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`X-H${index}`, 'v']));
    const problems = validateWorkflowSteps([
      { id: 'wide', type: 'http', params: { method: 'GET', url: 'https://x.test', headers: many, query: { q: 'x'.repeat(8193) } } },
      { id: 'wait', type: 'delay', params: { ms: `{{ input.${'a'.repeat(1000)} }}` } },
    ]);
    expect(problems.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'steps[0].params.headers: must have at most 100 entries (got 101)',
      'steps[0].params.query.q: must be at most 8192 characters',
      'steps[1].params.ms: must be at most 1000 characters',
    ]);
  });
});
