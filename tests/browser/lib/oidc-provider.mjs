// A real OpenID Connect provider (oidc-provider) for smm's sign-in tests, run as its own process:
//
//   OIDC_ISSUER=http://localhost:0 OIDC_CLIENT_ID=smm OIDC_CLIENT_SECRET=… \
//   OIDC_REDIRECT_URI=http://127.0.0.1:8080/auth/oidc/callback \
//   OIDC_ACCOUNTS='{"alice":{"groups":["smm-owners"],"email":"alice@example.test","name":"Alice"}}' \
//   node tests/browser/lib/oidc-provider.mjs
//
// It prints one line, `listening ISSUER`, once it accepts connections (port 0 in OIDC_ISSUER
// becomes a free port, shown in that line), and nothing else on stdout. The dev login page
// accepts any login and password; the login becomes `sub`. A login missing from OIDC_ACCOUNTS
// gets `groups: []`.
//
// It listens on every address the issuer's host resolves to, and for `localhost` on both
// 127.0.0.1 and ::1 (whichever exist): resolvers disagree on which one `localhost` means
// (glibc follows /etc/hosts, Chromium always tries ::1 and 127.0.0.1), and a client that tries
// the wrong one first must not reach some other program.
//
// Test hooks on the same port, outside the provider's routes (204 on success, 400 on bad input):
//   POST /test/forge {"mode": M}     damages the ID token of the NEXT successful token response
//                                    (see `forge` for the modes); {"mode": null} disarms.
//   POST /test/accounts {login: {…}} replaces OIDC_ACCOUNTS.
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

// oidc-provider prints notices with console.info; stdout belongs to the `listening` line.
console.info = console.log = console.error;

function fail(message) {
  process.stderr.write(`oidc-provider.mjs: ${message}\n`);
  process.exit(2);
}
const env = (name) => process.env[name] || fail(`${name} is not set`);
const issuerUrl = new URL(env('OIDC_ISSUER'));
if (issuerUrl.pathname !== '/' || issuerUrl.search || issuerUrl.hash) fail('OIDC_ISSUER must be an origin, without path');
const clientId = env('OIDC_CLIENT_ID');
const clientSecret = env('OIDC_CLIENT_SECRET');
const redirectUri = env('OIDC_REDIRECT_URI');
let accounts = parseAccounts(process.env.OIDC_ACCOUNTS ?? '{}') ?? fail('OIDC_ACCOUNTS must be a JSON object');

function parseAccounts(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

// A fresh key per run: nothing to keep in the repository, and tokens of one run mean nothing in
// the next. Exported as a private JWK so `forge` can sign with the provider's own key.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = privateKey.export({ format: 'jwk' });
jwk.kid = createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url'); // RFC 7638
Object.assign(jwk, { alg: 'RS256', use: 'sig' });

// Listen first, so that port 0 can become the issuer's real port before the provider exists.
let handle = (req, res) => { res.statusCode = 503; res.end(); };
const addresses = await listenAddresses(issuerUrl.hostname.replace(/^\[|\]$/g, ''));
const port = await listenAll(addresses, Number(issuerUrl.port || (issuerUrl.protocol === 'https:' ? 443 : 80)));
issuerUrl.port = String(port);
const issuer = issuerUrl.origin;

async function listenAddresses(host) {
  const found = (await lookup(host, { all: true })).map((a) => a.address);
  return [...new Set(host === 'localhost' ? [...found, '127.0.0.1', '::1'] : found)];
}

// Binds one port on every address; with port 0, retries when the port the first address got is
// taken on another one. An address the machine lacks (no IPv6) is skipped.
async function listenAll(wanted, requested) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const servers = [];
    let port = requested;
    try {
      for (const address of wanted) {
        const server = createServer((req, res) => handle(req, res));
        try {
          await new Promise((resolve, reject) => server.once('error', reject).listen(port, address, resolve));
        } catch (e) {
          if ((e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT') && wanted.length > 1) continue;
          throw e;
        }
        servers.push(server);
        port = server.address().port;
      }
      if (servers.length) return port;
      fail(`cannot listen on ${wanted.join(', ')}`);
    } catch (e) {
      servers.forEach((s) => s.close());
      if (!(e.code === 'EADDRINUSE' && requested === 0)) fail(`cannot listen on port ${port}: ${e.message}`);
    }
  }
  fail('no port free on every address');
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true }, // the default asks it of public clients only
  jwks: { keys: [jwk] },
  // Discovery also lists HS256 (MAC keyed with the client secret), as Keycloak does: only then
  // does the `hs256` forge prove that smm pins its own algorithm list.
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // scope claims (groups) go in the ID token, which is all smm reads
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: { devInteractions: { enabled: true } },
  // Explicit lifetimes (seconds), which also silences the provider's notices about defaults.
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
  async findAccount(ctx, sub) {
    const account = accounts[sub] ?? {};
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          preferred_username: sub,
          name: account.name ?? sub,
          email: account.email ?? `${sub}@example.test`,
          email_verified: true,
          groups: account.groups ?? [],
        };
      },
    };
  },
});

