## One fence device per node ({{node.*}} is that node).
pcs -f "$cib" stonith create fence-{{node.name}} {{fence.agent}} \
  pcmk_host_list={{node.name}} \
  pcmk_delay_base={{node.fence_delay?}} \
  {{@node.fence_params}}
  op monitor interval=60s timeout={{policy.monitor_timeout}}
