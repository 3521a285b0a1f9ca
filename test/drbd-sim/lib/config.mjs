// DRBD simulator (test double): reads a drbd.conf-style file, only what the simulator needs.
// Pure: text in, resources out; `loadConfig` adds the file reading and `include` globs.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve, basename, join } from 'node:path';

export class ConfigError extends Error {
  constructor(file, line, message) {
    super(`${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}

/** Tokens: words, "strings", { } ; with their line; # comments dropped. */
export function tokenize(text, file) {
  const tokens = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '{' || c === '}' || c === ';') { tokens.push({ t: c, v: c, line }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\n') throw new ConfigError(file, line, 'Parse error: unterminated string');
        if (text[j] === '\\' && j + 1 < text.length) j++;
        v += text[j];
        j++;
      }
      if (j >= text.length) throw new ConfigError(file, line, 'Parse error: unterminated string');
      tokens.push({ t: 'w', v, line });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s{};#"]/.test(text[j])) j++;
    tokens.push({ t: 'w', v: text.slice(i, j), line });
    i = j;
  }
  return tokens;
}

/** A generic tree: statements `words... ;` and blocks `words... { ... }`. */
function parseBlock(tokens, pos, file, closing) {
  const items = [];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i];
    if (tok.t === '}') {
      if (!closing) throw new ConfigError(file, tok.line, "Parse error: unexpected '}'");
      pos.i++;
      return items;
    }
    const words = [];
    const line = tok.line;
    while (pos.i < tokens.length && tokens[pos.i].t === 'w') words.push(tokens[pos.i++].v);
    const end = tokens[pos.i];
    if (!end) throw new ConfigError(file, line, `Parse error: unexpected end of file after '${words.join(' ')}'`);
    if (words.length === 0) throw new ConfigError(file, end.line, `Parse error: unexpected '${end.v}'`);
    pos.i++;
    if (end.t === ';') items.push({ words, line, file });
    else if (end.t === '{') items.push({ words, line, file, body: parseBlock(tokens, pos, file, true) });
    else throw new ConfigError(file, end.line, `Parse error: unexpected '${end.v}'`);
  }
  if (closing) throw new ConfigError(file, tokens.at(-1)?.line ?? 1, "Parse error: missing '}'");
  return items;
}

function globFiles(pattern) {
  const dir = dirname(pattern);
  const base = basename(pattern);
  if (!base.includes('*') && !base.includes('?')) return [pattern];
  const re = new RegExp('^' + base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).sort().map((n) => join(dir, n)).filter((f) => {
    try { return statSync(f).isFile(); } catch { return false; }
  });
}

/** Reads the file and its includes (relative to the including file's folder) into one item list. */
export function readTree(file, depth = 0) {
  if (depth > 10) throw new ConfigError(file, 1, 'include nesting too deep');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = new ConfigError(file, 0, `open(${file}) failed: ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}`);
    err.open = true;
    throw err;
  }
  const items = parseBlock(tokenize(text, file), { i: 0 }, file, false);
  const out = [];
  for (const item of items) {
    if (item.words[0] === 'include' && !item.body) {
      const pattern = resolve(dirname(file), item.words[1] ?? '');
      for (const f of globFiles(pattern)) out.push(...readTree(f, depth + 1));
    } else out.push(item);
  }
  return out;
}

function options(body) {
  const o = {};
  for (const it of body ?? []) if (!it.body) o[it.words[0]] = it.words.length > 1 ? it.words.slice(1).join(' ') : 'yes';
  return o;
}

function parseAddress(words, item) {
  // address [ipv4] IP:PORT
  const w = words.filter((x) => x !== 'ipv4');
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(w[0] ?? '');
  if (!m) throw new ConfigError(item.file, item.line, `Parse error: address '${words.join(' ')}' is not IPv4:PORT`);
  return { ip: m[1], port: Number(m[2]) };
}

function parseHost(item, inherited) {
  const host = { names: item.words.slice(1), device: inherited.device, minor: inherited.minor, disk: inherited.disk, metaDisk: inherited.metaDisk, address: null, line: item.line, file: item.file };
  for (const it of item.body) {
    const [k, ...rest] = it.words;
    if (k === 'address') host.address = parseAddress(rest, it);
    else if (k === 'device') Object.assign(host, parseDevice(rest, it));
    else if (k === 'disk' && !it.body) host.disk = rest[0];
    else if (k === 'meta-disk') host.metaDisk = rest.join(' ');
    else if (k === 'volume') {
      // One volume (0) is modelled; its settings are the host's.
      for (const v of it.body ?? []) {
        const [vk, ...vr] = v.words;
        if (vk === 'device') Object.assign(host, parseDevice(vr, v));
        else if (vk === 'disk') host.disk = vr[0];
        else if (vk === 'meta-disk') host.metaDisk = vr.join(' ');
      }
    }
  }
  if (!host.address) throw new ConfigError(item.file, item.line, `Parse error: no address in 'on ${host.names.join(' ')}'`);
  return host;
}

function parseDevice(words, item) {
  // device /dev/drbd0 [minor 0]; or device minor 0;
  let device = null;
  let minor = null;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === 'minor') minor = Number(words[++i]);
    else device = words[i];
  }
  if (minor === null && device) {
    const m = /drbd(\d+)$/.exec(device);
    if (m) minor = Number(m[1]);
  }
  if (device === null && minor !== null) device = `/dev/drbd${minor}`;
  if (minor === null || Number.isNaN(minor)) throw new ConfigError(item.file, item.line, `Parse error: cannot tell the minor of device '${words.join(' ')}'`);
  return { device, minor };
}

/** Resources of a config tree. */
export function resourcesOf(items) {
  let common = { net: {}, disk: {}, handlers: {} };
  const resources = [];
  for (const item of items) {
    const k = item.words[0];
    if (k === 'common' && item.body) {
      for (const s of item.body) if (s.body && s.words[0] in common) Object.assign(common[s.words[0]], options(s.body));
    } else if (k === 'resource' && item.body) {
      const name = item.words[1];
      if (!name || !/^[A-Za-z0-9_.+-]+$/.test(name)) throw new ConfigError(item.file, item.line, `Parse error: bad resource name '${name ?? ''}'`);
      const res = { name, protocol: 'C', net: { ...common.net }, disk: { ...common.disk }, handlers: { ...common.handlers }, hosts: [], file: item.file, line: item.line };
      const inherited = { device: null, minor: null, disk: null, metaDisk: 'internal' };
      for (const s of item.body) {
        const [sk, ...rest] = s.words;
        if (sk === 'device' && !s.body) Object.assign(inherited, parseDevice(rest, s));
        else if (sk === 'disk' && !s.body) inherited.disk = rest[0];
        else if (sk === 'meta-disk') inherited.metaDisk = rest.join(' ');
      }
      for (const s of item.body) {
        const [sk, ...rest] = s.words;
        if (sk === 'protocol') res.protocol = rest[0];
        else if (s.body && (sk === 'net' || sk === 'disk' || sk === 'handlers')) Object.assign(res[sk], options(s.body));
        else if (s.body && sk === 'on') res.hosts.push(parseHost(s, inherited));
      }
      if (res.net.protocol) res.protocol = res.net.protocol;
      if (res.hosts.length !== 2) throw new ConfigError(item.file, item.line, `resource ${name}: the simulator models exactly two 'on <host>' sections, found ${res.hosts.length}`);
      for (const h of res.hosts) {
        if (h.minor === null) throw new ConfigError(h.file, h.line, `resource ${name}: no device for 'on ${h.names.join(' ')}'`);
        if (!h.disk) throw new ConfigError(h.file, h.line, `resource ${name}: no disk for 'on ${h.names.join(' ')}'`);
      }
      resources.push(res);
    }
  }
  return resources;
}

/** The resource seen from `hostname`: { name, self, peer, ... } or null when not on this host. */
export function forHost(res, hostname) {
  const i = res.hosts.findIndex((h) => h.names.includes(hostname));
  if (i < 0) return null;
  const self = res.hosts[i];
  const peer = res.hosts[1 - i];
  return {
    name: res.name,
    protocol: res.protocol,
    allowTwoPrimaries: ['yes', 'true'].includes(res.net['allow-two-primaries'] ?? 'no'),
    afterSb0: res.net['after-sb-0pri'] ?? 'disconnect',
    afterSb1: res.net['after-sb-1pri'] ?? 'disconnect',
    afterSb2: res.net['after-sb-2pri'] ?? 'disconnect',
    fencing: res.disk.fencing ?? res.net.fencing ?? 'dont-care',
    fencePeer: res.handlers['fence-peer'] ?? null,
    self: { host: hostname, ip: self.address.ip, port: self.address.port, device: self.device, minor: self.minor, disk: self.disk, metaDisk: self.metaDisk },
    peer: { host: peer.names[0], ip: peer.address.ip, port: peer.address.port, minor: peer.minor },
  };
}

export function loadConfig(file) {
  return resourcesOf(readTree(file));
}
