pcs -f "$cib" resource create haproxy-target ocf:ocfkit:haproxy-retarget --no-default-ops \
  socket={{haproxy.socket}} \
  backends={{haproxy.backends}} \
  read_backends={{haproxy.read_backends_rendered?}} \
  servers={{haproxy.servers?}} \
  state_file={{haproxy.state_file?}} \
  drain_timeout={{haproxy.drain_timeout?}} \
  op monitor interval=10s timeout={{policy.monitor_timeout}} \
  op start interval=0s timeout=30s \
  op stop interval=0s timeout=30s
