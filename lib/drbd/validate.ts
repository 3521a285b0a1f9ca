/**
 * Checks of the configuration and the clone's meta attributes. Pure: every input is given.
 */
import type { MetaInfo } from '../ocf/context.ts';
import type { Generation } from './version.ts';

/**
 * DRBD resource names as the agent accepts them: letters, digits and `_ . + : @ % = -`, not
 * starting with `-` (it would read as an option to drbdadm), at most 64 characters.
 */
const RESOURCE_NAME = /^[A-Za-z0-9_.+:@%=][A-Za-z0-9_.+:@%=-]{0,63}$/;

export function resourceNameProblem(name: string): string | null {
  if (RESOURCE_NAME.test(name)) return null;
  return `parameter 'drbd_resource': '${name.slice(0, 80)}' is not a DRBD resource name (letters, digits, _.+:@%=- ; not starting with -; at most 64)`;
}

export interface MetaCheckInput {
  meta: MetaInfo;
  /** null when not known (module not loaded, or not looked up). */
  generation: Generation | null;
  ignoreMissingNotifications: boolean;
  /** Whether the DRBD resource allows two primaries (null: not looked up). */
  allowTwoPrimaries: boolean | null;
  /** notify=true is checked for these actions only (probes and stops get no notify variables). */
  checkNotify: boolean;
}

/**
 * The clone's meta attributes. Only values Pacemaker gave are judged, so the agent runs
 * outside a clone (ocf-tester, by hand) too; `promotedMaxNeedsTwoPrimaries` says when the
 * caller must look at the DRBD configuration.
 */
export function metaProblems(i: MetaCheckInput): string[] {
  const m = i.meta;
  const out: string[] = [];
  if (m.cloneNodeMax !== undefined && m.cloneNodeMax !== 1) out.push(`meta clone-node-max must be 1, got ${m.cloneNodeMax}`);
  if (m.promotedNodeMax !== undefined && m.promotedNodeMax !== 1) out.push(`meta promoted-node-max must be 1, got ${m.promotedNodeMax}`);
  if (m.promotedMax !== undefined && m.promotedMax > 2) out.push(`meta promoted-max must be 1 (or 2 with allow-two-primaries), got ${m.promotedMax}`);
  if (m.promotedMax === 2 && i.allowTwoPrimaries === false) out.push('meta promoted-max is 2, but the DRBD resource does not set allow-two-primaries');
  if (m.cloneMax !== undefined && m.cloneMax > 2) {
    if (i.generation !== '9') out.push(`meta clone-max must be at most 2 with DRBD ${i.generation ?? '(version unknown)'}, got ${m.cloneMax}`);
    else if (m.promotedMax === 2) out.push(`meta clone-max must be at most 2 with promoted-max 2, got ${m.cloneMax}`);
  }
  if (i.checkNotify && !i.ignoreMissingNotifications && m.clone !== undefined && !m.notify) {
    out.push('meta notify must be true for this clone (or set ignore_missing_notifications=true)');
  }
  return out;
}

/** `wfc_timeout` as ocf:linbit:drbd reads it: digits are seconds; empty or anything else: do not wait. */
export function wfcTimeoutMs(text: string | undefined): number {
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) * 1000 : 0;
}

/** `remove_master_score_if_peer_primary`: an OCF boolean, or `unexpected`. */
export function peerPrimaryPolicy(text: string): 'always' | 'unexpected' | 'never' {
  if (text === 'unexpected') return 'unexpected';
  return /^(yes|true|1|on|ja)$/i.test(text) ? 'always' : 'never';
}