let armed = null; // the forge mode for the next successful token response
let previous = null; // the genuine ID token of the last successful token response
const MODES = ['iss', 'aud', 'exp', 'signature', 'claims', 'none', 'nonce', 'hs256', 'previous', 'overage'];

const b64json = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const rs256 = (input) => sign('sha256', Buffer.from(input), privateKey).toString('base64url');

/** The ID token with one property wrong; anything re-signed uses the provider's own key. */
function forge(idToken, mode) {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  const resign = (hd, cl) => `${b64json(hd)}.${b64json(cl)}.${rs256(`${b64json(hd)}.${b64json(cl)}`)}`;
  switch (mode) {
    case 'iss': return resign(header, { ...claims, iss: 'https://other-issuer.example' });
    case 'aud': return resign(header, { ...claims, aud: 'someone-else' });
    case 'exp': return resign(header, { ...claims, iat: now - 3600, exp: now - 600 });
    case 'nonce': return resign(header, { ...claims, nonce: 'not-the-nonce' });
    case 'signature': {
      const sig = Buffer.from(s, 'base64url');
      sig[sig.length - 1] ^= 1; // the low bit of the last byte: the length and range stay valid
      return `${h}.${p}.${sig.toString('base64url')}`;
    }
    case 'claims': return `${h}.${b64json({ ...claims, groups: ['smm-forged-group'] })}.${s}`;
    case 'none': return `${b64json({ alg: 'none', typ: header.typ })}.${p}.`;
    case 'hs256': {
      const input = `${b64json({ alg: 'HS256', typ: header.typ })}.${p}`;
      return `${input}.${createHmac('sha256', clientSecret).update(input).digest('base64url')}`;
    }
    case 'previous': return previous;
    case 'overage': {
      const { groups, ...rest } = claims;
      return resign(header, {
        ...rest,
        _claim_names: { groups: 'src1' },
        _claim_sources: { src1: { endpoint: 'https://graph.example/x' } },
      });
    }
    default: throw new Error(`unknown forge mode ${mode}`);
  }
}

async function readJson(ctx) {
  let raw = '';
  for await (const chunk of ctx.req) raw += chunk;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

// provider.use puts this before the provider's own middleware: the test routes never reach it,
// and after `next()` it sees the token endpoint's body before Koa serialises it.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/test/forge') {
    const mode = (await readJson(ctx))?.mode;
    if (mode !== null && !MODES.includes(mode)) ctx.throw(400, `mode must be null or one of ${MODES.join(', ')}`);
    if (mode === 'previous' && !previous) ctx.throw(400, 'no earlier successful token response to substitute');
    armed = mode;
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/test/accounts') {
    const body = await readJson(ctx);
    if (!body || typeof body !== 'object' || Array.isArray(body)) ctx.throw(400, 'a JSON object is expected');
    accounts = body;
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && typeof ctx.body?.id_token === 'string') {
    const genuine = ctx.body.id_token;
    if (armed) ctx.body.id_token = forge(genuine, armed);
    armed = null;
    previous = genuine;
  }
});

handle = provider.callback();
process.stdout.write(`listening ${issuer}\n`);
