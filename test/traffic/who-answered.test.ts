import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontDoorHint, whoAnswered, type AnswerFacts } from '../../src/traffic/who-answered.js';

const nginx502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';
const haproxy503 = '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n';

test('whoAnswered: the app when it named its pod, else the proxy its headers or error page give away', () => {
  const cases: Array<[Partial<AnswerFacts>, string]> = [
    [{ podNamed: true, bodyHead: nginx502, server: 'nginx' }, 'app'],
    [{ bodyHead: nginx502, server: 'nginx' }, 'nginx'],
    [{ bodyHead: '<html><center>openresty</center></html>' }, 'nginx'],
    [{ bodyHead: haproxy503 }, 'haproxy'],
    [{ bodyHead: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination' }, 'envoy'],
    [{ bodyHead: 'no healthy upstream', server: 'envoy' }, 'envoy'],
    [{ bodyHead: '', server: 'istio-envoy' }, 'envoy'],
    [{ bodyHead: '<html><center><h1>502 Bad Gateway</h1></center><hr><center>awselb/2.0</center></html>', server: 'awselb/2.0' }, 'awselb'],
    [{ bodyHead: '', server: 'awselb/2.0' }, 'awselb'],
    [{ bodyHead: 'server error', via: '1.1 google' }, 'google'],
    [{ bodyHead: 'Bad Gateway' }, 'traefik'],
    [{ bodyHead: '{"error":"database down"}', server: 'gunicorn' }, 'app'],
    [{ bodyHead: '' }, 'app'],
  ];
  for (const [facts, who] of cases) {
    assert.equal(whoAnswered({ podNamed: false, ...facts } as AnswerFacts), who, JSON.stringify(facts));
  }
});

test('frontDoorHint: the pre-flight names a proxy from server/via, and says nothing for an app server', () => {
  assert.equal(frontDoorHint({ server: 'nginx/1.22.1' }), 'server: nginx/1.22.1');
  assert.equal(frontDoorHint({ server: 'awselb/2.0' }), 'server: awselb/2.0');
  assert.equal(frontDoorHint({ via: '1.1 google' }), 'via: 1.1 google');
  assert.equal(frontDoorHint({ server: 'envoy', via: '1.1 varnish' }), 'server: envoy, via: 1.1 varnish');
  assert.equal(frontDoorHint({ server: 'gunicorn' }), undefined);
  assert.equal(frontDoorHint({}), undefined);
});
