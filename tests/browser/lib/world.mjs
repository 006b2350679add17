// The data every journey starts from: two organizations, their people and their systems.
//
// Acme Bottling (owner claire, viewer vera) has a bottling line with a target, an assessment
// (so a gap) and loss scenarios (so a risk page), an OTA gateway whose final assessment meets its target (so Acme can sign a
// supplier's declaration of it: being its owner, never a certificate), and a cell with nothing
// yet. Globex (owner olga) has a system Acme's people must not
// see. Users are made with the CLI, or as new accounts claire's session invites; everything else
// through the API, with an owner's API token (which may not manage members or tokens).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, createUser, example, freePort, Provider, Server } from './server.mjs';

const PASSWORDS = {
  claire: 'claire-browser-pass-1',
  vera: 'vera-browser-pass-1',
  olga: 'olga-browser-pass-1',
};

/** Creates the users, starts the server and posts the documents. */
export async function makeWorld({ bin, root, dataDir }) {
  createUser(bin, dataDir, { name: 'claire', organization: 'Acme Bottling', role: 'owner', password: PASSWORDS.claire });
  createUser(bin, dataDir, { name: 'olga', organization: 'Globex', role: 'owner', password: PASSWORDS.olga });
  // People may also sign in through an OpenID Connect provider (the npm oidc-provider on
  // localhost, smm on 127.0.0.1: two sites, as in production): sam's group makes him a viewer
  // at Acme.
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/auth/oidc/callback`;
  const clientSecret = 'browser-tests-client-secret';
  const provider = await Provider.start({
    redirect,
    clientSecret,
    accounts: { sam: { groups: ['acme-viewers'], name: 'Sam Ortiz' } },
  });
  const secretFile = join(dataDir, 'oidc.secret');
  writeFileSync(secretFile, clientSecret);
  const config = join(dataDir, 'oidc.yaml');
  writeFileSync(config, [
    'smm: 1', 'kind: OidcProvider', 'name: Acme SSO', `issuer: ${provider.issuer}`, 'client_id: smm',
    `client_secret_file: ${secretFile}`, `redirect_url: ${redirect}`, 'scopes: [email, profile, groups]',
    'mappings:', '  - {group: acme-viewers, organization: Acme Bottling, role: viewer}', '',
  ].join('\n'));
  let server;
  try {
    server = await Server.start(bin, dataDir, { listen: `127.0.0.1:${port}`, args: ['--oidc', config] });
  } catch (e) {
    provider.stop();
    throw e;
  }
  server.provider = provider;
  try {
    const acme = await organization(server.url, 'claire');
    const globex = await organization(server.url, 'olga');
    // A new account is invited (202, as for a name that is taken); vera joins by accepting.
    await acme.session.put(`/api/organizations/${acme.id}/members/vera`, {
      json: { role: 'viewer', password: PASSWORDS.vera },
      expect: 202,
    });
    const vera = await Api.signIn(server.url, 'vera', PASSWORDS.vera);
    const [invitation] = await vera.api.get('/api/invitations');
    await vera.api.post(`/api/invitations/${invitation.id}/accept`);

    const line = await systemWithDocuments(acme.api, acme.id, { name: 'Bottling line 3' },
      example(root, 'bottling-line/target.yaml'), example(root, 'bottling-line/assessment.yaml'));
    // The line keeps loss scenarios, so its assessment has a risk page with figures.
    await acme.api.post(`/api/systems/${line.id}/risk-scenarios`,
      { yaml: example(root, 'bottling-line/risk.yaml') });
    const gateway = await systemWithDocuments(acme.api, acme.id,
      { name: 'OTA gateway GW-7', kind: 'product', line: 'GW' },
      example(root, 'ota-gateway/target.yaml'),
      example(root, 'ota-gateway/certification/assessment-final.yaml'));
    const cell = await acme.api.post(`/api/organizations/${acme.id}/systems`, { json: { name: 'Packaging cell' } });
    const foreign = await systemWithDocuments(globex.api, globex.id, { name: 'Globex mixer' },
      example(root, 'bottling-line/target.yaml'), example(root, 'bottling-line/assessment.yaml'));

    const issueCertificate = () => acme.api.post(`/api/systems/${gateway.id}/certificates`, {
      json: { kind: 'declaration', assessments: [gateway.assessment] },
    });
    let first;
    let key;
    return {
      server,
      url: server.url,
      root,
      /** Who signs in through the provider, and what its button is called. */
      sso: { name: 'Acme SSO', login: 'sam', issuer: provider.issuer },
      users: {
        owner: { name: 'claire', password: PASSWORDS.claire },
        viewer: { name: 'vera', password: PASSWORDS.vera },
        other: { name: 'olga', password: PASSWORDS.olga },
      },
      acme: { id: acme.id, name: 'Acme Bottling', api: acme.api },
      globex: { id: globex.id, name: 'Globex', api: globex.api },
      systems: { line, gateway, cell: { id: cell.id, name: 'Packaging cell' }, foreign },
      /** Signs a new supplier's declaration of the gateway's final assessment (the envelope and its record). */
      issueCertificate,
      /** One declaration of the gateway, signed the first time it is asked for. */
      certificate: () => (first ??= issueCertificate()),
      /** One signing key of Acme's, made on the server the first time it is asked for. */
      signingKey: () => (key ??= acme.api.post(`/api/organizations/${acme.id}/keys`, { json: {} })),
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** Signs `name` in through the API and makes an owner token: their organization's id and a client. */
async function organization(url, name) {
  const session = await Api.signIn(url, name, PASSWORDS[name]);
  const id = session.organizations[0].id;
  const token = await session.api.post(`/api/organizations/${id}/tokens`, {
    json: { name: `browser-tests-${name}`, role: 'owner', expires_in_days: 1 },
  });
  return { id, session: session.api, api: new Api(url, { authorization: `Bearer ${token.secret}` }) };
}

async function systemWithDocuments(api, org, system, targetYaml, assessmentYaml) {
  const created = await api.post(`/api/organizations/${org}/systems`, { json: system });
  const target = await api.post(`/api/systems/${created.id}/targets`, { yaml: targetYaml });
  const assessment = await api.post(`/api/systems/${created.id}/assessments`, { yaml: assessmentYaml });
  return { id: created.id, name: system.name, target: target.id, assessment: assessment.id, targetYaml };
}
