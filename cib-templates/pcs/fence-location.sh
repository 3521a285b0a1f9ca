pcs -f "$cib" constraint location add fence-{{node.name}}-avoids-{{node.name}} fence-{{node.name}} {{node.name}} -- -INFINITY
