import { credentialDataProblems } from './credential-data.validator';

const headerProblems = (name: string) => credentialDataProblems('header', { name, value: 'v' }).map((problem) => problem.field);

describe('header credentials follow the same header rules as http steps', () => {
  it.each(['Host', 'content-length', 'Transfer-Encoding', 'Proxy-Connection', 'TE'])(
    'refuses %s, which the HTTP client sets itself',
    (name) => {
      expect(headerProblems(name)).toEqual(['data.name']);
      expect(credentialDataProblems('header', { name, value: 'v' })[0].errors).toContain('is a header the HTTP client sets itself');
    },
  );

  it('refuses names that are not header tokens or are longer than 100 characters, and accepts a real one', () => {
    expect(headerProblems('Bad Header')).toEqual(['data.name']);
    expect(headerProblems(`X-${'a'.repeat(99)}`)).toEqual(['data.name']);
    expect(headerProblems(`X-${'a'.repeat(98)}`)).toEqual([]);
    expect(headerProblems('X-Api-Token')).toEqual([]);
  });
});
