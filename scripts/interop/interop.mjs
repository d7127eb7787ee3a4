// Interoperability of our EdDSA access tokens with jose (npm), on plain Node.
//
// Run by scripts/interop-tests.sh, which starts the services and passes everything through the
// environment (INTEROP_*). Three steps, each a subcommand:
//
//   keygen   Ed25519 key pairs made by jose's generateKeyPair: one that resource-service is
//            configured with, and an attacker's one it never sees.
//   ours     Direction 1: a token our auth-service issued, verified by jose from nothing but the
//            JWKS document auth-service publishes (createLocalJWKSet and createRemoteJWKSet).
//   theirs   Direction 2: tokens jose signs, sent to resource-service's GET /whoami; the valid one
//            must pass, the forged ones (unknown key under a known kid, HS256 keyed with the
//            public key, alg "none", an embedded jwk) must get 401.
//
// Each check prints one line, "ok" or "FAIL"; the exit status is 1 when any check failed.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as jose from 'jose';

const NAME = 'jose';
let failures = 0;

async function check(description, fn) {
  try {
    await fn();
    console.log(`ok   ${NAME}: ${description}`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${NAME}: ${description}: ${error?.message ?? error}`);
    if (process.env.INTEROP_VERBOSE) console.error(error);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`interop.mjs: ${name} is not set (scripts/interop-tests.sh sets it)`);
    process.exit(2);
  }
  return value;
}

const file = (name) => join(env('INTEROP_DIR'), name);
const readJson = async (name) => JSON.parse(await readFile(file(name), 'utf8'));
const b64urlJson = (value) => jose.base64url.encode(JSON.stringify(value));

// ---- keygen -----------------------------------------------------------------------------------

async function keygen() {
  for (const [name, publicToo] of [['jose-ed25519', true], ['jose-attacker', false]]) {
    const { publicKey, privateKey } = await jose.generateKeyPair('EdDSA', {
      crv: 'Ed25519',
      extractable: true,
    });
    await writeFile(file(`${name}.pem`), await jose.exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
    if (publicToo) await writeFile(file(`${name}.pub.pem`), await jose.exportSPKI(publicKey));
  }
  console.log(`${NAME}: generated Ed25519 key pairs with generateKeyPair('EdDSA') in ${env('INTEROP_DIR')}`);
}

// ---- direction 1: our token, jose verifies ----------------------------------------------------

const CLAIMS = ['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'exp', 'username', 'email', 'name', 'roles'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ours() {
  const issuer = env('INTEROP_ISSUER');
  const audience = env('INTEROP_AUDIENCE');
  const expiry = Number(env('INTEROP_EXPIRY_SECONDS'));
  const jwks = await readJson('jwks.json');
  const login = await readJson('login.json');
  const user = await readJson('user.json');
  const token = login.access_token;
  const header = jose.decodeProtectedHeader(token);
  const options = {
    issuer,
    audience,
    typ: 'at+jwt',
    algorithms: ['EdDSA'],
    requiredClaims: CLAIMS,
    maxTokenAge: expiry,
  };

  const checkClaims = (payload) => {
    assert(payload.sub === user.id, `sub ${payload.sub} is not the user ${user.id}`);
    assert(payload.sid === login.session_id, `sid ${payload.sid} is not the login's session_id`);
    for (const claim of ['sub', 'sid', 'jti']) assert(UUID.test(payload[claim]), `${claim} is not a UUID`);
    assert(payload.username === user.username, `username ${payload.username}`);
    assert(payload.email === user.email, `email ${payload.email}`);
    assert(payload.name === user.full_name, `name ${payload.name}`);
    assert(JSON.stringify(payload.roles) === '["user"]', `roles ${JSON.stringify(payload.roles)}`);
    const lifetime = payload.exp - payload.iat;
    assert(lifetime > 0 && lifetime <= expiry, `exp - iat = ${lifetime}, expected 1..${expiry}`);
  };

  await check('the JWKS has no private member d in any key', () => {
    assert(Array.isArray(jwks.keys) && jwks.keys.length > 0, 'no keys');
    for (const jwk of jwks.keys) assert(!('d' in jwk), `key ${jwk.kid} carries d`);
  });

  await check("calculateJwkThumbprint of each JWK equals its kid, and the token's kid is one of them", async () => {
    for (const jwk of jwks.keys) {
      const thumbprint = await jose.calculateJwkThumbprint(jwk, 'sha256');
      assert(thumbprint === jwk.kid, `kid ${jwk.kid} != calculateJwkThumbprint ${thumbprint}`);
    }
    assert(jwks.keys.some((jwk) => jwk.kid === header.kid), `the token's kid ${header.kid} is not in the JWKS`);
  });

  await check('jwtVerify with createLocalJWKSet(JWKS): EdDSA, typ at+jwt, iss, aud, all claims', async () => {
    const { payload, protectedHeader } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), options);
    assert(protectedHeader.alg === 'EdDSA' && protectedHeader.typ === 'at+jwt', 'header');
    checkClaims(payload);
  });

  await check('jwtVerify with createRemoteJWKSet(<auth-service>/.well-known/jwks.json)', async () => {
    const remote = jose.createRemoteJWKSet(new URL(`${env('INTEROP_AUTH_URL')}/.well-known/jwks.json`));
    const { payload } = await jose.jwtVerify(token, remote, options);
    checkClaims(payload);
  });

  await check("jwtVerify with importSPKI(the public PEM gen-keypair printed)", async () => {
    const key = await jose.importSPKI(await readFile(file('auth-public.pem'), 'utf8'), 'EdDSA');
    checkClaims((await jose.jwtVerify(token, key, options)).payload);
  });

  await check("jose refuses the token when it expects typ 'JWT' (the typ is really checked)", async () => {
    try {
      await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { ...options, typ: 'JWT' });
    } catch (error) {
      assert(error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED', `unexpected ${error.code}`);
      return;
    }
    throw new Error('accepted');
  });
}

