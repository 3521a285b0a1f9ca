/** What Pacemaker passes ocf:ocfkit:drbd as one instance of a promotable clone (two nodes, one Promoted, notify). */
export const DRBD_CLONE_ENV: Readonly<Record<string, string>> = {
  OCF_RESOURCE_INSTANCE: 'drbd_r0',
  OCF_RESKEY_CRM_meta_on_node: 'node1',
  OCF_RESKEY_CRM_meta_clone: '0',
  OCF_RESKEY_CRM_meta_clone_max: '2',
  OCF_RESKEY_CRM_meta_clone_node_max: '1',
  OCF_RESKEY_CRM_meta_promotable: 'true',
  OCF_RESKEY_CRM_meta_promoted_max: '1',
  OCF_RESKEY_CRM_meta_promoted_node_max: '1',
  OCF_RESKEY_CRM_meta_notify: 'true',
  OCF_RESKEY_CRM_meta_interval: '20000',
  OCF_RESKEY_CRM_meta_timeout: '20000',
};
