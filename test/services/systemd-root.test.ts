/** The pure parts of the systemd test root (test/helpers/systemd-root.ts): which mirror, which cache key. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianMirror, rootKey } from '../helpers/systemd-root.ts';

// this machine's /etc/apt/sources.list.d/debian.sources (deb822: the archive and -security)
const deb822 = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'systemd', 'apt', 'debian.sources'), 'utf8');

t.test('the Debian archive from deb822 sources, not -security or -updates', async (t) => {
  t.same(debianMirror([deb822]), { uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
  const securityFirst = deb822.split(/\n\s*\n/).reverse().join('\n\n');
  t.same(debianMirror([securityFirst]), { uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
});

t.test('one-line sources, with options, and files without the archive', async (t) => {
  t.same(debianMirror(['# comment\ndeb-src http://x/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\n']), {
    uri: 'http://mirror.example/debian',
    suite: 'bookworm',
  });
  t.same(debianMirror(['deb http://security.debian.org/debian-security bookworm-security main\n', 'deb http://m/debian bookworm main\n']), { uri: 'http://m/debian', suite: 'bookworm' });
  // this machine's (disabled) third-party sources: a plain suite name and main, but not Debian's
  t.equal(debianMirror(['Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\nArchitectures: amd64\n']), null);
  t.equal(debianMirror(['deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n']), null);
  t.equal(debianMirror([]), null);
});

t.test('the cache key follows the mirror and nothing random', async (t) => {
  const a = rootKey({ uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
  t.match(a, /^[0-9a-f]{12}$/);
  t.equal(rootKey({ uri: 'http://deb.debian.org/debian', suite: 'bookworm' }), a);
  t.not(rootKey({ uri: 'http://mirror.example/debian', suite: 'bookworm' }), a);
});
