pcs -f "$cib" constraint colocation add app-services-ro-clone with Unpromoted drbd-data-clone INFINITY id=app-services-ro-clone-with-drbd-data-clone
pcs -f "$cib" constraint order demote drbd-data-clone then start app-services-ro-clone id=order-demote-drbd-data-clone-then-app-services-ro-clone
