pcs -f "$cib" resource create vip ocf:heartbeat:IPaddr2 --no-default-ops \
  ip={{vip.ip}} \
  cidr_netmask={{vip.cidr_netmask}} \
  nic={{vip.nic?}} \
  op monitor interval=10s timeout={{policy.monitor_timeout}} \
  op start interval=0s timeout=20s \
  op stop interval=0s timeout=20s