// ---- direction 2: jose signs, resource-service verifies -------------------------------------

async function whoami(base, token) {
  const response = await fetch(`${base}/whoami`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // a non-JSON answer: the status says enough
  }
  return { status: response.status, body };
}

async function expectStatus(base, token, status) {
  const got = (await whoami(base, token)).status;
  assert(got === status, `GET /whoami answered ${got}, expected ${status}`);
}

function freshClaims() {
  return {
    sub: crypto.randomUUID(),
    sid: crypto.randomUUID(),
    jti: crypto.randomUUID(),
    username: 'jose_user',
    email: 'jose_user@example.com',
    name: 'jose User',
    roles: ['user'],
  };
}

async function theirs() {
  const issuer = env('INTEROP_ISSUER');
  const audience = env('INTEROP_AUDIENCE');
  const resource = env('INTEROP_RESOURCE_URL');
  const privateKey = await jose.importPKCS8(await readFile(file('jose-ed25519.pem'), 'utf8'), 'EdDSA', {
    extractable: true,
  });
  const attacker = await jose.importPKCS8(await readFile(file('jose-attacker.pem'), 'utf8'), 'EdDSA', {
    extractable: true,
  });
  const publicPem = await readFile(file('jose-ed25519.pub.pem'), 'utf8');
  const publicJwk = await jose.exportJWK(await jose.importSPKI(publicPem, 'EdDSA', { extractable: true }));
  const kid = await jose.calculateJwkThumbprint(publicJwk, 'sha256');
  const attackerJwk = await jose.exportJWK(attacker);
  delete attackerJwk.d;
  const attackerPublic = await jose.importJWK(attackerJwk, 'EdDSA');

  const sign = (claims, key, header) =>
    new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, ...header })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  await check('resource-service accepts a token jose signed (kid = calculateJwkThumbprint): 200, right user_id', async () => {
    const claims = freshClaims();
    const token = await sign(claims, privateKey);
    const { status, body } = await whoami(resource, token);
    assert(status === 200, `GET /whoami answered ${status}, expected 200`);
    assert(body?.user_id === claims.sub, `user_id ${body?.user_id}, expected ${claims.sub}`);
    assert(body?.session_id === claims.sid, `session_id ${body?.session_id}`);
  });

  await check('401 for a token signed with a key we were not given, under the configured kid', async () => {
    const token = await sign(freshClaims(), attacker);
    // Valid for whoever holds the attacker's key: only the key is wrong.
    await jose.jwtVerify(token, attackerPublic, { issuer, audience, typ: 'at+jwt' });
    await expectStatus(resource, token, 401);
  });

  await check("401 for HS256 that jose keyed with the configured public key's PEM (algorithm confusion)", async () => {
    const secret = new TextEncoder().encode(publicPem);
    const token = await sign(freshClaims(), secret, { alg: 'HS256' });
    await jose.jwtVerify(token, secret, { issuer, audience, algorithms: ['HS256'] });
    await expectStatus(resource, token, 401);
  });

  await check('401 for alg "none" (jose UnsecuredJWT, with the configured kid put back by hand)', async () => {
    const unsecured = new jose.UnsecuredJWT(freshClaims())
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    const payload = unsecured.split('.')[1];
    const token = `${b64urlJson({ alg: 'none', typ: 'at+jwt', kid })}.${payload}.`;
    await expectStatus(resource, unsecured, 401);
    await expectStatus(resource, token, 401);
  });

  await check("401 for an EdDSA token with a jwk header holding the attacker's key", async () => {
    const attackerKid = await jose.calculateJwkThumbprint(attackerJwk, 'sha256');
    for (const headerKid of [attackerKid, kid]) {
      const token = await sign(freshClaims(), attacker, { kid: headerKid, jwk: attackerJwk });
      // jose's EmbeddedJWK, which trusts the header's key, accepts it: the token is well formed.
      await jose.jwtVerify(token, jose.EmbeddedJWK, { issuer, audience, typ: 'at+jwt' });
      await expectStatus(resource, token, 401);
    }
  });
}

const commands = { keygen, ours, theirs };
const command = commands[process.argv[2]];
if (!command || process.argv.length !== 3) {
  console.error('usage: node interop.mjs keygen|ours|theirs (run by scripts/interop-tests.sh)');
  process.exit(2);
}
await command();
process.exitCode = failures ? 1 : 0;
