pcs -f "$cib" resource create drbd-data ocf:{{drbd.provider}}:drbd --no-default-ops \
  drbd_resource={{drbd.resource}} \
  drbdconf={{drbd.drbdconf?}} \
  op demote interval=0s timeout=90s \
  op monitor interval=29s timeout={{policy.monitor_timeout}} role=Promoted \
  op monitor interval=31s timeout={{policy.monitor_timeout}} role=Unpromoted \
  op notify interval=0s timeout=90s \
  op promote interval=0s timeout=90s \
  op start interval=0s timeout=240s \
  op stop interval=0s timeout=100s \
  promotable clone-max=2 clone-node-max=1 interleave=true notify=true promoted-max=1 promoted-node-max=1
