// Opens the embedded database given as argv[2] and keeps it until killed: a second process for the
// ownership tests.
import { openPglite } from "../../src/embedded/open-pglite";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: hold-pglite <dataDir>");
await openPglite(dataDir);
process.stdout.write("ready\n");
setInterval(() => undefined, 60_000);
