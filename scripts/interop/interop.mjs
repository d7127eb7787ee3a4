// Interoperability of our EdDSA access tokens with jose (npm), on plain Node.
//
// Run by scripts/interop-tests.sh, which starts the services and passes everything through the
// environment (INTEROP_*). Two steps, each a subcommand:
//
//   keygen  Ed25519 key pairs made by jose's generateKeyPair: one whose public half
//           resource-service is given, and an attacker's one it never sees.
//   check   Direction 1: jose verifies the access token our auth-service issued from its JWKS
//           URL (createRemoteJWKSet), alg, iss, aud and typ pinned, and calculateJwkThumbprint
//           of every published key is its kid (RFC 7638). Direction 2: resource-service accepts a
//           token jose signed with the key it was given, and refuses the key-confusion forgeries
//           jose makes: alg "none", HS256 keyed with the public key, an unknown kid, an embedded
//           jwk. Each forgery is first shown to pass a verifier that falls for it, so its 401
//           means ours did not.
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

async function keygen() {
  for (const [name, publicToo] of [['jose-ed25519', true], ['jose-attacker', false]]) {
    const { publicKey, privateKey } = await jose.generateKeyPair('EdDSA', {
      crv: 'Ed25519',
      extractable: true,
    });
    await writeFile(file(`${name}.pem`), await jose.exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
    if (publicToo) await writeFile(file(`${name}.pub.pem`), await jose.exportSPKI(publicKey));
  }
}

// resource-service's GET /whoami with the bearer token: the status, and the body when JSON.
async function whoami(token) {
  const response = await fetch(`${env('INTEROP_RESOURCE_URL')}/whoami`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function refused(token) {
  const { status } = await whoami(token);
  assert(status === 401, `GET /whoami answered ${status}, expected 401`);
}

async function checkAll() {
  const issuer = env('INTEROP_ISSUER');
  const audience = env('INTEROP_AUDIENCE');
  const jwksUrl = `${env('INTEROP_AUTH_URL')}/.well-known/jwks.json`;
  const ours = (await readJson('login.json')).access_token;
  const user = await readJson('user.json');
  const pinned = { issuer, audience, typ: 'at+jwt' };

  // ---- direction 1: our token, jose verifies ----
  await check('jwtVerify of our token with createRemoteJWKSet(/.well-known/jwks.json) (alg EdDSA, iss, aud, typ at+jwt pinned)', async () => {
    const remote = jose.createRemoteJWKSet(new URL(jwksUrl));
    const { payload } = await jose.jwtVerify(ours, remote, { ...pinned, algorithms: ['EdDSA'] });
    assert(payload.sub === user.id, `sub ${payload.sub} is not the user ${user.id}`);
  });

  await check("calculateJwkThumbprint of every published key is its kid, the token's among them", async () => {
    const { keys } = await (await fetch(jwksUrl)).json();
    assert(Array.isArray(keys) && keys.length > 0, 'the JWKS has no key');
    for (const jwk of keys) {
      const thumbprint = await jose.calculateJwkThumbprint(jwk, 'sha256');
      assert(thumbprint === jwk.kid, `kid ${jwk.kid} != calculateJwkThumbprint ${thumbprint}`);
    }
    const { kid } = jose.decodeProtectedHeader(ours);
    assert(keys.some((jwk) => jwk.kid === kid), `the token's kid ${kid} is not published`);
  });

  // ---- direction 2: jose signs, resource-service verifies ----
  const privateKey = await jose.importPKCS8(await readFile(file('jose-ed25519.pem'), 'utf8'), 'EdDSA');
  const publicPem = await readFile(file('jose-ed25519.pub.pem'), 'utf8');
  const publicJwk = await jose.exportJWK(await jose.importSPKI(publicPem, 'EdDSA', { extractable: true }));
  const kid = await jose.calculateJwkThumbprint(publicJwk, 'sha256');
  const attacker = await jose.importPKCS8(await readFile(file('jose-attacker.pem'), 'utf8'), 'EdDSA', {
    extractable: true,
  });
  const { d: _, ...attackerJwk } = await jose.exportJWK(attacker);
  const attackerKid = await jose.calculateJwkThumbprint(attackerJwk, 'sha256');
  const claims = () => ({
    sub: crypto.randomUUID(),
    sid: crypto.randomUUID(),
    jti: crypto.randomUUID(),
    username: 'jose_user',
    email: 'jose_user@example.com',
    name: 'jose User',
    roles: ['user'],
  });
  const sign = (key, header, payload = claims()) =>
    new jose.SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, ...header })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  await check('resource-service accepts a token jose signed with the key it was given: 200, its user', async () => {
    const payload = claims();
    const { status, body } = await whoami(await sign(privateKey, {}, payload));
    assert(status === 200, `GET /whoami answered ${status}, expected 200`);
    assert(body?.user_id === payload.sub, `user_id ${body?.user_id}, expected ${payload.sub}`);
  });

  await check('401 for alg "none" (jose UnsecuredJWT, the configured kid put in its header)', async () => {
    const unsecured = new jose.UnsecuredJWT(claims())
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    const header = jose.base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid }));
    const token = `${header}.${unsecured.split('.')[1]}.`;
    jose.UnsecuredJWT.decode(token, pinned);
    await refused(token);
  });

  await check("401 for HS256 keyed with the configured public key's PEM (algorithm confusion)", async () => {
    const secret = new TextEncoder().encode(publicPem);
    const token = await sign(secret, { alg: 'HS256' });
    await jose.jwtVerify(token, secret, { ...pinned, algorithms: ['HS256'] });
    await refused(token);
  });

  await check('401 for a token signed with a key we were not given, under its own (unknown) kid', async () => {
    const token = await sign(attacker, { kid: attackerKid });
    await jose.jwtVerify(token, await jose.importJWK(attackerJwk, 'EdDSA'), pinned);
    await refused(token);
  });

  await check("401 for a token with a jwk header holding the attacker's key (under its kid and ours)", async () => {
    for (const headerKid of [attackerKid, kid]) {
      const token = await sign(attacker, { kid: headerKid, jwk: attackerJwk });
      // jose's EmbeddedJWK, which trusts the header's key, accepts it.
      await jose.jwtVerify(token, jose.EmbeddedJWK, pinned);
      await refused(token);
    }
  });
}

const commands = { keygen, check: checkAll };
const command = commands[process.argv[2]];
if (!command || process.argv.length !== 3) {
  console.error('usage: node interop.mjs keygen|check (run by scripts/interop-tests.sh)');
  process.exit(2);
}
await command();
process.exitCode = failures ? 1 : 0;
