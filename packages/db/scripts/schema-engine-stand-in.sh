#!/bin/sh
# Prisma's CLI downloads a native schema engine unless this variable names a file. generate, validate and
# format never run it; exiting 1 makes any command that would need it fail loudly instead of printing nothing.
echo "the native schema engine is not used here: run npm run db:migrate / db:deploy (WASM engine)" >&2
exit 1
