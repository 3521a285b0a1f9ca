/**
 * The agent's parameters: ocf:linbit:drbd's names and defaults, so that changing
 * `provider=linbit` to `provider=ocfkit` is the whole migration. Parameters this agent does not
 * implement are declared as strings (no value can fail a start) and say so.
 */
const IGNORED = 'Accepted for compatibility with ocf:linbit:drbd and ignored by ocf:ocfkit:drbd';

export const PARAMETERS = {
  drbd_resource: {
    type: 'string',
    required: true,
    unique: true,
    shortdesc: 'DRBD resource name',
    longdesc: 'The name of the DRBD resource, as in the DRBD configuration (letters, digits and _.+:@%=-, not starting with -).',
  },
  drbdconf: {
    type: 'string',
    default: '/etc/drbd.conf',
    shortdesc: 'Path to drbd.conf',
    longdesc: 'The DRBD configuration file, passed to drbdadm as -c. It must be readable.',
  },
  adjust_master_score: {
    type: 'string',
    default: '0 10 1000 10000',
    shortdesc: 'Promotion score tiers',
    longdesc: `Four non-decreasing scores, separated by spaces: (1) only Consistent data (may be current; nobody can tell);
(2) a Primary whose local data is not UpToDate (a resync target, a volume added live: a small score keeps it
from being demoted for no better copy); (3) UpToDate here, the peer's disk state unknown; (4) UpToDate here and
Primary, or UpToDate here with the peer's disk state known. No quorum, Outdated, Inconsistent, Diskless or Failed
data, and a Secondary in a suspected split brain get no score; 0 means no score; never negative. Changing it
takes effect through reload.`,
  },
  stop_outdates_secondary: {
    type: 'string',
    default: 'false',
    shortdesc: 'Ignored (outdate a Secondary on stop)',
    longdesc: `${IGNORED}: it relied on notification variables, and no decision of this agent does. Use DRBD's fencing (fence-peer handler) instead.`,
  },
  ignore_missing_notifications: {
    type: 'boolean',
    default: 'false',
    shortdesc: 'Allow the clone without notify=true',
    longdesc: 'Without it, start, promote and demote of a clone configured without notify=true fail with OCF_ERR_CONFIGURED, as ocf:linbit:drbd does. This agent needs no notifications for correctness; they only refresh the score sooner.',
  },
  wfc_timeout: {
    type: 'string',
    default: '5',
    shortdesc: 'Seconds start waits for the connection',
    longdesc: 'After bringing the resource up, start waits up to this many seconds (within its own timeout) for the peer to connect; it succeeds either way. Empty or non-digits: do not wait.',
  },
  remove_master_score_if_peer_primary: {
    type: 'string',
    default: 'false',
    shortdesc: 'No score while connected to an UpToDate Primary',
    longdesc: `true: a Secondary connected to an UpToDate Primary peer gets no score (avoids a promote attempt while
Pacemaker's and DRBD's views of the peer differ). "unexpected" is read as false by this agent (it would cost a
cluster query at every monitor); a promote refused because the peer is still Primary already withholds the score
until the DRBD state changes. Anything else: false.`,
  },
  fail_promote_early_if_peer_primary: {
    type: 'string',
    default: 'false',
    shortdesc: 'Accepted; promote always tries once',
    longdesc: `${IGNORED}: promote always tries once and reports DRBD's refusal, whatever this says.`,
  },
  unfence_if_all_uptodate: {
    type: 'string',
    default: 'false',
    shortdesc: 'Ignored (call the unfence hook when UpToDate)',
    longdesc: `${IGNORED}: the after-resync-target handler removes the fencing constraint.`,
  },
  unfence_extra_args: {
    type: 'string',
    default: '--quiet --flock-required --flock-timeout 0 --unfence-only-if-owner-match',
    shortdesc: 'Ignored (arguments of the unfence hook)',
    longdesc: `${IGNORED}.`,
  },
  require_drbd_module_version_ge: {
    type: 'string',
    default: '8.0.0',
    shortdesc: 'Lowest DRBD module version accepted',
    longdesc: 'start and validate-all (OCF_CHECK_LEVEL=10) fail with OCF_ERR_INSTALLED when the loaded DRBD module is older than this x.y.z (e.g. 9.0.16 requires DRBD 9).',
  },
  require_drbd_module_version_lt: {
    type: 'string',
    default: '10.0.0',
    shortdesc: 'DRBD module versions from this one are refused',
    longdesc: 'start and validate-all (OCF_CHECK_LEVEL=10) fail with OCF_ERR_INSTALLED when the loaded DRBD module is this x.y.z or newer (e.g. 9.0.0 requires DRBD 8.4).',
  },
  connect_only_after_promote: {
    type: 'string',
    default: 'false',
    shortdesc: 'Ignored (stay disconnected until promoted)',
    longdesc: `${IGNORED}: start always connects.`,
  },
  force_promote: {
    type: 'boolean',
    default: 'false',
    shortdesc: 'Promote Consistent data too',
    longdesc: 'ocfkit only. By default promote refuses data that is not UpToDate. true: promote also Consistent data (after a whole-cluster crash nobody knows whether it is current). Outdated and Inconsistent data are refused whatever this says, and DRBD may still refuse (exit 17).',
  },
  score_recheck_interval: {
    type: 'time',
    default: '5min',
    shortdesc: 'How long a remembered score is trusted',
    longdesc: 'ocfkit only. A monitor writes the promotion score only when it changes, remembering what it wrote in $HA_RSCTMP; it writes it again after a Pacemaker restart (new pacemaker-execd) and when the memory is older than this, in case pacemaker-attrd lost it.',
  },
} as const;
