pcs -f "$cib" resource create fs-data ocf:heartbeat:Filesystem --no-default-ops \
  device={{drbd.device}} \
  directory={{filesystem.directory}} \
  fstype={{filesystem.fstype}} \
  options={{filesystem.options?}} \
  op monitor interval=20s timeout={{policy.monitor_timeout_slow}} \
  op start interval=0s timeout=60s \
  op stop interval=0s timeout=60s
