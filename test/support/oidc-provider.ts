import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FlowlineProcess } from './processes';

export interface ProviderAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

export interface ProviderOptions {
  port: number;
  client: { id: string; secret: string; redirectUri: string };
  /** By account id (the `sub`). */
  accounts: Record<string, ProviderAccount>;
}

/** What the next token response's ID token gets wrong (see oidc-provider.mjs). */
export interface Tamper {
  claims?: Record<string, unknown>;
  foreignKey?: boolean;
}

/** panva's oidc-provider in a child process (test/support/oidc-provider.mjs), on loopback. */
export class TestOidcProvider {
  private constructor(
    readonly issuer: string,
    readonly process: FlowlineProcess,
  ) {}

  static async start(options: ProviderOptions): Promise<TestOidcProvider> {
    const issuer = `http://127.0.0.1:${options.port}`;
    const child = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], {
      env: { PATH: process.env.PATH, OIDC_TEST_PROVIDER: JSON.stringify({ ...options, issuer }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const provider = new TestOidcProvider(issuer, new FlowlineProcess('oidc-provider', child));
    await provider.process.waitForLog(/^listening$/m, 20000);
    return provider;
  }

  async tamperNextToken(tamper: Tamper): Promise<void> {
    const response = await fetch(`${this.issuer}/__test/tamper`, { method: 'POST', body: JSON.stringify(tamper) });
    if (response.status !== 204) throw new Error(`tamper: ${response.status}`);
  }

  stop(): Promise<number | null> {
    return this.process.stop('SIGKILL');
  }
}

/**
 * The browser's part at the provider: follows its redirects by hand with a cookie jar of
 * its own, signs `account` in at the interaction, and stops at the redirect back to
 * `redirectUri`, whose URL (code, state, iss) it returns.
 */
export async function authorizeAtProvider(authorizationUrl: string, account: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop++) {
    if (url.pathname.startsWith('/interaction/')) url.searchParams.set('account', account);
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, ...value] = pair.trim().split('=');
      const expired = attributes.some((attribute) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(attribute));
      if (expired || value.join('=') === '') jar.delete(name);
      else jar.set(name, value.join('='));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`the provider answered ${response.status} at ${url.pathname}: ${(await response.text()).slice(0, 300)}`);
    url = new URL(location, url);
    if (url.href.startsWith(`${redirectUri}?`)) return url;
  }
  throw new Error('the provider never redirected back');
}
