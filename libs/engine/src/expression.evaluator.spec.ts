import { StepFailure } from './engine.errors';
import { evaluateExpression, expressionProblem, isTruthy, referencedStepIds } from './expression.evaluator';

describe('JSONata expressions', () => {
  it('evaluates over the run context and returns plain JSON', async () => {
    const context = { input: { items: [1, 2, 3] }, steps: { a: { output: { factor: 2 } } } };
    await expect(evaluateExpression('input.items.($ * $$.steps.a.output.factor)', context, Infinity)).resolves.toEqual([2, 4, 6]);
    await expect(evaluateExpression('input.nothing', context, Infinity)).resolves.toBeNull();
    await expect(evaluateExpression('function($x) { $x }', context, Infinity)).resolves.toBeNull();
  });

  it('reports compile problems and runtime errors', async () => {
    expect(expressionProblem('input.a')).toBeNull();
    expect(expressionProblem('input.(')).toMatch(/^invalid JSONata: .*S0\d{3}/);
    expect(expressionProblem('  ')).toBe('expression must not be empty');
    await expect(evaluateExpression('1 + "a"', {}, Infinity)).rejects.toThrow(/JSONata evaluation failed: .*T2002/);
  });

  it('stops a runaway expression at the deadline', async () => {
    const started = Date.now();
    const failure = evaluateExpression('$sum([1..10000000].($ * 2))', {}, Date.now() + 100);
    await expect(failure).rejects.toBeInstanceOf(StepFailure);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('finds step references in every spelling', () => {
    expect(referencedStepIds('steps.a.output + $.steps.b.output + $$.steps.c.output').sort()).toEqual(['a', 'b', 'c']);
    expect(referencedStepIds('input.items[price > steps.`my-step`.output].name')).toEqual(['my-step']);
    expect(referencedStepIds('input.steps.x + steps')).toEqual([]);
  });

  it('casts to boolean the way $boolean does', () => {
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(isTruthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, '', [], [0, ''], {}, null, undefined].map(isTruthy)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
