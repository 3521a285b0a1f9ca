## Failback restore window: inside it the preferred node takes the Promoted role back.
pcs -f "$cib" constraint location drbd-data-clone rule constraint-id=drbd-data-clone-restore-window \
  id=drbd-data-clone-restore-window-rule role=Promoted score={{restore_window.score}} \
  '#uname' eq {{preferred_node}} and defined master-drbd-data and \
  {{@restore_window.date_specs}}
