import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeAccess } from '../../../src/cluster/kube/index.js';
import { kubeconfigText } from '../../kube-api-server/server.js';

test('kubeconfig comes from --kubeconfig, else KUBECONFIG, else ~/.kube/config; namespace from -n, else the context', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, url: string, ns: string) => {
    const p = join(dir, name);
    writeFileSync(p, kubeconfigText(url, '', 'tok', ns, `ctx-${name}`));
    return p;
  };
  const a = write('a', 'https://10.0.0.1:6443', 'team-a');
  const b = write('b', 'https://10.0.0.2:6443', 'team-b');
  mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
  writeFileSync(join(dir, 'home', '.kube', 'config'), kubeconfigText('https://10.0.0.3:6443', '', 'tok', 'team-h', 'ctx-home'));
  const home = join(dir, 'home');

  const flag = loadKubeAccess({ kubeconfig: a, env: { KUBECONFIG: b, HOME: home } });
  assert.deepEqual([flag.server, flag.namespace, flag.context], ['https://10.0.0.1:6443', 'team-a', 'ctx-a']);
  const env = loadKubeAccess({ env: { KUBECONFIG: `${join(dir, 'missing')}:${b}`, HOME: home } });
  assert.deepEqual([env.server, env.namespace], ['https://10.0.0.2:6443', 'team-b']);
  const fromHome = loadKubeAccess({ env: { HOME: home }, namespace: 'override' });
  assert.deepEqual([fromHome.server, fromHome.namespace, fromHome.context], ['https://10.0.0.3:6443', 'override', 'ctx-home']);
  assert.throws(() => loadKubeAccess({ env: { HOME: join(dir, 'nohome') } }), /no kubeconfig found .*pass --kubeconfig FILE/);
  assert.throws(() => loadKubeAccess({ env: { KUBECONFIG: join(dir, 'nope') } }), /KUBECONFIG=.* names no existing file/);
});

test('a user:password in the server URL never reaches facts or messages', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'kc');
  writeFileSync(p, kubeconfigText('https://admin:hunter2@10.0.0.9:6443', '', 'tok', 'ns', 'c'));
  assert.equal(loadKubeAccess({ kubeconfig: p }).server, 'https://10.0.0.9:6443');
});
