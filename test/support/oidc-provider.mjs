// A real OpenID provider (panva's oidc-provider) for the single sign-on e2e test, in a process of its own:
// oidc-provider and jose are ES modules, which jest on Node 20 cannot load, and the api talks to a provider over
// HTTP anyway. Settings come as JSON in OIDC_TEST_PROVIDER; it prints "listening" once it serves.
//
// Interactions are driven by the test: GET /interaction/<uid>?account=<id> signs that account in (no form).
// POST /__test/tamper {claims?, foreignKey?} makes the NEXT token response carry an ID token with those claims
// replaced (re-signed with the provider's own key, so only the changed claim is wrong) or signed by a key the
// provider's JWKS does not have. The api's openid-client is what must refuse it.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';

const settings = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '{}');
const { port, issuer, client, accounts } = settings;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'flowline-test-key', alg: 'RS256', use: 'sig' };
const foreign = await generateKeyPair('RS256');

let tamper = null;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.id,
      client_secret: client.secret,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomUUID()] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (_ctx, id) => {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: () => ({ sub: id, name: account.name, email: account.email, email_verified: account.emailVerified }) };
  },
  // A first-party client: consent is implied, so a sign-in is one interaction (login).
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

// Runs around every provider route; rewrites the token endpoint's answer when the test asked for it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !tamper || typeof ctx.body?.id_token !== 'string') return;
  const { claims = {}, foreignKey = false } = tamper;
  tamper = null;
  const header = decodeProtectedHeader(ctx.body.id_token);
  const payload = { ...decodeJwt(ctx.body.id_token), ...claims };
  ctx.body = {
    ...ctx.body,
    id_token: await new SignJWT(payload).setProtectedHeader(header).sign(foreignKey ? foreign.privateKey : privateKey),
  };
});

const providerCallback = provider.callback();

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    const accountId = url.searchParams.get('account');
    if (!accounts[accountId]) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown account');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ clientId: details.params.client_id, accountId: details.session.accountId });
  grant.addOIDCScope('openid email profile');
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

const server = createServer((req, res) => {
  const url = new URL(req.url, issuer);
  if (req.method === 'POST' && url.pathname === '/__test/tamper') {
    readJson(req).then((body) => {
      tamper = body;
      res.writeHead(204).end();
    });
    return;
  }
  if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
    interaction(req, res, url).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.message ?? error));
    });
    return;
  }
  providerCallback(req, res);
});

server.listen(port, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
