instance-id: pigsty-build
local-hostname: pigsty
