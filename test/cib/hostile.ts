/**
 * Hostile values for the CIB templates: XML metacharacters, both quotes, shell expansions that
 * would create MARK if anything ever ran them through a shell, a backslash, a `#`.
 */
import { EXAMPLE_VARS, type StackVars } from '../../lib/cib/render.ts';

export const MARK = '/tmp/ocfkit-cib-hostile-mark';
export const HOSTILE = `a'b"c<d>e&f]]>$(touch ${MARK})\`touch ${MARK}\`;|\\ \${HOME} %s !x #y &amp; --force`;

export function hostileVars(): StackVars {
  const v = structuredClone(EXAMPLE_VARS) as StackVars;
  v.fence.params.alpha!.password = HOSTILE;
  v.filesystem.options = HOSTILE;
  v.haproxy.socket = HOSTILE;
  v.haproxy.state_file = `/var/lib/haproxy/$(touch ${MARK})'"<&>`;
  v.alert.socket = `/run/ocfkit/$(touch${'\u0020'.trim()}${MARK})'"<&>`;
  v.services.active = [{ name: 'mq', unit: 'rabbitmq-server.service' }, { name: 'env', command: ['/bin/true', HOSTILE], env: { X: HOSTILE } }];
  return v;
}
