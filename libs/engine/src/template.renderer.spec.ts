import { StepFailure } from './engine.errors';
import { isSingleTemplate, parseTemplatePath, renderString, renderTemplates, resolvePath } from './template.renderer';

const context = {
  input: { name: 'Ada', count: 3, tags: ['a', 'b'], nested: { ok: true }, nothing: null },
  steps: { fetch: { output: { status: 200, body: { items: [{ name: 'first' }, { name: 'second' }], 'odd key': 'x' } } } },
};

describe('template rendering', () => {
  it('yields the raw value when the string is exactly one template', () => {
    expect(renderString('{{ input.count }}', context)).toBe(3);
    expect(renderString('{{input.nested}}', context)).toEqual({ ok: true });
    expect(renderString('{{ steps.fetch.output.body.items[1].name }}', context)).toBe('second');
    expect(renderString('{{ steps.fetch.output.body["odd key"] }}', context)).toBe('x');
    expect(renderString('{{ input.missing.deeper }}', context)).toBeUndefined();
  });

  it('stringifies values inside a longer string, objects as JSON and missing values as empty', () => {
    expect(renderString('Hello {{ input.name }}, you have {{ input.count }}', context)).toBe('Hello Ada, you have 3');
    expect(renderString('tags={{ input.tags }} nested={{input.nested}}', context)).toBe('tags=["a","b"] nested={"ok":true}');
    expect(renderString('[{{ input.missing }}][{{ input.nothing }}]', context)).toBe('[][]');
    expect(renderString(' {{ input.count }}', context)).toBe(' 3');
    expect(renderString('no templates', context)).toBe('no templates');
  });

  it('renders deeply through objects and arrays, leaving keys and non-strings alone', () => {
    const params = {
      url: 'https://x.test/{{ input.name }}',
      headers: { 'X-Count': '{{ input.count }}' },
      body: { list: ['{{ input.tags }}', 7, null], '{{ input.name }}': true },
    };
    expect(renderTemplates(params, context)).toEqual({
      url: 'https://x.test/Ada',
      headers: { 'X-Count': 3 },
      body: { list: [['a', 'b'], 7, null], '{{ input.name }}': true },
    });
  });

  it('never reads inherited properties', () => {
    expect(renderString('{{ input.constructor }}', context)).toBeUndefined();
    expect(resolvePath({ a: {} }, ['a', '__proto__'])).toBeUndefined();
    expect(renderString('{{ input.name.length }}', context)).toBeUndefined();
  });

  it('rejects a template that is not a path', () => {
    expect(() => renderString('{{ input.a + 1 }}', context)).toThrow(StepFailure);
    expect(() => renderString('x {{ }}', context)).toThrow(/Invalid template/);
  });

  it('parses paths with dots, indexes, quoted keys and hyphenated step ids', () => {
    expect(parseTemplatePath('steps.my-step.output.items[0].name')).toEqual(['steps', 'my-step', 'output', 'items', 0, 'name']);
    expect(parseTemplatePath("input['a b']")).toEqual(['input', 'a b']);
    expect(parseTemplatePath('input.')).toBeNull();
    expect(parseTemplatePath('input[-1]')).toBeNull();
    expect(parseTemplatePath('1abc')).toBeNull();
  });

  it('knows a single template from a composed string', () => {
    expect(isSingleTemplate('{{ a }}')).toBe(true);
    expect(isSingleTemplate('{{ a }}{{ b }}')).toBe(false);
    expect(isSingleTemplate('{{ a }} ')).toBe(false);
  });
});
