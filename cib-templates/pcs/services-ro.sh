## Hot standby only: the read-only services, cloned, running where DRBD is Unpromoted.
pcs -f "$cib" resource create app-services-ro ocf:ocfkit:services --no-default-ops \
  services={{services.read_only_param}} \
  op monitor interval=10s timeout={{policy.monitor_timeout_slow}} \
  op start interval=0s timeout={{services.start_timeout}} \
  op stop interval=0s timeout={{services.stop_timeout}} \
  clone clone-max=2 clone-node-max=1 interleave=true
