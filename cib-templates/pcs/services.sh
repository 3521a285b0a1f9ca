pcs -f "$cib" resource create app-services ocf:ocfkit:services --no-default-ops \
  services={{services.active_param}} \
  op monitor interval=10s timeout={{policy.monitor_timeout_slow}} \
  op start interval=0s timeout={{services.start_timeout}} \
  op stop interval=0s timeout={{services.stop_timeout}}
