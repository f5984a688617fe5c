import { Writable } from 'node:stream';
import pino from 'pino';
import type { AppConfig } from '@app/config';
import { redactDeep } from './deep-redact';
import { baseLoggerOptions } from './logger-options';

const SECRET = 'sk_live_do_not_log_0123456789';

function logged(write: (logger: pino.Logger) => void): string {
  let text = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => ((text += String(chunk)), done()) });
  const logger = pino(baseLoggerOptions({ logLevel: 'info' } as AppConfig, 'test'), sink);
  write(logger);
  return text;
}

describe('log redaction at any depth', () => {
  it('censors secret-named properties however deep in a logged object, arrays included', () => {
    const line = logged((logger) =>
      logger.warn({ step: { output: { body: { nested: [{ credentials: { password: SECRET, apiKey: SECRET } }] } } } }, 'step failed'),
    );
    expect(line).toContain('step failed');
    expect(line).toContain('[REDACTED]');
    expect(line).not.toContain(SECRET);
  });

  it("censors a secret in an error's details and cause, keeping its message and type", () => {
    const error = Object.assign(new Error('upstream refused', { cause: { response: { authorization: `Bearer ${SECRET}` } } }), {
      details: { request: { headers: { 'x-api-key': SECRET } } },
    });
    const line = logged((logger) => logger.error({ err: error }, 'call failed'));
    expect(JSON.parse(line).err).toMatchObject({ type: 'Error', message: 'upstream refused' });
    expect(line).not.toContain(SECRET);
  });

  it('leaves objects without secrets as they are (no copy) and survives cycles', () => {
    const plain = { a: { b: [1, { c: 'text' }] } };
    expect(redactDeep(plain)).toBe(plain);
    const cyclic: Record<string, unknown> = { token: SECRET };
    cyclic.self = cyclic;
    expect(JSON.stringify(redactDeep(cyclic))).not.toContain(SECRET);
  });
});
