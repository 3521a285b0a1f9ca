pcs -f "$cib" constraint colocation add fs-data with Promoted drbd-data-clone INFINITY id=fs-data-with-drbd-data-clone
pcs -f "$cib" constraint colocation add vip with Promoted drbd-data-clone INFINITY id=vip-with-drbd-data-clone
pcs -f "$cib" constraint colocation add haproxy-target with Promoted drbd-data-clone INFINITY id=haproxy-target-with-drbd-data-clone
pcs -f "$cib" constraint colocation add app-services with Promoted drbd-data-clone INFINITY id=app-services-with-drbd-data-clone
pcs -f "$cib" constraint order promote drbd-data-clone then start fs-data id=order-promote-drbd-data-clone-then-fs-data
pcs -f "$cib" constraint order start fs-data then start vip id=order-fs-data-then-vip
pcs -f "$cib" constraint order start vip then start haproxy-target id=order-vip-then-haproxy-target
pcs -f "$cib" constraint order start haproxy-target then start app-services id=order-haproxy-target-then-app-services
pcs -f "$cib" constraint location drbd-data-clone rule constraint-id=drbd-data-clone-prefers-{{preferred_node}} \
  id=drbd-data-clone-prefers-{{preferred_node}}-rule role=Promoted score={{policy.preference}} \
  '#uname' eq {{preferred_node}} and defined master-drbd-data
